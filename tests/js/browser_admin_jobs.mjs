// The transcode jobs page in headless Chromium: an admin signs in, a video is uploaded, and the
// page's row for the job follows media_progress to "ready" at 100 %.
// Usage: node browser_admin_jobs.mjs <server url> <admin email> <password> <content id> <video file>
import fs from 'node:fs';
import { launchChromium } from './chromium.mjs';

const [server, email, password, contentId, file] = process.argv.slice(2);
const browser = await launchChromium();
const result = {};
try {
  const page = await browser.newPage();
  page.on('console', (msg) => process.stderr.write(`[page] ${msg.text()}\n`));
  await page.goto(`${server}/media/admin`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('#login');
  await page.waitForFunction(() => window.marqueeJobs.connected, null, { timeout: 20000 });
  const token = await page.evaluate(() => localStorage.getItem('marquee.token'));

  const form = new FormData();
  form.append('video', new Blob([fs.readFileSync(file)], { type: 'video/mp4' }), 'clip.mp4');
  const response = await fetch(`${server}/api/v1/admin/content/${contentId}/media`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const job = (await response.json()).data;
  result.jobId = job.id;
  await page.waitForFunction((id) => {
    const row = document.getElementById(`job-${id}`);
    return row && row.dataset.state === 'ready';
  }, job.id, { timeout: 60000 });
  result.row = await page.evaluate((id) => {
    const row = document.getElementById(`job-${id}`);
    return { state: row.dataset.state, progress: Number(row.dataset.progress), bar: row.querySelector('progress').value,
             cells: [...row.children].map((td) => td.textContent) };
  }, job.id);
  result.history = await page.evaluate((id) => window.marqueeJobs.history[id], job.id);
  result.events = await page.evaluate(() => window.marqueeJobs.events);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
