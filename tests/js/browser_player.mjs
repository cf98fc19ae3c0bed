// Plays a signed HLS stream in headless Chromium through the server's own player page (hls.js),
// forces a rendition switch, then tries an expired URL.
// Usage: node browser_player.mjs <server url> <signed master url> <expired master url>
import { launchChromium } from './chromium.mjs';

const [server, src, expired] = process.argv.slice(2);
const browser = await launchChromium();
const result = {};
try {
  const page = await browser.newPage();
  page.on('console', (msg) => process.stderr.write(`[page] ${msg.text()}\n`));
  await page.goto(`${server}/media/player?src=${encodeURIComponent(src)}`);
  await page.waitForFunction(() => document.querySelector('video').currentTime > 1.5, null, { timeout: 30000 });
  const first = await page.evaluate(() => ({
    time: document.querySelector('video').currentTime,
    height: document.querySelector('video').videoHeight,
    levels: window.marqueePlayer.hls.levels.map((l) => l.height),
    current: window.marqueePlayer.hls.currentLevel,
  }));
  result.levels = first.levels;
  result.firstHeight = first.height;
  result.firstTime = first.time;
  const target = first.levels.findIndex((height) => height !== first.height);
  await page.evaluate((index) => { window.marqueePlayer.hls.currentLevel = index; }, target);
  await page.waitForFunction((height) => document.querySelector('video').videoHeight === height,
    first.levels[target], { timeout: 30000 });
  const startedAt = await page.evaluate(() => document.querySelector('video').currentTime);
  await page.waitForFunction((t) => document.querySelector('video').currentTime > t + 1, startedAt,
    { timeout: 30000 });
  result.switchedHeight = await page.evaluate(() => document.querySelector('video').videoHeight);
  result.switches = await page.evaluate(() => window.marqueePlayer.switches);
  result.laterTime = await page.evaluate(() => document.querySelector('video').currentTime);
  result.error = await page.evaluate(() => window.marqueePlayer.error);

  const stale = await browser.newPage();
  await stale.goto(`${server}/media/player?src=${encodeURIComponent(expired)}`);
  await stale.waitForFunction(() => window.marqueePlayer.error !== null, null, { timeout: 30000 });
  await stale.waitForTimeout(500);
  result.expiredError = await stale.evaluate(() => window.marqueePlayer.error);
  result.expiredTime = await stale.evaluate(() => document.querySelector('video').currentTime);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
