/**
 * What reading readers cost the store (issue 10 item 4: heartbeats of 10,000 readers), counted —
 * never timed — so a change that makes a beat or a tick's write dearer again fails here (SPEC
 * BEAT-11…14).
 */
import { describe, expect, it } from 'vitest';
import { identity, type TestContext } from '../test-helpers.js';
import { readerAccount } from './accounts.js';
import { openBook } from './book.js';
import { levelUnchanged, xpAfter } from './ledger-book.js';
import { readHeartbeat } from './read-heartbeat.js';
import { ReadingClocks } from './reading-clocks.js';
import { defaultEconomyRules } from './rules.js';
import { resolveConfig } from '../config.js';
import { postComment } from '../commands/post-comment.js';
import { rid } from '../test-helpers.js';
import { balanceOf, economyContext, expectLedgerAddsUp, publishedThread, SITE } from './testing.js';

const ann = identity('ann');

function node(base: TestContext, flushEveryMs?: number, spread = true): { ctx: TestContext; clocks: ReadingClocks } {
  const clocks = new ReadingClocks({ ...(flushEveryMs !== undefined && { flushEveryMs }), ...(!spread && { spread, gatherMs: 0 }) });
  return { ctx: { ...base, reading: clocks }, clocks };
}

/** The statements `work` ran, by name (transaction control included). */
async function statementsOf(ctx: TestContext, work: () => Promise<unknown>): Promise<Record<string, number>> {
  ctx.store.countStatements({});
  try {
    await work();
    return Object.fromEntries(Object.entries(ctx.store.statementCounts.byName).map(([name, { runs }]) => [name, runs]));
  } finally {
    ctx.store.countStatements(false);
  }
}

