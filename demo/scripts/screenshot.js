// Takes a full-page screenshot of a running demo, as a reader would see it:
//   node demo/scripts/screenshot.js [url] [out.png] [persona] [light|dark]
import { chromium } from 'playwright-core';

const [url = 'http://127.0.0.1:4000/', out = 'demo-screenshot.png', persona = 'writer', scheme = 'light'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme: scheme });
  await page.goto(`${url}?as=${persona}`);
  await page.locator('[part~="comment"]').first().waitFor({ timeout: 10_000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
}
