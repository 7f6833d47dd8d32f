// Drives the restyle web page in a real headless Chromium (Debian's, through playwright-core):
// picks a style from its thumbnail, uploads a photo, waits for the stylised image, then uploads a
// video and follows the job to its download link. Screenshots go to OUT_DIR.
// Usage: node ui.mjs BASE_URL PHOTO VIDEO OUT_DIR
import { chromium } from 'playwright-core';

const [baseUrl, photo, video, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node ui.mjs BASE_URL PHOTO VIDEO OUT_DIR');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  await page.goto(baseUrl, { waitUntil: 'networkidle' });

  // every thumbnail loads (naturalWidth > 0), then pick the last style
  const thumbs = page.locator('.style img');
  await thumbs.first().waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('.style img')]
      .every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 60000 });
  const count = await thumbs.count();
  await page.locator('.style').nth(count - 1).click();
  const chosen = await page.locator('.style[aria-checked="true"]').getAttribute('data-style');

  // a photo in, the stylised image out, beside the original
  await page.setInputFiles('#photo', photo);
  await page.selectOption('#max-size', '512');
  await page.click('#stylize');
  await page.waitForFunction(() => {
    const img = document.getElementById('result');
    return img.getAttribute('src') && img.complete && img.naturalWidth > 0;
  }, null, { timeout: 120000 });
  const result = await page.evaluate(() => {
    const r = document.getElementById('result');
    const o = document.getElementById('original');
    return { width: r.naturalWidth, height: r.naturalHeight, originalWidth: o.naturalWidth,
             download: !document.getElementById('download').hidden,
             status: document.getElementById('photo-status').textContent };
  });
  await page.screenshot({ path: outDir + '/web-photo.png', fullPage: true });
  if (Math.max(result.width, result.height) !== 512) problems.push('result is not 512 px long: ' + JSON.stringify(result));
  if (!result.download) problems.push('no download link');

  // a video becomes a job with a progress bar and a download link
  await page.setInputFiles('#video', video);
  await page.click('#upload-video');
  // while it runs, the pipelines section shows its live preview (an MJPEG <img>)
  await page.waitForFunction(() => {
    const img = document.querySelector('#pipelines .pipeline img');
    return img && img.naturalWidth > 0;
  }, null, { timeout: 120000 });
  const preview = await page.evaluate(() => {
    const img = document.querySelector('#pipelines .pipeline img');
    return { src: img.getAttribute('src'), width: img.naturalWidth, height: img.naturalHeight,
             summary: document.querySelector('#pipelines .summary').textContent };
  });
  await page.screenshot({ path: outDir + '/web-preview.png', fullPage: true });
  if (preview.width !== 160 || preview.height !== 120 || !preview.src.endsWith('/preview.mjpeg')) {
    problems.push('bad live preview: ' + JSON.stringify(preview));
  }
  await page.locator('#job-download').waitFor({ state: 'visible', timeout: 180000 });
  const job = await page.evaluate(() => ({
    progress: document.getElementById('job-progress').value,
    status: document.getElementById('job-status').textContent,
    href: document.getElementById('job-download').getAttribute('href'),
  }));
  await page.screenshot({ path: outDir + '/web-video.png', fullPage: true });
  if (job.progress !== 1) problems.push('progress did not reach 1: ' + JSON.stringify(job));
  const download = await page.request.get(new URL(job.href, baseUrl).toString());
  const bytes = (await download.body()).length;
  if (!download.ok() || download.headers()['content-type'] !== 'video/mp4' || bytes < 1000) {
    problems.push('video download failed: ' + download.status() + ' ' + bytes + ' bytes');
  }
  console.log(JSON.stringify({ style: chosen, thumbnails: count, result, preview, job, videoBytes: bytes }));
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
