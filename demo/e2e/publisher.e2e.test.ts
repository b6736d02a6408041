/**
 * A publisher's own site on another origin, set up exactly as the README tells a publisher: the
 * Parley server with a configured site listing the publisher's origin, the page embedding
 * parley.js from the Parley server with `site`, `thread`, the host-signed `thread-token` and an
 * `auth-url` on the publisher's backend that answers the reader's token. SPEC THREAD-1, THREAD-2,
 * ORIGIN-1, SITE-2.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signThreadClaim, signToken, startParleyServer, type ParleyServer, type ParleyServerOptions } from '@parley/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, launchChromium } from './harness.js';

const SECRET = 'publisher-secret-0123456789abcdef0123456789';
const THREAD = 'culture/2026/museum-reopens';
/** Readers of the publisher's site; one has a name with no place to break it. */
const NAMES: Record<string, string> = { ana: 'Ana Lima', ben: 'Ben Okafor', long: 'Bartholomew'.repeat(8) };

/** The publisher's backend: its article page and its token endpoint (the reader is a cookie). */
function publisherSite(parleyUrl: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://publisher.local');
      if (url.pathname === '/parley-token') {
        const reader = req.headers.cookie?.match(/reader=(\w+)/)?.[1];
        if (!reader) return void res.writeHead(401).end();
        const token = await signToken(SECRET, { sub: reader, name: NAMES[reader] ?? reader, lvl: 20 }, { audience: 'culture', expiresIn: '1h' });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
        return;
      }
      if (url.pathname === '/site.css') {
        // The publisher's own type, which the widget takes when told `--parley-font: inherit` [W-A11Y3].
        res.writeHead(200, { 'content-type': 'text/css' }).end('body { font-family: Georgia, serif; } parley-thread { --parley-font: inherit; }');
        return;
      }
      const origin = `http://${req.headers.host}`;
      const threadToken = await signThreadClaim(SECRET, { thread: THREAD, title: 'The museum reopens', url: `${origin}/article`, author: 'editor' }, { audience: 'culture' });
      // A strict policy, as the README promises works: no inline styles or scripts anywhere [W-A11Y1].
      const parley = parleyUrl();
      const csp = `default-src 'none'; script-src ${parley}; style-src 'self'; connect-src 'self' ${parley} ${parley.replace('http', 'ws')}; img-src 'self' data:`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The museum reopens</title>
<link rel="stylesheet" href="/site.css">
<script type="module" src="${parleyUrl()}/parley.js"></script></head>
<body><article id="story"><h1>The museum reopens</h1><p>After three years of work the city museum opens its doors again.</p></article>
<parley-thread server="${parleyUrl()}" site="culture" thread="${THREAD}" thread-token="${threadToken}" auth-url="/parley-token" comment-level="99"></parley-thread>
</body></html>`);
    })();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/**
 * The publisher's site and a Parley server whose site `culture` lists the publisher's origin (known
 * first: it goes in the config), both closed after the file's tests.
 */
async function startPublisherAndParley(options: Partial<ParleyServerOptions> = {}, gates = {}): Promise<{ parley: ParleyServer; publisher: { origin: string } }> {
  let parley: ParleyServer | null = null;
  const publisher = await publisherSite(() => parley?.url ?? '');
  const started = await startParleyServer({
    port: 0,
    dbPath: ':memory:',
    logger: false,
    sites: [{ id: 'culture', secret: SECRET, origins: [publisher.origin], gates }],
    ...options,
  });
  parley = started;
  afterAll(async () => {
    await started.close();
    await new Promise((done) => publisher.server.close(done));
  });
  return { parley: started, publisher };
}

describe('a publisher page on another origin, set up as the README says', () => {
  let parley: ParleyServer;
  let publisher: { origin: string };
  let browser: Browser;

  beforeAll(async () => {
    ({ parley, publisher } = await startPublisherAndParley({}, { comment: 5 }));
    browser = await launchChromium();
  });

  async function open(reader: string) {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'reader', value: reader, url: publisher.origin }]);
    const page = await context.newPage();
    const warnings: string[] = [];
    const errors: string[] = [];
    page.on('console', (msg) => {
      // The first view of a thread its claim creates: the first page over HTTP finds none yet (404,
      // SPEC PAINT-4) and the socket's join creates it — Chromium logs the 404 of that GET.
      if (msg.type() === 'error' && msg.location().url.includes('/api/thread-page') && msg.text().includes('404')) return;
      (msg.type() === 'warning' ? warnings : msg.type() === 'error' ? errors : []).push(msg.text());
    });
    await page.goto(`${publisher.origin}/article`);
    await page.locator('[part~="status"][data-status="connected"]').waitFor();
    await page.locator('textarea[part~="composer-input"]').waitFor();
    return { page, warnings, errors };
  }

  it('creates the thread from the signed claim, signs the reader in through auth-url, and comments arrive live', async () => {
    const ana = await open('ana');
    const ben = await open('ben');
    await ana.page.locator('textarea[part~="composer-input"]').fill('So glad it is open again.');
    await ana.page.locator('button[part~="composer-submit"]').click();
    await eventually(() => ben.page.locator('[part~="comment"] [part~="body"]').allTextContents()).toContain('So glad it is open again.');
    const info = await parley.store.read((tx) => tx.getThread(`culture:${THREAD}`));
    expect(info).toMatchObject({ title: 'The museum reopens', origin: 'claim' });
    expect(await parley.store.read((tx) => tx.ledger.postAuthor(`culture:${THREAD}`))).toBe('r:culture:editor');
    // The unsigned comment-level="99" set nothing: Ana (LVL 20) commented, and the page was told why.
    expect(ana.warnings.join('\n')).toContain('comment-level ignored');
    // Under the strict CSP: no violation reported (an inline style would be), avatars colored by class.
    expect([...ana.errors, ...ben.errors]).toEqual([]);
    const avatar = ben.page.locator('[part~="comment"] [part~="avatar"]').first();
    // (The e2e typecheck has no DOM lib: the element is typed by the little used of it.)
    type Styled = { ownerDocument: { defaultView: { getComputedStyle(el: unknown): { backgroundColor: string } } } };
    expect(await avatar.evaluate((el: Styled) => el.ownerDocument.defaultView.getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
  });

  it('[W-A11Y3] `--parley-font: inherit` sets the widget in the page\'s own font', async () => {
    const ana = await open('ana');
    type Fonted = { ownerDocument: { defaultView: { getComputedStyle(el: unknown): { fontFamily: string } } } };
    const fontOf = (el: Fonted) => el.ownerDocument.defaultView.getComputedStyle(el).fontFamily;
    expect(await ana.page.locator('body').evaluate(fontOf)).toBe('Georgia, serif');
    expect(await ana.page.locator('textarea[part~="composer-input"]').evaluate(fontOf)).toBe('Georgia, serif');
    expect(await ana.page.locator('button[part~="composer-submit"]').evaluate(fontOf)).toBe('Georgia, serif');
  });

  it('[W-CM1] a long unbroken name wraps inside its comment: the widget keeps its width', async () => {
    const long = await open('long');
    await long.page.setViewportSize({ width: 600, height: 900 });
    await long.page.locator('textarea[part~="composer-input"]').fill('A name that will not fit.');
    await long.page.locator('button[part~="composer-submit"]').click();
    const widget = long.page.locator('parley-thread');
    const mine = long.page.locator('[part~="comment"]', { hasText: 'A name that will not fit.' });
    await mine.waitFor();
    const [outer, inner] = await Promise.all([widget.boundingBox(), mine.boundingBox()]);
    expect(inner!.width).toBeLessThanOrEqual(outer!.width);
    expect(await widget.evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  });
});

describe('[W-S10] a widget refused for too many connections from its address', () => {
  let publisher: { origin: string };
  let browser: Browser;

  beforeAll(async () => {
    ({ publisher } = await startPublisherAndParley({ rateLimit: { connectionsPerIp: 1 } }));
    browser = await launchChromium();
  });

  it('comes back by itself once the server has room, instead of staying offline', async () => {
    const first = await (await browser.newContext()).newPage();
    await first.goto(`${publisher.origin}/article`);
    await first.locator('[part~="status"][data-status="connected"]').waitFor();
    const second = await (await browser.newContext()).newPage();
    await second.goto(`${publisher.origin}/article`);
    await eventually(() => second.locator('[part~="status"]').getAttribute('data-status')).not.toBe('connected');
    await first.close();
    await second.locator('[part~="status"][data-status="connected"]').waitFor({ timeout: 20_000 });
  });
});
