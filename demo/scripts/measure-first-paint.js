// Prints the widget's first-paint figures on the demo with the discussion above the fold
// (SPEC PAINT-10): Parley JavaScript bytes before the first comment, what a reload moves, CLS, and
// the time from DOMContentLoaded to the first comment. Measures, asserts nothing.
//   pnpm build && node demo/scripts/measure-first-paint.js [runs=5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startDemo } from '../dist/serve.js';
import { measurePaint } from '../dist/first-paint.js';

const runs = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'parley-paint-'));
const server = await startDemo({ port: 0, dbPath: join(dir, 'parley.db') });
const browser = await chromium.launch({
  executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// One visit first, as a live thread has had: the page's signed claim is applied on the first join.
{
  const page = await browser.newPage();
  await measurePaint(page, `${server.url}/?layout=top&as=guest`, { settleMs: 1000 });
  await page.close();
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (const [label, persona, viewport] of [
    ['desktop guest', 'guest', { width: 1100, height: 900 }],
    ['desktop signed in', 'writer', { width: 1100, height: 900 }],
    ['mobile guest', 'guest', { width: 390, height: 844 }],
  ]) {
    const first = [];
    const again = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const url = `${server.url}/?layout=top&as=${persona}`;
      first.push(await measurePaint(page, url));
      again.push(await measurePaint(page, url, { reload: true }));
      await context.close();
    }
    const f = first[0];
    console.log(`\n${label} (${viewport.width}×${viewport.height}, widget above the fold, ${runs} runs)`);
    console.log(`  JS before first comment   ${kb(median(first.map((m) => m.jsBytesBeforeFirstComment)))} on the wire (${f.jsFilesBeforeFirstComment.join(', ')})`);
    console.log(`  first view, all Parley    ${kb(median(first.map((m) => m.parleyBytes)))} (WebSocket ${kb(median(first.map((m) => m.webSocketBytes)))}); host page ${kb(median(first.map((m) => m.hostBytes)))}`);
    console.log(`  reload, all Parley        ${kb(median(again.map((m) => m.parleyBytes)))} (WebSocket ${kb(median(again.map((m) => m.webSocketBytes)))}); statuses ${JSON.stringify(again[0].statuses)}`);
    console.log(`  CLS                       first view ${median(first.map((m) => m.cls)).toFixed(4)}, reload ${median(again.map((m) => m.cls)).toFixed(4)} (max ${Math.max(...first.map((m) => m.cls), ...again.map((m) => m.cls)).toFixed(4)})`);
    console.log(`  comments after DCL        first view ${median(first.map((m) => m.commentsAfterDcl)).toFixed(0)} ms, reload ${median(again.map((m) => m.commentsAfterDcl)).toFixed(0)} ms (median; max ${Math.max(...first.map((m) => m.commentsAfterDcl)).toFixed(0)} ms)`);
    const worst = [...first, ...again].flatMap((m) => m.shifts).sort((a, b) => b.value - a.value)[0];
    if (worst) console.log(`  largest shift             ${worst.value.toFixed(4)} at ${worst.at.toFixed(0)} ms: ${worst.sources.slice(0, 3).join(' | ')}`);
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
