/**
 * The economy's three modes and its honest edges, on the real demo page in Chromium: the full
 * reference blocks show exactly what the ledger has; a report is not sold twice unchanged; compact
 * is one line whose report is the ledger's; off shows no Twei at all; and a reader at 0 Twei whose
 * comment is refused is told what really earns. With PARLEY_SCREENSHOTS=<dir> it also saves
 * desktop, mobile (390 px) and dark screenshots of each mode there.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken, startParleyServer, type ParleyServer } from '@parley/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo } from '../src/serve.js';
import { DEMO_THREAD } from '../src/seed.js';
import { eventually, launchChromium, openAs, postComment, textOf, type Reader } from './harness.js';

const ProfitCategories = ['pluses', 'commentRewards', 'likesOwn', 'likesCommenter', 'likesAuthor', 'dislikesAuthor'] as const;
const LossCategories = ['minuses', 'commentTributes', 'dislikesOwn', 'dislikesCommenter', 'publishTribute', 'reports'] as const;
const THREAD_KEY = `demo:${DEMO_THREAD}`;
const shots = process.env.PARLEY_SCREENSHOTS;

async function startFastDemo(economy: Record<string, number>): Promise<ParleyServer> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-e2e-modes-'));
  const server = await startDemo({ port: 0, dbPath: join(dir, 'parley.db'), economy });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

const number = (text: string | null): number | null => (text === null ? null : Number(text.replace(/[^\d-]+/g, '')));
const balanceShown = async (page: Page) => number(await textOf(page.locator('[part~="balance"] strong, [part~="balance"].value, .value[part~="balance"]')));
const ledgerBalance = (server: ParleyServer, user: string) => server.store.read((tx) => tx.ledger.balance(`r:demo:${user}`));

/** The reader's twelve categories on the demo post, straight from the ledger's transfers. */
async function ledgerLines(server: ParleyServer, userId: string): Promise<Record<string, string>> {
  const account = `r:demo:${userId}`;
  const transfers = await server.store.read((tx) => tx.ledger.allTransfers());
  const lines: Record<string, number> = {};
  for (const c of [...ProfitCategories, ...LossCategories]) lines[c] = 0;
  for (const t of transfers) {
    if (t.thread !== THREAD_KEY || !(t.category in lines)) continue;
    const sign = (ProfitCategories as readonly string[]).includes(t.category) ? 1 : -1;
    if (t.to === account) lines[t.category]! += sign * t.amount;
    if (t.from === account) lines[t.category]! -= sign * t.amount;
  }
  return Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, String(v)]));
}

async function shownLines(page: Page): Promise<Record<string, string | null>> {
  const lines: Record<string, string | null> = {};
  for (const c of [...ProfitCategories, ...LossCategories]) lines[c] = await textOf(page.locator(`tr[data-category="${c}"] td`));
  return lines;
}

/** The attributes the test touches (the e2e config has no DOM lib: the element runs in the page). */
type Attributes = { setAttribute(name: string, value: string): void; removeAttribute(name: string): void };

const setMode = (page: Page, mode: string | null) =>
  page.locator('parley-thread').evaluate((thread: Attributes, m: string | null) => {
    if (m === null) thread.removeAttribute('economy');
    else thread.setAttribute('economy', m);
  }, mode);

/** Desktop, mobile and dark pictures of the discussion as it is now, for a person to look at. */
async function screenshots(browser: Browser, server: ParleyServer, persona: string, mode: string): Promise<void> {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  const variants = [
    { name: 'desktop', viewport: { width: 1100, height: 900 }, colorScheme: 'light' as const },
    { name: 'mobile', viewport: { width: 390, height: 844 }, colorScheme: 'light' as const, deviceScaleFactor: 2 },
    { name: 'dark', viewport: { width: 1100, height: 900 }, colorScheme: 'dark' as const },
  ];
  for (const { name, ...options } of variants) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await page.goto(`${server.url}/?as=${persona}`);
    await page.locator('[part~="status"][data-status="connected"]').waitFor();
    await page.locator('[part~="comment"]').first().waitFor();
    await setMode(page, mode);
    if (mode !== 'off') await page.locator('[part~="earnings"]').waitFor();
    if (mode !== 'off') await page.locator('[part~="balance"]').waitFor(); // the reader's wallet, not a guest's view
    await page.waitForTimeout(300);
    // What a reader sees on arriving at the discussion: the top of it, at the device's size.
    await page.locator('section.discussion').evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: join(shots, `${mode}-${name}.png`) });
    if (mode === 'compact') {
      await page.locator('button[part~="report-toggle"]').click();
      await page.locator('[part~="pnl"]').waitFor();
      await page.waitForTimeout(300); // the chevron's turn
      await page.screenshot({ path: join(shots, `${mode}-open-${name}.png`) });
    }
    await context.close();
  }
}

