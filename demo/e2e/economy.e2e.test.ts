/**
 * The Twei economy on the real demo page in Chromium: read-to-earn credits appear, a report bought
 * for 1 Twei shows the reader's twelve categories exactly as the ledger has them, costs are shown
 * before actions, and balances move live.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditLedger, type ParleyServer } from '@parley/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo } from '../src/serve.js';
import { DEMO_THREAD } from '../src/seed.js';
import { commentByText, eventually, launchChromium, openAs, postComment, textOf, type Reader } from './harness.js';

/** The reference page's two tables, in page order (the demo does not depend on the protocol package). */
const ProfitCategories = ['pluses', 'commentRewards', 'likesOwn', 'likesCommenter', 'likesAuthor', 'dislikesAuthor'] as const;
const LossCategories = ['minuses', 'commentTributes', 'dislikesOwn', 'dislikesCommenter', 'publishTribute', 'reports'] as const;

/**
 * Readers in a test read faster than people: a beat every 300 ms, a Twei per 600 ms, at most 3.
 * And the test's readers are minutes old and their comments seconds old: no settlement window and
 * no giver age bar (server SPEC SETTLE-1, REACT-4), so a reward shows as soon as it is earned.
 */
const fastReading = { heartbeatMs: 300, readMsPerTwei: 600, readCapPerPost: 3, settleWindowMs: 0, minGiverAgeMs: 0 };

async function startFastDemo(): Promise<ParleyServer> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-e2e-economy-'));
  const server = await startDemo({ port: 0, dbPath: join(dir, 'parley.db'), economy: fastReading });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

const balance = async (page: Page): Promise<number | null> => {
  const text = await textOf(page.locator('[part~="balance"]'));
  return text ? Number(text.replace(/\D+/g, '')) : null;
};

/** The auditor's figures for one reader on the demo thread, straight from the ledger's transfers. */
async function ledgerLines(server: ParleyServer, userId: string): Promise<Record<string, number>> {
  const account = `r:demo:${userId}`;
  const transfers = await server.store.read((tx) => tx.ledger.allTransfers());
  const lines: Record<string, number> = {};
  for (const c of [...ProfitCategories, ...LossCategories]) lines[c] = 0;
  for (const t of transfers) {
    if (t.thread !== `demo:${DEMO_THREAD}` || !(t.category in lines)) continue;
    const sign = (ProfitCategories as readonly string[]).includes(t.category) ? 1 : -1;
    if (t.to === account) lines[t.category]! += sign * t.amount;
    if (t.from === account) lines[t.category]! -= sign * t.amount;
  }
  return lines;
}

