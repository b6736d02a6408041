/**
 * A publisher's listing page on another origin with 30 `<parley-count>` elements, under a strict
 * CSP (SPEC COUNT-1, COUNT-5, COUNT-6): ONE counts request serves them all, the numbers are right,
 * the thread widget is never loaded, and with `live` a new comment shows up without a reload.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startParleyServer, type ParleyServer } from '@parley/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, launchChromium } from './harness.js';

const SECRET = 'listing-secret-0123456789abcdef0123456789';
const THREADS = Array.from({ length: 30 }, (_, i) => `world/2026/story-${i + 1}`);
/** Story n has n % 4 comments (story 4 has none, and says 0). */
const seeded = (i: number) => (i + 1) % 4;

function listingSite(parleyUrl: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const parley = parleyUrl();
    const csp = `default-src 'none'; script-src ${parley}; style-src 'self'; connect-src ${parley}`;
    const items = THREADS.map((t, i) => `<li><a href="/${t}">Story ${i + 1}</a> · <parley-count site="world" thread="${t}" server="${parley}" live="5"></parley-count> comments</li>`).join('\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>World news</title>
<script type="module" src="${parley}/parley-count.js"></script></head>
<body><h1>World news</h1><ul>${items}
<li>Gone: <parley-count site="world" thread="world/never-created" server="${parley}"></parley-count></li></ul></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('<parley-count> on a listing page', () => {
  let parley: ParleyServer;
  let listing: { server: Server; origin: string };
  let browser: Browser;

  beforeAll(async () => {
    let started: ParleyServer | null = null;
    listing = await listingSite(() => started?.url ?? '');
    started = await startParleyServer({ port: 0, dbPath: ':memory:', logger: false, rateLimit: false, sites: [{ id: 'world', secret: SECRET, origins: [listing.origin] }] });
    parley = started;
    for (const [i, thread] of THREADS.entries()) {
      await parley.upsertThread({ id: thread, title: `Story ${i + 1}` }, 'world');
      for (let n = 0; n < seeded(i); n++) {
        // One reader per comment: each pays its Comment Tribute from its own starting grant.
        const ack = await parley.dispatch({ id: `reader${i}-${n}`, name: `Reader ${n}`, avatar: null, level: 20, role: 'reader', site: 'world' }, 'comment:post', { requestId: `seed-${i}-${n}`, thread, body: `Comment ${n} on story ${i + 1}` });
        expect(ack.ok).toBe(true);
      }
    }
    browser = await launchChromium();
    afterAll(async () => {
      await parley.close();
      await new Promise((done) => listing.server.close(done));
    });
  });

  it('[COUNT-1] [COUNT-5] [COUNT-6] 30 counts from ONE request, the right numbers, no thread widget; live counts follow a new comment', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const countRequests: string[] = [];
    const scripts: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/counts') countRequests.push(url.search);
      if (request.resourceType() === 'script') scripts.push(url.pathname);
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${listing.origin}/`);

    const counts = page.locator('parley-count');
    await eventually(() => counts.evaluateAll((els) => els.filter((el) => (el as unknown as { dataset: { state?: string } }).dataset.state === 'loading').length)).toBe(0);
    const texts = await counts.allTextContents();
    expect(texts.slice(0, 30)).toEqual(THREADS.map((_, i) => String(seeded(i))));
    expect(texts[30]).toBe('');
    expect(await counts.nth(30).getAttribute('data-state')).toBe('unknown');
    expect(countRequests).toHaveLength(1);
    expect(new URLSearchParams(countRequests[0]).get('threads')?.split(',')).toHaveLength(31);
    expect(scripts).toEqual(['/parley-count.js']);
    expect(problems).toEqual([]);

    // A reader comments on story 4 (0 comments): the live page shows 1 on its next refresh.
    await parley.dispatch({ id: 'late', name: 'Late Reader', avatar: null, level: 20, role: 'reader', site: 'world' }, 'comment:post', { requestId: 'late-1', thread: THREADS[3], body: 'First!' });
    await eventually(() => counts.nth(3).textContent(), 15_000).toBe('1');
    // Still one request per refresh for all 30, never one per element.
    expect(countRequests.length).toBeLessThanOrEqual(4);
    expect(countRequests.every((search) => new URLSearchParams(search).get('threads')?.split(',').length === 30 || new URLSearchParams(search).get('threads')?.split(',').length === 31)).toBe(true);
    await context.close();
  });
});