describe('economy modes on the reference page', () => {
  let server: ParleyServer;
  let browser: Browser;
  let writer: Reader;

  beforeAll(async () => {
    server = await startFastDemo({ heartbeatMs: 300, readMsPerTwei: 600, readCapPerPost: 3 });
    browser = await launchChromium();
    writer = await openAs(browser, server.url, 'writer');
  });

  it('[W-E13] full: Read-to-Earn, Comment-to-Earn and the report show exactly what the ledger has', async () => {
    const { page } = writer;
    await eventually(async () => (await textOf(page.locator('[part~="earned"]')))?.replace(/\s+/g, ' '), 45_000).toBe('You earned: 3 Twei');
    const session = await server.store.read((tx) => tx.ledger.readSession('r:demo:writer', THREAD_KEY));
    expect(session?.credited).toBe(3);
    await eventually(async () => [await balanceShown(page), await ledgerBalance(server, 'writer')]).toSatisfy(([a, b]) => a === b);
    expect(await textOf(page.locator('[part~="prices"] [data-action="comment"]'))).toBe('Comment: −1 Twei tribute, +3 Twei reward');
    await postComment(page, 'Modes make the economy optional.');
    await eventually(async () => [await balanceShown(page), await ledgerBalance(server, 'writer')]).toSatisfy(([a, b]) => a === b && a !== 13);
    await page.locator('button[part~="buy-report"]').click();
    await eventually(() => textOf(page.locator('tr[data-category="reports"] td'))).toBe('1');
    expect(await shownLines(page)).toEqual(await ledgerLines(server, 'writer'));
    await eventually(async () => [await balanceShown(page), await ledgerBalance(server, 'writer')]).toSatisfy(([a, b]) => a === b);
  });

  it('[W-E7] the bought report is shown, not sold again, until something moves on the post — then it says what', async () => {
    const { page } = writer;
    await eventually(() => textOf(page.locator('[part~="report-status"]'))).toBe('Up to date — nothing has moved on this post since this report');
    expect(await page.locator('button[part~="buy-report"]').count()).toBe(0);
    if (shots) await page.locator('[part~="pnl"]').screenshot({ path: join(shots, 'report-up-to-date.png') });
    await postComment(page, 'A second thought moves Twei too.'); // its tribute is one movement
    await eventually(() => textOf(page.locator('[part~="report-status"]'))).toMatch(/^[1-9]\d* new movements? since your last report$/);
    if (shots) await page.locator('[part~="pnl"]').screenshot({ path: join(shots, 'report-changed.png') });
    await page.locator('button[part~="buy-report"]').click();
    await eventually(() => textOf(page.locator('tr[data-category="reports"] td'))).toBe('2');
    expect(await shownLines(page)).toEqual(await ledgerLines(server, 'writer'));
    await eventually(() => textOf(page.locator('[part~="report-status"]'))).toBe('Up to date — nothing has moved on this post since this report');
  });

  it('[W-E12] compact: one line with the ledger’s balance and read earnings; its Report opens the ledger’s report', async () => {
    const { page } = writer;
    await setMode(page, 'compact');
    await page.locator('[part~="economy-line"]').waitFor();
    expect(await page.locator('[part~="read-to-earn"], [part~="comment-to-earn"], [part~="pnl"]').count()).toBe(0);
    await eventually(async () => [await balanceShown(page), await ledgerBalance(server, 'writer')]).toSatisfy(([a, b]) => a === b);
    expect((await textOf(page.locator('[part~="earned"]')))?.replace(/\s+/g, ' ')).toBe('Earned reading 3 Twei of 3');
    const line = await page.locator('[part~="economy-line"]').boundingBox();
    expect(line!.height).toBeLessThan(60); // one line on a desktop
    await page.locator('button[part~="report-toggle"]').click();
    await page.locator('[part~="pnl"]').waitFor();
    expect(await shownLines(page)).toEqual(await ledgerLines(server, 'writer'));
    expect(await textOf(page.locator('[part~="comment-price"]'))).toContain('Posting costs');
  });

  it('[W-E11] off: no Twei block and no cost hint, the discussion works as before', async () => {
    const { page } = writer;
    await setMode(page, 'off');
    await eventually(() => page.locator('[part~="earnings"]').count()).toBe(0);
    expect(await page.locator('[part~="comment-price"]').count()).toBe(0);
    expect(await page.locator('parley-thread').evaluate((el) => el.shadowRoot!.textContent)).not.toContain('Twei');
    await postComment(page, 'Nothing to count here.');
    await eventually(() => page.locator('[part~="comment"]', { hasText: 'Nothing to count here.' }).count()).toBe(1);
    await setMode(page, null);
    await page.locator('[part~="read-to-earn"]').waitFor();
  });

  it('saves screenshots of full, compact and off (with PARLEY_SCREENSHOTS)', async () => {
    for (const mode of ['full', 'compact', 'off']) await screenshots(browser, server, 'writer', mode);
  });

  it('nothing was written to the console as an error', () => {
    expect(writer.errors).toEqual([]);
  });
});