describe('what reading costs the store', () => {
  it('[BEAT-11] a beat answered from memory is one read: balance and pending in one statement', async () => {
    const base = economyContext();
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base);
    // Starts the clock, then 10 s, then 20 s: the post's first Twei, written by its beat.
    for (let i = 0; i < 3; i++) {
      if (i > 0) ctx.advance(10_000);
      await readHeartbeat(ctx, ann, { thread });
    }
    ctx.advance(10_000);
    const fromMemory = clocks.stats.fromMemory;
    const balance = await balanceOf(ctx, 'ann');
    const ran = await statementsOf(ctx, async () => {
      expect((await readHeartbeat(ctx, ann, { thread })).result).toMatchObject({ readMs: 30_000, credited: 0, readEarned: 1, balance });
    });
    expect(clocks.stats.fromMemory).toBe(fromMemory + 1);
    expect(ran).toEqual({ txReadBegin: 1, ledgerBalanceAndPending: 1, txReadCommit: 1 });
  });

  it('[BEAT-18] an unanswered beat after a wallet read with nothing pending reads nothing; an answered one, or one a minute later, reads', async () => {
    const base = economyContext();
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base);
    const quiet = () => readHeartbeat(ctx, ann, { thread }, undefined, true);
    for (let i = 0; i < 3; i++) {
      if (i > 0) ctx.advance(10_000);
      await quiet(); // the first reads and opens the account, the third writes the post's first Twei (PERF-1)
    }
    const fromMemory = clocks.stats.fromMemory;
    for (let i = 0; i < 3; i++) {
      ctx.advance(10_000);
      // Within a minute of the first beat's read: the clock moves, the store is not asked.
      expect(await statementsOf(ctx, quiet)).toEqual({});
    }
    expect(clocks.stats.fromMemory).toBe(fromMemory + 3);
    ctx.advance(10_000);
    expect(await statementsOf(ctx, quiet)).toEqual({ txReadBegin: 1, ledgerBalanceAndPending: 1, txReadCommit: 1 });
    // A beat that asks for its answer reads the wallet, so its balance is current.
    ctx.advance(10_000);
    const balance = await balanceOf(ctx, 'ann');
    const ran = await statementsOf(ctx, async () => {
      expect((await readHeartbeat(ctx, ann, { thread })).result).toMatchObject({ readMs: 70_000, readEarned: 1, balance });
    });
    expect(ran).toEqual({ txReadBegin: 1, ledgerBalanceAndPending: 1, txReadCommit: 1 });
    for (let i = 0; i < 5; i++) {
      ctx.advance(10_000);
      expect(await statementsOf(ctx, quiet)).toEqual({});
    }
    ctx.advance(10_000);
    expect(await statementsOf(ctx, quiet)).toEqual({ txReadBegin: 1, ledgerBalanceAndPending: 1, txReadCommit: 1 });
    // The reading those beats proved is credited all the same: 130 s read, 6 Twei (20 s a Twei).
    await clocks.sweep(ctx, true);
    const session = await ctx.store.read((tx) => tx.ledger.readSession(readerAccount(SITE, 'ann'), `${SITE}:${thread}`));
    expect(session).toEqual({ readMs: 130_000, credited: 6 });
    await expectLedgerAddsUp(ctx);
  });

  it('[BEAT-18][SETTLE-5] a reader with something pending reads on every unanswered beat: a reward is settled with the first beat after it falls due', async () => {
    const base = economyContext();
    const thread = await publishedThread(base);
    const { ctx } = node(base);
    const quiet = () => readHeartbeat(ctx, ann, { thread }, undefined, true);
    await quiet();
    await postComment(ctx, ann, { requestId: rid(), thread, body: 'a comment that earns once it has stood' });
    const afterPost = await balanceOf(ctx, 'ann');
    // Within a minute of the read that found nothing pending, the new pending reward is not seen;
    // once a minute has passed the beat reads and finds it, and from then on every beat looks.
    ctx.advance(60_000);
    expect((await statementsOf(ctx, quiet)).ledgerBalanceAndPending).toBe(1);
    ctx.advance(defaultEconomyRules.settleWindowMs - 60_000 + 1);
    const settled = await quiet();
    expect(settled.wallets?.[0]?.update).toMatchObject({ pending: 0, balance: afterPost + defaultEconomyRules.amounts.commentRewards });
    expect(await balanceOf(ctx, 'ann')).toBe(afterPost + defaultEconomyRules.amounts.commentRewards);
    await expectLedgerAddsUp(ctx);
  });

  it('[BEAT-12] a tick’s write of a reader seen open with nothing pending opens nothing, settles nothing and reads the wallet once', async () => {
    const base = economyContext({ readMsPerTwei: 10_000, readCapPerPost: 100 });
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base, 60_000);
    const beat = () => readHeartbeat(ctx, ann, { thread });
    await beat(); // opens the account (a new reader's beat writes)
    ctx.advance(10_000);
    expect((await beat()).result).toMatchObject({ credited: 1 }); // the post's first Twei, by its beat
    for (let i = 0; i < 6; i++) {
      ctx.advance(10_000);
      await beat();
    }
    const writes = clocks.stats.writes;
    let told: Awaited<ReturnType<ReadingClocks['sweep']>> = [];
    const ran = await statementsOf(ctx, async () => {
      told = await clocks.sweep(ctx);
    });
    expect(clocks.stats.writes).toBe(writes + 1);
    expect(ran.ledgerOpenAccount).toBeUndefined();
    expect(ran.ledgerPendingTotal).toBeUndefined();
    // One balance: the debt account's (DEBT-1, a credit repays a debt first); the reader's is the wallet read's.
    expect(ran.ledgerBalance).toBe(1);
    expect(ran.ledgerWallet).toBe(1);
    // What was written and told is what the store says.
    const balance = await balanceOf(ctx, 'ann');
    expect(told.map((wallet) => [wallet.userId, wallet.update.balance, wallet.update.readEarned])).toEqual([['ann', balance, 7]]);
    expect(balance).toBe(defaultEconomyRules.startingGrant + 7);
    await expectLedgerAddsUp(ctx);
  });

  it('[BEAT-12] a beat that credits answers the balance the wallet read says, which is the store’s', async () => {
    const base = economyContext({ readMsPerTwei: 10_000 });
    const thread = await publishedThread(base);
    const { ctx } = node(base);
    await readHeartbeat(ctx, ann, { thread });
    ctx.advance(10_000);
    let paid: Awaited<ReturnType<typeof readHeartbeat>> | null = null;
    const ran = await statementsOf(ctx, async () => {
      paid = await readHeartbeat(ctx, ann, { thread });
    });
    expect(paid!.result).toMatchObject({ credited: 1, balance: await balanceOf(ctx, 'ann') });
    expect(paid!.wallets?.[0]?.update.balance).toBe(paid!.result.balance);
    expect(ran.ledgerWallet).toBe(1);
    expect(ran.ledgerBalance).toBe(1); // the debt account's (DEBT-1)
    expect(ran.ledgerOpenAccount).toBeUndefined();
  });

  it('[BEAT-13] a delivery whose transaction added XP carries the XP it left; one that moved none carries none', async () => {
    const ctx = economyContext();
    const deliveries = await ctx.store.write(async (tx) => {
      const book = openBook(ctx, tx, SITE, ctx.now(), null);
      await book.pay('ann', 3, { category: 'read', thread: `${SITE}:t`, ref: 'read:t' });
      await book.pay('ann', 2, { category: 'read', thread: `${SITE}:t`, ref: 'read:t' });
      await book.charge('bob', 1, { category: 'reports', thread: `${SITE}:t`, ref: null });
      return book.walletUpdates();
    });
    const xp = await ctx.store.read((tx) => tx.getXp(SITE, 'ann'));
    expect(xp).toBe(5);
    const byUser = new Map(deliveries.map((delivery) => [delivery.userId, delivery]));
    expect(xpAfter.get(byUser.get('ann')!)).toBe(xp);
    expect(xpAfter.get(byUser.get('bob')!)).toBeUndefined();
    expect(levelUnchanged.has(byUser.get('bob')!)).toBe(true);
  });

  it('[BEAT-14] reading is written every two minutes by default: the first Twei at once, then six at a time', async () => {
    expect(new ReadingClocks().flushEveryMs).toBe(120_000);
    expect(resolveConfig({}, {}).readFlushEveryMs).toBe(120_000);
    // The shipped rules: a Twei per 20 s, a beat per 10 s, 10 Twei a post. Without BEAT-20's spread
    // and BEAT-19's gathering (which only ever write earlier), the cadence is exactly the two minutes.
    const base = economyContext();
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base, undefined, false);
    const durable = () => ctx.store.read((tx) => tx.ledger.readSession(readerAccount(SITE, 'ann'), `${SITE}:${thread}`));
    const earned: number[] = [];
    await readHeartbeat(ctx, ann, { thread });
    for (let s = 1; s <= 270; s++) {
      ctx.advance(1000);
      if (s % 10 === 0) await readHeartbeat(ctx, ann, { thread });
      await clocks.sweep(ctx);
      const session = await durable();
      if (session && session.credited !== earned.at(-1)) earned.push(session.credited);
      // Never more credited than read, and never more read than the time that passed.
      expect(session?.readMs ?? 0).toBeLessThanOrEqual(s * 1000);
    }
    expect(earned).toEqual([1, 7, 10]);
    expect(await durable()).toMatchObject({ credited: 10 });
    expect(await balanceOf(ctx, 'ann')).toBe(defaultEconomyRules.startingGrant + 10);
    // A graceful shutdown writes what waits (PERF-1).
    ctx.advance(5000);
    await readHeartbeat(ctx, ann, { thread });
    await clocks.sweep(ctx, true);
    expect(clocks.waitingMs(readerAccount(SITE, 'ann'), `${SITE}:${thread}`)).toBe(0);
    await expectLedgerAddsUp(ctx);
  });
});
