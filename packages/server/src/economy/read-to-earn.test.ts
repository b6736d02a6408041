import { describe, expect, it } from 'vitest';
import { identity } from '../test-helpers.js';
import { readHeartbeat } from './read-heartbeat.js';
import { ReadingClocks } from './reading-clocks.js';
import { economyState } from './economy-state.js';
import { readEarnings, readingStep } from './reading.js';
import { defaultEconomyRules } from './rules.js';
import { balanceOf, economyContext, expectLedgerAddsUp, publishedThread } from './testing.js';

const ann = identity('ann');
const rules = { ...defaultEconomyRules, heartbeatMs: 1000, readMsPerTwei: 1000, readCapPerPost: 5 };

describe('reading time (pure rules)', () => {
  it('[READ-3] the first beat only starts the clock; [READ-2] a long gap counts nothing', () => {
    expect(readingStep(null, 10_000, rules)).toEqual({ addMs: 0, clock: 10_000 });
    expect(readingStep(10_000, 11_000, rules)).toEqual({ addMs: 1000, clock: 11_000 });
    expect(readingStep(10_000, 12_001, rules)).toEqual({ addMs: 0, clock: 12_001 });
    expect(readingStep(10_000, 9_000, rules)).toEqual({ addMs: 0, clock: 10_000 });
  });

  it('[READ-4] earnings are whole Twei, capped per post', () => {
    expect(readEarnings(999, rules)).toBe(0);
    expect(readEarnings(3500, rules)).toBe(3);
    expect(readEarnings(60_000, rules)).toBe(5);
  });
});

describe.each([
  ['every beat written', false],
  ['reading clocks in memory (PERF-1)', true],
])('read:heartbeat, %s', (_name, inMemory) => {
  const setup = async () => {
    const plain = economyContext(rules);
    const ctx = inMemory ? { ...plain, reading: new ReadingClocks() } : plain;
    // Reading pays only on published posts (SPEC THREAD-6).
    const thread = await publishedThread(ctx);
    await publishedThread(ctx, 'other');
    const beat = async (t = thread) => (await readHeartbeat(ctx, ann, { thread: t })).result;
    return { ctx, thread, beat };
  };

  it('[READ-1] a crafted stream of a thousand beats in two seconds earns two seconds of reading', async () => {
    const { ctx, beat } = await setup();
    await beat();
    for (let i = 0; i < 1000; i++) {
      ctx.advance(2);
      await beat();
    }
    const last = await beat();
    expect(last).toMatchObject({ readMs: 2000 });
    // In memory, the Twei after a post's first wait for the span's write (PERF-1): shutdown writes it.
    await ctx.reading?.sweep(ctx, true);
    if (!inMemory) expect(last).toMatchObject({ readEarned: 2 });
    expect(await balanceOf(ctx, 'ann')).toBe(defaultEconomyRules.startingGrant + 2);
    await expectLedgerAddsUp(ctx);
  });

  it('[READ-1] many tabs — on one post or on two — share one clock: reading never outruns real time', async () => {
    const { ctx, beat, thread } = await setup();
    await beat(thread);
    for (let i = 0; i < 10; i++) {
      ctx.advance(500);
      await beat(thread); // tab 1
      await beat(thread); // tab 2, same instant: adds nothing
      await beat('other'); // a tab on another post, same instant: adds nothing
    }
    const state = (await economyState(ctx, ann, { thread })).result.wallet;
    const other = (await economyState(ctx, ann, { thread: 'other' })).result.wallet;
    expect((state?.readMs ?? 0) + (other?.readMs ?? 0)).toBe(5000);
  });

  it('[READ-2] a reader who went away (no beat for longer than two intervals) earns nothing for the gap', async () => {
    const { ctx, beat } = await setup();
    await beat();
    ctx.advance(60_000);
    expect(await beat()).toMatchObject({ readMs: 0, credited: 0 });
  });

  it('[READ-4] credits are paid exactly once each and stop at the per-post cap', async () => {
    const { ctx, beat } = await setup();
    await beat();
    const credits: number[] = [];
    for (let i = 0; i < 20; i++) {
      ctx.advance(1000);
      credits.push((await beat()).credited);
    }
    await ctx.reading?.sweep(ctx, true);
    if (!inMemory) {
      expect(credits.reduce((s, c) => s + c, 0)).toBe(5);
      expect(credits.slice(0, 5)).toEqual([1, 1, 1, 1, 1]);
    } else expect(credits[0]).toBe(1); // a post's first Twei at once; the rest with the write (PERF-1)
    const transfers = await ctx.store.read((tx) => tx.ledger.allTransfers());
    expect(transfers.filter((t) => t.category === 'read').reduce((s, t) => s + t.amount, 0)).toBe(5);
  });

  it('refuses guests (auth_required) and threads that do not exist (not_found)', async () => {
    const ctx = economyContext(rules);
    await expect(readHeartbeat(ctx, null, { thread: 't' })).rejects.toMatchObject({ code: 'auth_required' });
    await expect(readHeartbeat(ctx, ann, { thread: 'missing' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