describe('no dead end at 0 Twei', () => {
  let server: ParleyServer;
  let reader: Reader;

  beforeAll(async () => {
    // Reading pays a Twei a minute, so the reader stays at 0 for the test once the starting grant is
    // spent — here on reports bought through the server's own command path, until it refuses.
    server = await startFastDemo({ heartbeatMs: 300, readMsPerTwei: 60_000, readCapPerPost: 3 });
    const writer = { id: 'writer', name: 'Sam Writer', avatar: null, level: 13, role: 'reader' as const };
    for (let i = 0; i < 100; i++) {
      const ack = await server.dispatch(writer, 'report:buy', { requestId: `spend-${i}`, thread: DEMO_THREAD });
      if (!ack.ok) break;
    }
    expect(await ledgerBalance(server, 'writer')).toBe(0);
    const browser = await launchChromium();
    reader = await openAs(browser, server.url, 'writer');
  });

  it('[W-E5] [W-E14] a refused comment says what reading this article earns and how long it takes, and can be sent again', async () => {
    const { page } = reader;
    await eventually(() => balanceShown(page)).toBe(0);
    // [W-E14] said before writing, too
    expect(await textOf(page.locator('[part~="comment-price"]'))).toBe(
      'Posting costs a 1 Twei tribute and earns 3 Twei. You have 0: reading this article pays 1 Twei every 1 min.',
    );
    await postComment(page, 'My first words here.');
    const failed = page.locator('[part~="comment"][data-state="failed"]');
    await failed.waitFor();
    const notice = (await textOf(failed.locator('[part~="error"]')))?.replace(/\s+/g, ' ') ?? '';
    expect(notice).toMatch(
      /^Not sent — Posting a comment costs 1 Twei and you have 0\. Reading this article \(about 2 min to read\) earns 1 Twei for every 1 min you read, up to 3 Twei: about (1 min|\d+ s) more reading earns what this needs\. Your comment is kept here: send it again once you have\./,
    );
    expect(notice).not.toContain('Read or comment');
    expect(await failed.locator('button[part~="retry"]').count()).toBe(1);
    if (shots) {
      await failed.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, 'dead-end-desktop.png') });
    }
    expect(reader.errors).toEqual([]);
  });
});

describe('the site\'s economy mode, end to end (config → economy:state → widget)', () => {
  const SECRET = 'economy-modes-e2e-secret-at-least-32-bytes';
  let browser: Browser;

  /** A one-site server whose own page embeds the widget for a signed-in reader, as a publisher would. */
  async function siteWith(
    economy: 'off' | 'compact',
    pageMode: string | null,
  ): Promise<{ server: ParleyServer; page: Page; errors: string[]; sent: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'parley-e2e-site-mode-'));
    let token = '';
    const server = await startParleyServer({
      port: 0,
      host: '127.0.0.1',
      dbPath: join(dir, 'parley.db'),
      sites: [{ id: 'news', secret: SECRET, origins: ['same-origin'], economy }],
      onRequest: (req, res) => {
        if (req.url !== '/') return false;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><meta charset="utf-8"><script type="module" src="/parley.js"></script>
          <article id="story"><p>${'Words worth reading. '.repeat(120)}</p></article>
          <parley-thread thread="news/1" article="#story" token="${token}"${pageMode ? ` economy="${pageMode}"` : ''}></parley-thread>`);
        return true;
      },
    });
    afterAll(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await server.upsertThread({ id: 'news/1', title: 'News one', published: true });
    token = await signToken(SECRET, { sub: 'u1', name: 'Bella', lvl: 13 }, { audience: 'news' });
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 1000 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    const sent: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (frame) => sent.push(String(frame.payload))));
    await page.goto(`${server.url}/`);
    await page.locator('[part~="status"][data-status="connected"]').waitFor();
    await page.locator('textarea[part~="composer-input"]').first().waitFor();
    return { server, page, errors, sent };
  }

  beforeAll(async () => {
    browser = await launchChromium();
  });

  it('[W-E9] [W-E10] a compact site shows compact even when the page asks for full, and reading counts there', async () => {
    const { page, errors, sent } = await siteWith('compact', 'full');
    await page.locator('[part~="economy-line"]').waitFor();
    await eventually(() => sent.some((frame) => frame.includes('read:heartbeat'))).toBe(true); // it runs: reading counts
    expect(await page.locator('[part~="read-to-earn"], [part~="comment-to-earn"]').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('[W-E10] [W-E11] a site with the economy off: no Twei anywhere, no heartbeats, and a comment moves nothing', async () => {
    const { server, page, errors, sent } = await siteWith('off', null);
    await postComment(page, 'No tribute here.');
    await eventually(() => page.locator('[part~="comment"][data-state="sent"]', { hasText: 'No tribute here.' }).count()).toBe(1);
    await page.waitForTimeout(500);
    expect(await page.locator('[part~="earnings"], [part~="comment-price"]').count()).toBe(0);
    expect(await page.locator('parley-thread').evaluate((el) => el.shadowRoot!.textContent)).not.toContain('Twei');
    expect(sent.some((frame) => frame.includes('"economy:state"'))).toBe(true); // frames are seen…
    expect(sent.filter((frame) => frame.includes('read:heartbeat'))).toEqual([]); // …and none is a beat
    expect(await server.store.read((tx) => tx.ledger.allTransfers())).toEqual([]);
    expect(errors).toEqual([]);
  });
});
