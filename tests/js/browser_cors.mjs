// A page on one origin calls the API on another, in Debian's headless Chromium: every call needs a
// CORS preflight (a custom header, a new URL each time); the budget runs out and the page reads the
// 429's code and headers, then a 414 written by the web server itself.
// Usage: node browser_cors.mjs <apiBase> <pagePort> <calls>; prints one JSON line.
import http from 'node:http';
import { launchChromium } from './chromium.mjs';

const [api, pagePort, calls] = process.argv.slice(2);
const pageServer = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><title>another origin</title><p>calls the Marquee API</p>');
});
await new Promise((resolve) => pageServer.listen(Number(pagePort), '127.0.0.1', resolve));
const browser = await launchChromium();
const result = {};
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`http://127.0.0.1:${pagePort}/`);
  Object.assign(result, await page.evaluate(async ({ api, calls }) => {
    const read = async (response) => {
      const body = await response.json();
      return {
        status: response.status, code: body.success ? null : body.error.code,
        limit: response.headers.get('X-RateLimit-Limit'), remaining: response.headers.get('X-RateLimit-Remaining'),
        retryAfter: response.headers.get('Retry-After'), requestId: response.headers.get('X-Request-ID'),
      };
    };
    const answers = [];
    for (let i = 1; i <= calls; i += 1) {
      try {
        // X-Request-ID is not a CORS-safelisted header: the browser asks first (OPTIONS)
        answers.push(await read(await fetch(`${api}/api/v1/content?page=${i}`, {
          headers: { 'X-Request-ID': `browser-${i}` }, credentials: 'include',
        })));
      } catch (err) {
        answers.push({ failed: String(err) }); // what a refused preflight looks like to a script
      }
    }
    let edge;
    try {
      edge = await read(await fetch(`${api}/api/v1/content/search?q=${'a'.repeat(9000)}`, { credentials: 'include' }));
    } catch (err) {
      edge = { failed: String(err) };
    }
    return { answers, edge };
  }, { api, calls: Number(calls) }));
} catch (err) {
  result.error = String((err && err.message) || err);
} finally {
  await browser.close();
  pageServer.close();
}
console.log(JSON.stringify(result));
