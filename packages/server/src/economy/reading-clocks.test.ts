import { describe, expect, it } from 'vitest';
import { identity, type TestContext } from '../test-helpers.js';
import { readerAccount } from './accounts.js';
import { readHeartbeat } from './read-heartbeat.js';
import { ReadingClocks } from './reading-clocks.js';
import { defaultEconomyRules } from './rules.js';
import { postComment } from '../commands/post-comment.js';
import { rid } from '../test-helpers.js';
import { publishThread } from './publish-thread.js';
import { balanceOf, economyContext, expectLedgerAddsUp, openThread, publishedThread, SITE, staff } from './testing.js';

const ann = identity('ann');
const rules = { ...defaultEconomyRules, heartbeatMs: 1000, readMsPerTwei: 3000, readCapPerPost: 5 };
const account = readerAccount(SITE, 'ann');

/** A node: its own clocks in memory over the shared store and clock of `ctx`. */
function node(ctx: TestContext, flushEveryMs = 60_000): { ctx: TestContext; clocks: ReadingClocks } {
  const clocks = new ReadingClocks({ flushEveryMs });
  return { ctx: { ...ctx, reading: clocks }, clocks };
}

const durableSession = (ctx: TestContext, thread: string) => ctx.store.read((tx) => tx.ledger.readSession(account, `${SITE}:${thread}`));

