// Two pages of /watch-together/demo in Debian's headless Chromium: A creates and plays, B must follow.
// Usage: node browser_sync.mjs <baseUrl> <emailA> <emailB> <password>; prints one JSON line.
import { launchChromium } from './chromium.mjs';

const [base, emailA, emailB, password] = process.argv.slice(2);
const browser = await launchChromium();
const result = {};
try {
  const open = async (email) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/watch-together/demo`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('#login');
    await page.waitForFunction(() => !document.getElementById('create').disabled, null, { timeout: 10000 });
    return page;
  };
  const a = await open(emailA);
  const b = await open(emailB);
  await a.click('#create');
  await a.waitForFunction(() => document.getElementById('roomId').textContent.length > 3, null, { timeout: 10000 });
  const roomId = (await a.textContent('#roomId')).trim();
  await b.fill('#roomIdInput', roomId);
  await b.click('#join');
  await b.waitForFunction((id) => document.getElementById('roomId').textContent === id, roomId, { timeout: 10000 });
  result.statusBefore = await b.textContent('#status');
  await a.click('#play');
  await b.waitForFunction(() => document.getElementById('status').textContent === 'playing', null, { timeout: 10000 });
  await a.waitForFunction(() => document.getElementById('status').textContent === 'playing', null, { timeout: 10000 });
  await b.waitForTimeout(1000);
  // sample both players at nearly the same instant
  const [pa, pb] = await Promise.all([a.textContent('#position'), b.textContent('#position')]);
  Object.assign(result, { roomId, statusAfter: await b.textContent('#status'), positionA: +pa, positionB: +pb,
                          offsetB: +(await b.textContent('#offset')) });
} catch (err) {
  result.error = String(err && err.message || err);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
