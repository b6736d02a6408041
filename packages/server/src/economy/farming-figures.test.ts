/**
 * The figures of the economy README ("Measured: farming"): what a ring, a solo farmer and an honest
 * reader net under the default rules, simulated through the real commands on a fake clock.
 * Slow (tens of thousands of commands), so it runs only with PARLEY_FIGURES=1:
 *   PARLEY_FIGURES=1 pnpm vitest run packages/server/src/economy/farming-figures.test.ts
 */
import { describe, expect, it } from 'vitest';
import { identity, rid, type TestContext } from '../test-helpers.js';
import { deleteComment } from '../commands/delete-comment.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { economyState } from './economy-state.js';
import { readHeartbeat } from './read-heartbeat.js';
import { defaultEconomyRules } from './rules.js';
import { settleDue } from './settlement.js';
import { balanceOf, economyContext, publishedThread } from './testing.js';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

async function settleAll(ctx: TestContext): Promise<void> {
  while ((await settleDue(ctx, 500)).settled > 0);
}

/** Ring members post every `postEvery` and like every other member's newest comment each round. */
async function ring(size: number, hours: number, roundMs: number): Promise<{ perHour: number[]; perMemberDay: number }> {
  const ctx = economyContext();
  const thread = await publishedThread(ctx);
  const members = Array.from({ length: size }, (_, i) => identity(`ring${i}`));
  for (const m of members) await economyState(ctx, m, { thread });
  ctx.advance(DAY); // accounts a day old: past the giver age bar
  const total = async () => {
    let sum = 0;
    for (const m of members) sum += await balanceOf(ctx, m.id);
    return sum;
  };
  const start = await total();
  const perHour: number[] = [];
  let hourStart = start;
  const newest = new Map<string, string>();
  for (let t = 0; t < hours * HOUR; t += roundMs) {
    for (const m of members) {
      const out = await postComment(ctx, m, { requestId: rid(), thread, body: 'ring' }).catch(() => null);
      if (out) newest.set(m.id, out.result.comment.id);
    }
    for (const m of members) {
      for (const other of members) {
        const commentId = newest.get(other.id);
        if (other === m || !commentId) continue;
        await reactComment(ctx, m, { requestId: rid(), thread, commentId, value: 'like' }).catch(() => null);
      }
    }
    ctx.advance(roundMs);
    await settleAll(ctx);
    if ((t + roundMs) % HOUR === 0) {
      const now = await total();
      perHour.push(now - hourStart);
      hourStart = now;
    }
  }
  return { perHour, perMemberDay: ((await total()) - start) / size };
}

/** One account posting, letting each comment settle, then deleting it — or keeping it. */
async function soloFarmer(hours: number, everyMs: number, deletes: boolean): Promise<number> {
  const ctx = economyContext();
  const thread = await publishedThread(ctx);
  const me = identity('solo');
  const start = (await economyState(ctx, me, { thread })).result.wallet!.balance;
  for (let t = 0; t < hours * HOUR; t += everyMs) {
    const out = await postComment(ctx, me, { requestId: rid(), thread, body: 'farm' }).catch(() => null);
    ctx.advance(everyMs);
    await settleAll(ctx);
    if (out && deletes) await deleteComment(ctx, me, { requestId: rid(), thread, commentId: out.result.comment.id });
  }
  ctx.advance(HOUR);
  await settleAll(ctx);
  return (await balanceOf(ctx, me.id)) - start;
}

/** An honest reader: reads three posts an hour to the end, writes two comments that stand. */
async function honest(hours: number): Promise<number> {
  const ctx = economyContext();
  const me = identity('reader');
  const stranger = identity('stranger');
  let start: number | null = null;
  for (let h = 0; h < hours; h++) {
    for (let p = 0; p < 3; p++) {
      const thread = await publishedThread(ctx, `post-${h}-${p}`);
      if (start === null) start = (await economyState(ctx, me, { thread })).result.wallet!.balance;
      for (let beat = 0; beat < 20; beat++) {
        await readHeartbeat(ctx, me, { thread });
        ctx.advance(defaultEconomyRules.heartbeatMs);
      }
      if (p < 2) {
        const c = (await postComment(ctx, me, { requestId: rid(), thread, body: 'a thought' })).result.comment;
        await economyState(ctx, stranger, { thread });
        await reactComment(ctx, stranger, { requestId: rid(), thread, commentId: c.id, value: 'like' });
      }
    }
    ctx.advance(HOUR - 3 * 20 * defaultEconomyRules.heartbeatMs);
    await settleAll(ctx);
  }
  ctx.advance(HOUR);
  await settleAll(ctx);
  return (await balanceOf(ctx, me.id)) - (start ?? 0);
}

describe.skipIf(!process.env.PARLEY_FIGURES)('farming figures (PARLEY_FIGURES=1)', () => {
  it('[CAP-1][REACT-5] print what each strategy nets', async () => {
    const ring5 = await ring(5, 24, 10 * MIN);
    const ring20 = await ring(20, 6, 30 * MIN);
    const figures = {
      ring5PerHour: ring5.perHour,
      ring5PerMemberDay: ring5.perMemberDay,
      ring20PerHour: ring20.perHour,
      ring20PerMember6h: ring20.perMemberDay,
      soloPostDeleteEveryMinute24h: await soloFarmer(24, MIN, true),
      soloPostEveryMinute24h: await soloFarmer(24, MIN, false),
      soloPost20PerDay24h: await soloFarmer(24, 72 * MIN, false),
      honest1h: await honest(1),
      honest24h: await honest(24),
    };
    console.log(JSON.stringify(figures, null, 2));
    expect(ring5.perMemberDay).toBeLessThanOrEqual(defaultEconomyRules.dailyEarnCap);
  }, 600_000);
});