describe('reading clocks in memory', () => {
  it('[PERF-1] a beat that earns nothing is answered from memory; the beat that credits is written before it is told', async () => {
    const base = economyContext(rules);
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base);
    const beat = async () => (await readHeartbeat(ctx, ann, { thread })).result;
    await beat(); // starts the clock (READ-3), written: the account and its clock exist
    const writesAfterStart = clocks.stats.writes;
    ctx.advance(1000);
    expect(await beat()).toMatchObject({ readMs: 1000, credited: 0 });
    ctx.advance(1000);
    expect(await beat()).toMatchObject({ readMs: 2000, credited: 0 });
    expect(clocks.stats.writes).toBe(writesAfterStart);
    expect(await durableSession(ctx, thread)).toBeNull();
    ctx.advance(1000);
    const paid = await beat();
    expect(paid).toMatchObject({ readMs: 3000, readEarned: 1, credited: 1 });
    // What the ack told is durable: the session and the balance in the store say the same.
    expect(await durableSession(ctx, thread)).toEqual({ readMs: 3000, credited: 1 });
    expect(await balanceOf(ctx, 'ann')).toBe(paid.balance);
    await expectLedgerAddsUp(ctx);
  });

  it('[PERF-1] reading that waited in memory is written when it is old, when its reader stops, and on shutdown', async () => {
    const base = economyContext(rules);
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base, 5000);
    const beat = async () => (await readHeartbeat(ctx, ann, { thread })).result;
    await beat();
    ctx.advance(1000);
    await beat();
    expect(await durableSession(ctx, thread)).toBeNull();
    await clocks.sweep(ctx); // 1 s old: waits
    expect(await durableSession(ctx, thread)).toBeNull();
    ctx.advance(1000);
    await beat();
    ctx.advance(4000); // the reader stopped: more than two intervals without a beat
    await clocks.sweep(ctx);
    expect(await durableSession(ctx, thread)).toEqual({ readMs: 2000, credited: 0 });
    expect(clocks.size).toBe(0); // and is forgotten; the next beat starts from the durable clock

    ctx.advance(100_000);
    await beat();
    ctx.advance(1000);
    expect(await beat()).toMatchObject({ readMs: 3000, credited: 1 });
    for (let i = 0; i < 3; i++) {
      ctx.advance(1000);
      expect(await beat()).toMatchObject({ readMs: 4000 + i * 1000, readEarned: 1, credited: 0 });
    }
    // The second Twei (6 s read) waits in memory; shutdown writes it, credit and all.
    await clocks.sweep(ctx, true);
    expect(await durableSession(ctx, thread)).toEqual({ readMs: 6000, credited: 2 });
    expect(await balanceOf(ctx, 'ann')).toBe(defaultEconomyRules.startingGrant + 2);
    await expectLedgerAddsUp(ctx);
  });

  it('[PERF-2][READ-1] two nodes holding one reader’s tabs credit no more than the real time that passed', async () => {
    const base = economyContext({ ...rules, readMsPerTwei: 1000, readCapPerPost: 1000 });
    const thread = await publishedThread(base);
    const a = node(base);
    const b = node(base);
    await readHeartbeat(a.ctx, ann, { thread });
    await readHeartbeat(b.ctx, ann, { thread });
    const started = base.now();
    for (let i = 0; i < 20; i++) {
      base.advance(500);
      // Both tabs beat on their own nodes; each node alone would count all of it.
      await readHeartbeat(a.ctx, ann, { thread });
      await readHeartbeat(b.ctx, ann, { thread });
    }
    await a.clocks.sweep(a.ctx, true);
    await b.clocks.sweep(b.ctx, true);
    const session = await durableSession(base, thread);
    expect(session!.readMs).toBeLessThanOrEqual(base.now() - started);
    expect(session!.readMs).toBeGreaterThanOrEqual(9000);
    expect(await balanceOf(base, 'ann')).toBe(defaultEconomyRules.startingGrant + session!.credited);
    await expectLedgerAddsUp(base);
  });

  it('[PERF-3][CAP-1] a credit the daily cap cuts is tried once, then not again on every beat or tick', async () => {
    const base = economyContext({ ...rules, readMsPerTwei: 1000, readCapPerPost: 1000, dailyEarnCap: 1 });
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base, 10_000);
    await readHeartbeat(ctx, ann, { thread });
    ctx.advance(1000);
    expect((await readHeartbeat(ctx, ann, { thread })).result).toMatchObject({ readMs: 1000, credited: 1 });
    const writes = clocks.stats.writes;
    for (let i = 1; i <= 8; i++) {
      ctx.advance(1000);
      // Six more Twei are owed after 6 s of unwritten reading (BEAT-14): one write (the tick's, BEAT-8)
      // finds the cap, then none.
      expect((await readHeartbeat(ctx, ann, { thread })).result).toMatchObject({ readMs: 1000 + i * 1000, readEarned: 1, credited: 0 });
      await clocks.sweep(ctx);
    }
    expect(clocks.stats.writes).toBe(writes + 1);
    await expectLedgerAddsUp(ctx);
  });

  it('[BEAT-1] a post published while its reader beats pays from then on: a post not published is read again on every beat', async () => {
    const base = economyContext(rules);
    const thread = await openThread(base);
    const { ctx } = node(base);
    const beat = async () => (await readHeartbeat(ctx, ann, { thread })).result;
    await beat();
    ctx.advance(1000);
    expect(await beat()).toMatchObject({ readMs: 0, credited: 0 });
    await publishThread(ctx, staff, { requestId: rid(), thread });
    ctx.advance(1000);
    await beat(); // the clock starts with the first beat on the published post (READ-3)
    for (let i = 1; i <= 3; i++) {
      ctx.advance(1000);
      expect(await beat()).toMatchObject({ readMs: i * 1000 });
    }
    expect(await balanceOf(ctx, 'ann')).toBe(defaultEconomyRules.startingGrant + 1);
    await expectLedgerAddsUp(ctx);
  });

  it('[BEAT-1][SETTLE-5] a reward that falls due while its reader beats is settled with the next beat, from the clocks in memory', async () => {
    const base = economyContext(rules);
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base);
    const beat = () => readHeartbeat(ctx, ann, { thread });
    await beat();
    await postComment(ctx, ann, { requestId: rid(), thread, body: 'a comment that earns once it has stood' });
    const afterPost = await balanceOf(ctx, 'ann');
    ctx.advance(1000);
    const waiting = await beat();
    expect(waiting.wallets ?? []).toEqual([]);
    expect(waiting.result.balance).toBe(afterPost);
    const writes = clocks.stats.writes;
    ctx.advance(defaultEconomyRules.settleWindowMs);
    const settled = await beat();
    expect(clocks.stats.writes).toBe(writes + 1);
    expect(settled.result.balance).toBe(afterPost + defaultEconomyRules.amounts.commentRewards);
    expect(settled.wallets).toEqual([{ site: SITE, userId: 'ann', update: expect.objectContaining({ pending: 0, balance: settled.result.balance }) }]);
    await expectLedgerAddsUp(ctx);
  });

  it('[READ-5] a stop ends the interval at the previous beat: the hidden gap is not paid, the next beat starts anew', async () => {
    const base = economyContext({ ...rules, readMsPerTwei: 1000, readCapPerPost: 1000 });
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base);
    const beat = async () => (await readHeartbeat(ctx, ann, { thread })).result;
    const stop = async () => (await readHeartbeat(ctx, ann, { thread, stop: true })).result;
    await beat();
    ctx.advance(1000);
    expect(await beat()).toMatchObject({ readMs: 1000 });
    ctx.advance(400);
    expect(await stop()).toMatchObject({ readMs: 1000, credited: 0 }); // the 400 ms since the beat: not counted
    ctx.advance(1500); // hidden for less than two intervals: without the stop, this gap would count
    expect(await beat()).toMatchObject({ readMs: 1000, credited: 0 });
    ctx.advance(1000);
    expect(await beat()).toMatchObject({ readMs: 2000 });
    // A stop twice, or a stop with no reading before it, changes nothing and credits nothing.
    await stop();
    await stop();
    ctx.advance(1000);
    expect(await beat()).toMatchObject({ readMs: 2000 });
    await clocks.sweep(ctx, true);
    expect(await durableSession(ctx, thread)).toEqual({ readMs: 2000, credited: 2 });
    await expectLedgerAddsUp(ctx);
  });

  it('[READ-5][READ-1] a stop from one tab costs the other tab at most one interval and never counts time twice; a forgotten stop leaves the gap to READ-2', async () => {
    const base = economyContext({ ...rules, readMsPerTwei: 1000, readCapPerPost: 1000 });
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base);
    const started = ctx.now();
    await readHeartbeat(ctx, ann, { thread });
    for (let i = 0; i < 10; i++) {
      ctx.advance(500);
      // Tab one beats, tab two says it stopped and starts again: one clock for both.
      await readHeartbeat(ctx, ann, { thread });
      if (i % 3 === 0) await readHeartbeat(ctx, ann, { thread, stop: true });
    }
    await clocks.sweep(ctx, true);
    const session = await durableSession(ctx, thread);
    expect(session!.readMs).toBeLessThanOrEqual(ctx.now() - started);
    expect(session!.readMs).toBe(3500); // 10 half-second beats, 3 of which began new intervals after a stop
    // Stopped and forgotten by the tick two intervals later: the next beat finds the durable clock
    // more than two intervals old, so the hidden time still counts nothing (READ-2).
    await readHeartbeat(ctx, ann, { thread, stop: true });
    ctx.advance(2001);
    await clocks.sweep(ctx);
    expect(clocks.size).toBe(0);
    await readHeartbeat(ctx, ann, { thread });
    ctx.advance(1000);
    await readHeartbeat(ctx, ann, { thread });
    await clocks.sweep(ctx, true);
    expect((await durableSession(ctx, thread))!.readMs).toBe(4500);
    await expectLedgerAddsUp(ctx);
  });

  it('[BEAT-8][PERF-1] reading due for writing is written by the tick, every due reader at once, not by their beats', async () => {
    const base = economyContext({ ...rules, readCapPerPost: 1000 });
    const thread = await publishedThread(base);
    const { ctx, clocks } = node(base, 5000);
    const readers = ['ann', 'bob', 'cy', 'dee'].map((id) => identity(id));
    const beatAll = () => Promise.all(readers.map((reader) => readHeartbeat(ctx, reader, { thread })));
    await beatAll();
    ctx.advance(1000);
    await beatAll();
    ctx.advance(1000);
    await beatAll();
    ctx.advance(1000);
    // 3 s read: each reader's first Twei, written by their beat at once (they see read-to-earn work).
    expect((await beatAll()).map((beat) => beat.result.credited)).toEqual([1, 1, 1, 1]);
    const writes = clocks.stats.writes;
    for (let i = 0; i < 6; i++) {
      ctx.advance(1000);
      // Owed again from 6 s, old from 5 s: the beats still answer from memory.
      const beats = await beatAll();
      expect(beats.map((beat) => beat.result.credited)).toEqual([0, 0, 0, 0]);
      expect(beats.map((beat) => beat.result.readMs)).toEqual(readers.map(() => 4000 + i * 1000));
    }
    expect(clocks.stats.writes).toBe(writes);
    const transactions = ctx.store.writeStats.transactions;
    const told = await clocks.sweep(ctx);
    expect(clocks.stats.writes).toBe(writes + 4);
    // One tick's writes share their commits (group commit: one transaction here).
    expect(ctx.store.writeStats.transactions - transactions).toBe(1);
    // A credit so written is told by wallet:update, with what was read and earned on the post.
    expect(told.map((wallet) => [wallet.userId, wallet.update.readEarned])).toEqual(readers.map((reader) => [reader.id, 3]));
    for (const reader of readers) {
      const session = await ctx.store.read((tx) => tx.ledger.readSession(readerAccount(SITE, reader.id), `${SITE}:${thread}`));
      expect(session).toEqual({ readMs: 9000, credited: 3 });
    }
    await expectLedgerAddsUp(ctx);
  });
});