describe('the Twei economy on the reference page', () => {
  let server: ParleyServer;
  let browser: Browser;
  let writer: Reader;
  let bella: Reader;

  beforeAll(async () => {
    server = await startFastDemo();
    browser = await launchChromium();
    writer = await openAs(browser, server.url, 'writer');
    bella = await openAs(browser, server.url, 'bella');
  });

  it('shows the reference blocks: time to read, the report table with "..." and its price', async () => {
    const { page } = writer;
    await eventually(() => textOf(page.locator('[part~="read-time"]'))).toBe('2 min');
    const table = await page.locator('table[part~="profit"] th, table[part~="loss"] th').allInnerTexts();
    expect(table.map((t) => t.trim())).toEqual([
      'Earned for Pluses', 'Comment Rewards', 'Likes Own', 'Likes Commenter', 'Likes Author', 'Dislikes Author',
      'Profit Subtotal, Twei',
      'Spent for Minuses', 'Comment Tributes', 'Dislikes Own', 'Dislikes Commenter', 'Post Publish Tribute', 'PnL Reports',
      'Loss Subtotal, Twei',
    ]);
    const cells = await page.locator('table[part~="profit"] td, table[part~="loss"] td').allInnerTexts();
    expect(new Set(cells.map((c) => c.trim()))).toEqual(new Set(['...']));
    expect(await textOf(page.locator('[part~="total"]'))).toBe('Total Twei Earned: ...');
    expect(await textOf(page.locator('[part~="report-price"]'))).toBe('Price for report instance: 1 Twei');
    expect(await textOf(page.locator('button[part~="buy-report"]'))).toBe('Get report — 1 Twei');
    expect(await textOf(page.locator('[part~="comment-to-earn"] h3'))).toBe('Comment-to-Earn');
  });

  it('shows what an action costs or pays before it is taken', async () => {
    const prices = writer.page.locator('[part~="prices"]');
    expect(await textOf(prices.locator('[data-action="comment"]'))).toBe('Comment: −1 Twei tribute, +3 Twei reward');
    expect(await textOf(prices.locator('[data-action="dislike"]'))).toContain('−1 Twei to you');
    expect(await textOf(prices.locator('[data-action="like"]'))).toContain('+1 Twei to you');
    expect(await textOf(writer.page.locator('[part~="comment-price"]'))).toBe('Posting costs a 1 Twei tribute and earns 3 Twei.');
  });

  it('read-to-earn: "You earned: None" turns into the Twei reading earned, up to the cap', async () => {
    const earned = writer.page.locator('[part~="earned"]');
    await eventually(async () => (await textOf(earned))?.replace(/\s+/g, ' '), 45_000).toBe('You earned: 3 Twei');
    const progress = await server.store.read((tx) => tx.ledger.readSession('r:demo:writer', `demo:${DEMO_THREAD}`));
    expect(progress?.credited).toBe(3);
    // The grant (10) plus the three read Twei.
    await eventually(() => balance(writer.page)).toBe(13);
  });

  it('a comment moves its tribute and reward, and the balance follows live', async () => {
    const before = (await balance(writer.page)) ?? 0;
    await postComment(writer.page, 'Reading pays, it seems.');
    await eventually(() => balance(writer.page)).toBe(before - 1 + 3);
  });

  it('a like from another reader pays the commenter, live in their window', async () => {
    const before = (await balance(writer.page)) ?? 0;
    const target = commentByText(bella.page, 'Reading pays, it seems.');
    await target.locator('button[part~="like"]').first().click();
    await eventually(() => balance(writer.page)).toBe(before + 1);
  });

  it('a report bought for 1 Twei shows the twelve categories exactly as the ledger has them', async () => {
    const { page } = writer;
    const before = (await balance(page)) ?? 0;
    await page.locator('button[part~="buy-report"]').click();
    await eventually(() => balance(page)).toBe(before - 1);
    await eventually(() => textOf(page.locator('tr[data-category="reports"] td'))).toBe('1');
    const ledger = await ledgerLines(server, 'writer');
    for (const category of [...ProfitCategories, ...LossCategories]) {
      expect({ category, shown: await textOf(page.locator(`tr[data-category="${category}"] td`)) }).toEqual({
        category,
        shown: String(ledger[category]),
      });
    }
    expect(ledger).toMatchObject({ commentRewards: 3, commentTributes: 1, likesOwn: 1, reports: 1 });
    const profit = ProfitCategories.reduce((s, c) => s + (ledger[c] ?? 0), 0);
    const loss = LossCategories.reduce((s, c) => s + (ledger[c] ?? 0), 0);
    expect(await textOf(page.locator('[part~="total"]'))).toBe(`Total Twei Earned: ${profit - loss}`);
    // Bought reports stay viewable after a reload.
    await page.reload();
    await eventually(() => textOf(page.locator('tr[data-category="reports"] td'))).toBe('1');
  });

  it('three tabs of one reader share one reading clock: never more reading than real time', async () => {
    const started = Date.now();
    const tabs = [await openAs(browser, server.url, 'muchacha'), await openAs(browser, server.url, 'muchacha'), await openAs(browser, server.url, 'muchacha')];
    // Generous: on a loaded machine a late beat counts nothing (never faster than real time), so
    // reaching the cap can take several times the 1.8 s of reading it represents.
    await eventually(async () => (await textOf(tabs[2]!.page.locator('[part~="earned"]')))?.replace(/\s+/g, ' '), 45_000).toBe('You earned: 3 Twei');
    const session = await server.store.read((tx) => tx.ledger.readSession('r:demo:muchacha', `demo:${DEMO_THREAD}`));
    expect(session?.readMs).toBeLessThanOrEqual(Date.now() - started);
    expect(session?.credited).toBe(3);
    for (const tab of tabs) {
      expect(tab.errors).toEqual([]);
      await tab.context.close();
    }
  });

  it('an auditor finds every balance and every bought report adding up against the ledger', async () => {
    const audit = await auditLedger(server.store);
    expect(audit).toMatchObject({ ok: true, sumOfBalances: 0, negativeReaders: [], reportMismatches: [] });
    expect(audit.reportsChecked).toBeGreaterThanOrEqual(1);
  });

  it('nothing was written to the console as an error', () => {
    expect([...writer.errors, ...bella.errors]).toEqual([]);
  });
});
