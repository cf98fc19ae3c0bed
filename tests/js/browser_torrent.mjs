// Plays a torrent's signed stream URL in a plain <video> element in headless Chromium (the
// browser's own Range requests, no player library), then seeks to 70 % and plays on.
// Usage: node browser_torrent.mjs <signed stream url>
import { launchChromium } from './chromium.mjs';

const [src] = process.argv.slice(2);
const browser = await launchChromium();
const result = {};
try {
  const page = await browser.newPage();
  page.on('console', (msg) => process.stderr.write(`[page] ${msg.text()}\n`));
  await page.setContent(`<video id="v" muted autoplay playsinline preload="auto" src="${src}"></video>`);
  await page.waitForFunction(() => document.querySelector('video').currentTime > 1.5, null, { timeout: 60000 });
  result.firstTime = await page.evaluate(() => document.querySelector('video').currentTime);
  result.duration = await page.evaluate(() => document.querySelector('video').duration);
  result.width = await page.evaluate(() => document.querySelector('video').videoWidth);
  const seekStarted = Date.now();
  await page.evaluate(() => {
    const video = document.querySelector('video');
    video.currentTime = video.duration * 0.7;
  });
  await page.waitForFunction(() => {
    const video = document.querySelector('video');
    return !video.seeking && video.currentTime > video.duration * 0.7 + 1;
  }, null, { timeout: 60000 });
  result.seekPlayingAfterMs = Date.now() - seekStarted;
  result.afterSeek = await page.evaluate(() => document.querySelector('video').currentTime);
  result.error = await page.evaluate(() => {
    const error = document.querySelector('video').error;
    return error ? `${error.code}: ${error.message}` : null;
  });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
