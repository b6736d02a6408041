/**
 * Property-based: random sequences of actions by several readers — comments, likes, dislikes,
 * toggles, votes (balances parked in minus votes), reports, heartbeats from many sockets at once,
 * deletes and hides at every point, time passing over settlement windows and days, retried
 * requests — never break the economy's rules (SPEC LED-*, SETTLE-*, REACT-*, DEBT-1, CAP-*).
 */
import fc from 'fast-check';
import { CategoryLabels, LossCategories, ProfitCategories, type PnlReport } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { identity, rid, type TestContext } from '../test-helpers.js';
import { deleteComment } from '../commands/delete-comment.js';
import { hideComment } from '../commands/hide-comment.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { votePost } from '../commands/vote-post.js';
import type { Identity } from '../domain/identity.js';
import { readerAccount } from './accounts.js';
import { auditLedger } from './audit.js';
import { buyReport } from './buy-report.js';
import { economyState } from './economy-state.js';
import { readHeartbeat } from './read-heartbeat.js';
import type { EconomyOptions } from './rules.js';
import { settleDue } from './settlement.js';
import { economyContext, expectLedgerAddsUp, instant, publishedThread, SITE } from './testing.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const readers = ['ann', 'bob', 'cid', 'dee', 'staff'].map((id) => identity(id, id === 'staff' ? { role: 'admin' } : {}));
const moderator = identity('mod', { role: 'moderator' });

type Action =
  | { kind: 'post'; who: number }
  | { kind: 'react'; who: number; comment: number; value: 'like' | 'dislike' | null }
  | { kind: 'vote'; who: number; value: 'plus' | 'minus' | null }
  | { kind: 'report'; who: number }
  | { kind: 'beat'; who: number; sockets: number; advanceMs: number }
  | { kind: 'delete'; comment: number; byModerator: boolean }
  | { kind: 'hide'; comment: number; hidden: boolean }
  | { kind: 'wait'; ms: number }
  | { kind: 'settle' }
  | { kind: 'wallet'; who: number }
  | { kind: 'retry' };

const who = fc.integer({ min: 0, max: readers.length - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('post' as const), who }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('react' as const), who, comment: fc.nat(8), value: fc.constantFrom('like' as const, 'dislike' as const, null) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('vote' as const), who, value: fc.constantFrom('plus' as const, 'minus' as const, null) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('report' as const), who }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('beat' as const), who, sockets: fc.integer({ min: 1, max: 4 }), advanceMs: fc.integer({ min: 0, max: 3000 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), comment: fc.nat(8), byModerator: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hide' as const), comment: fc.nat(8), hidden: fc.constantFrom(true, true, false) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(10 * 60 * 1000, HOUR, 6 * HOUR, DAY) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'settle' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wallet' as const), who }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'retry' as const }) },
);

/** Small figures so caps, budgets, debts and empty wallets are reached often. */
const tightRules: EconomyOptions = {
  startingGrant: 4,
  heartbeatMs: 1000,
  readMsPerTwei: 700,
  readCapPerPost: 3,
  settleWindowMs: HOUR,
  minGiverAgeMs: 0,
  dailyEarnCap: 9,
  dailyMintBudget: 120,
  mintShards: 2,
  publishTributePaidBy: 'author',
  amounts: { publishTribute: 2, dislikesOwn: 2 },
};

/** The report as an auditor computes it from the raw transfers, independently of pnl.ts. */
async function auditReport(ctx: TestContext, userId: string, thread: string): Promise<Record<string, number>> {
  const account = readerAccount(SITE, userId);
  const transfers = await ctx.store.read((tx) => tx.ledger.allTransfers());
  const lines: Record<string, number> = {};
  for (const c of [...ProfitCategories, ...LossCategories]) lines[c] = 0;
  for (const t of transfers) {
    if (t.thread !== `${SITE}:${thread}` || !(t.category in CategoryLabels)) continue;
    const sign = (ProfitCategories as readonly string[]).includes(t.category) ? 1 : -1;
    if (t.to === account) lines[t.category]! += sign * t.amount;
    if (t.from === account) lines[t.category]! -= sign * t.amount;
  }
  return lines;
}

/** What a comment's author got and paid for it: its tribute, rewards, likes and dislikes, reversals included. */
async function netOfComment(ctx: TestContext, thread: string, commentId: string, authorId: string): Promise<number> {
  const account = readerAccount(SITE, authorId);
  const key = `${SITE}:${thread}`;
  const refs = [`comment:${key}:${commentId}`, `react:${key}:${commentId}:`];
  let net = 0;
  for (const t of await ctx.store.read((tx) => tx.ledger.allTransfers())) {
    if (!t.ref || !(t.ref === refs[0] || t.ref.startsWith(refs[1]!))) continue;
    if (t.to === account) net += t.amount;
    if (t.from === account) net -= t.amount;
  }
  return net;
}

async function run(actions: Action[]): Promise<void> {
  const ctx = economyContext(tightRules);
  const thread = await publishedThread(ctx);
  const comments: { id: string; author: string }[] = [];
  let last: (() => Promise<unknown>) | null = null;
  let n = 0;
  const pick = (i: number) => comments[i % comments.length]!;
  for (const step of actions) {
    const requestId = `p${++n}`;
    let attempt: (() => Promise<unknown>) | null = null;
    if (step.kind === 'post') attempt = () => postComment(ctx, readers[step.who]!, { requestId, thread, body: `c${n}` });
    if (step.kind === 'react' && comments.length > 0) {
      const commentId = pick(step.comment).id;
      attempt = () => reactComment(ctx, readers[step.who]!, { requestId, thread, commentId, value: step.value });
    }
    if (step.kind === 'vote') attempt = () => votePost(ctx, readers[step.who]!, { requestId, thread, value: step.value });
    if (step.kind === 'delete' && comments.length > 0) {
      const c = pick(step.comment);
      const by = step.byModerator ? moderator : readers.find((r) => r.id === c.author)!;
      attempt = () => deleteComment(ctx, by, { requestId, thread, commentId: c.id });
    }
    if (step.kind === 'hide' && comments.length > 0) {
      const commentId = pick(step.comment).id;
      attempt = () => hideComment(ctx, moderator, { requestId, thread, commentId, hidden: step.hidden });
    }
    if (step.kind === 'report') {
      const reader = readers[step.who]!;
      attempt = async () => {
        const report: PnlReport = (await buyReport(ctx, reader, { requestId, thread })).result;
        // Every report equals the ledger at the moment it was bought.
        expect(report.lines).toEqual(await auditReport(ctx, reader.id, thread));
        expect(report.total).toBe(report.profitSubtotal - report.lossSubtotal);
        return report;
      };
    }
    if (step.kind === 'beat') {
      ctx.advance(step.advanceMs);
      // Many sockets of one reader beating at the same instant share one reading clock.
      await Promise.all(Array.from({ length: step.sockets }, () => readHeartbeat(ctx, readers[step.who]!, { thread })));
      continue;
    }
    if (step.kind === 'wait') {
      ctx.advance(step.ms);
      continue;
    }
    if (step.kind === 'settle') {
      await settleDue(ctx, 3);
      continue;
    }
    if (step.kind === 'wallet') {
      // Reading a wallet settles that reader's due rewards (SETTLE-5).
      await economyState(ctx, readers[step.who]!, { thread });
      continue;
    }
    if (step.kind === 'retry' && last) {
      const before = await ctx.store.read((tx) => tx.ledger.allTransfers());
      await last().catch(() => undefined);
      // A retried request moves no money, whatever it was.
      expect((await ctx.store.read((tx) => tx.ledger.allTransfers())).length).toBe(before.length);
      continue;
    }
    if (!attempt) continue;
    try {
      const output = (await attempt()) as { result?: { comment?: { id: string; author: { id: string } } } };
      if (step.kind === 'post' && output?.result?.comment) comments.push({ id: output.result.comment.id, author: output.result.comment.author.id });
      last = attempt;
    } catch (error) {
      expect(['insufficient_funds', 'comment_deleted']).toContain((error as { code?: string }).code);
    }
  }
  // Settle everything that will ever be due, then judge.
  ctx.advance(2 * HOUR);
  while ((await settleDue(ctx, 50)).settled > 0);
  await expectLedgerAddsUp(ctx);
  const audit = await auditLedger(ctx.store);
  // Zero sum, no negative reader, every report right, and no reader above the cap nor the site above its budget.
  expect(audit).toMatchObject({ ok: true, sumOfBalances: 0, negativeReaders: [], aboveCap: [], aboveBudget: [], uncounted: [] });
  for (const row of await ctx.store.read((tx) => tx.ledger.allDailyEarnings())) expect(row.earned).toBeLessThanOrEqual(tightRules.dailyEarnCap!);
  // A deleted or hidden comment nets ≤ 0 for its author.
  for (const c of comments) {
    const record = await ctx.store.read((tx) => tx.getComment(`${SITE}:${thread}`, c.id));
    if (record?.deletedAt != null || record?.hiddenAt != null) expect(await netOfComment(ctx, thread, c.id, c.author)).toBeLessThanOrEqual(0);
  }
}

describe('the economy under random actions by many readers', () => {
  it('[LED-1][LED-2][LED-3][SETTLE-2][SETTLE-3][SETTLE-4][DEBT-1][CAP-1][CAP-2] conserves Twei, never goes negative, never passes a cap, and a deleted or hidden comment nets ≤ 0', async () => {
    // Known shapes first: a farmer who posts, lets it settle (by the timer or a wallet read), then deletes or gets hidden.
    const examples: Action[][] = [
      [{ kind: 'post', who: 0 }, { kind: 'wait', ms: HOUR }, { kind: 'settle' }, { kind: 'delete', comment: 0, byModerator: false }],
      [{ kind: 'post', who: 0 }, { kind: 'react', who: 1, comment: 0, value: 'like' }, { kind: 'wait', ms: HOUR }, { kind: 'wallet', who: 0 }, { kind: 'hide', comment: 0, hidden: true }],
    ];
    await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 80 }), run), { numRuns: 150, examples: examples.map((e) => [e]) });
  });
});

const xpOf = (ctx: TestContext, id: string) => ctx.store.read((tx) => tx.getXp(SITE, id));

describe('toggles', () => {
  it('[REACT-1][ECO-3] after a reader’s first like, dislike, plus and minus, any toggling mints neither Twei nor XP', async () => {
    const toggle = fc.oneof(
      fc.record({ kind: fc.constant('react' as const), comment: fc.nat(2), value: fc.constantFrom('like' as const, 'dislike' as const, null) }),
      fc.record({ kind: fc.constant('vote' as const), value: fc.constantFrom('plus' as const, 'minus' as const, null) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(toggle, { minLength: 1, maxLength: 40 }), async (toggles) => {
        const ctx = economyContext({ ...instant, startingGrant: 30 });
        const thread = await publishedThread(ctx);
        const [ann, bob] = [readers[0]!, readers[1]!];
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) ids.push((await postComment(ctx, ann, { requestId: rid(), thread, body: `c${i}` })).result.comment.id);
        for (const commentId of ids) {
          for (const value of ['like', 'dislike'] as const) await reactComment(ctx, bob, { requestId: rid(), thread, commentId, value });
        }
        for (const value of ['plus', 'minus'] as const) await votePost(ctx, bob, { requestId: rid(), thread, value });
        const snapshot = async () => ({
          balances: await ctx.store.read((tx) => tx.ledger.allBalances()),
          xp: [await xpOf(ctx, 'ann'), await xpOf(ctx, 'bob'), await xpOf(ctx, 'staff')],
        });
        const before = await snapshot();
        for (const t of toggles) {
          if (t.kind === 'react') await reactComment(ctx, bob, { requestId: rid(), thread, commentId: ids[t.comment]!, value: t.value });
          else await votePost(ctx, bob, { requestId: rid(), thread, value: t.value });
        }
        expect(await snapshot()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });
});

/**
 * [REACT-5] The ring bound. A ring of k readers posts and likes each other's comments in some
 * order and timing. The same actors doing the same actions with each like going instead to a
 * comment of an unrelated reader (one per liker and ring comment, who never reacted to anyone)
 * receive, together with those unrelated readers, at least as much:
 *     gain(ring members) ≤ gain(actors) + gain(unrelated readers)   over the same actions.
 * Diminishing pairs, reciprocity and the caps only ever cut the ring's side.
 */
describe('rings', () => {
  type RingStep = { kind: 'post'; who: number } | { kind: 'like'; who: number; comment: number } | { kind: 'wait'; ms: number };
  const k = 5;
  const ringStep: fc.Arbitrary<RingStep> = fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('post' as const), who: fc.nat(k - 1) }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('like' as const), who: fc.nat(k - 1), comment: fc.nat(30) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(HOUR, 6 * HOUR, DAY) }) },
  );

  /** Each like resolved to the ring comment it targets (by index), or null when it likes nothing. */
  function resolve(steps: RingStep[]): (number | null)[] {
    const authors: number[] = [];
    return steps.map((step) => {
      if (step.kind === 'post') authors.push(step.who);
      if (step.kind !== 'like' || authors.length === 0) return null;
      const index = step.comment % authors.length;
      return authors[index] === step.who ? null : index;
    });
  }

  async function play(steps: RingStep[], ring: boolean): Promise<number> {
    const ctx = economyContext({ settleWindowMs: HOUR, minGiverAgeMs: 0, startingGrant: 60 });
    const thread = await publishedThread(ctx);
    const actors = Array.from({ length: k }, (_, i) => identity(`m${i}`));
    const targets = resolve(steps);
    const outsiders: Identity[] = [];
    const outsiderComment = new Map<string, string>();
    for (const a of actors) await economyState(ctx, a, { thread });
    // Outsiders post their comments up front (in the honest play), so their posting is not part of the gain.
    if (!ring) {
      for (const [i, step] of steps.entries()) {
        const key = `${step.kind === 'like' ? step.who : -1}:${targets[i]}`;
        if (targets[i] === null || outsiderComment.has(key)) continue;
        const outsider = identity(`u${outsiders.length}`);
        outsiders.push(outsider);
        outsiderComment.set(key, (await postComment(ctx, outsider, { requestId: rid(), thread, body: key })).result.comment.id);
      }
      ctx.advance(2 * HOUR);
      while ((await settleDue(ctx, 100)).settled > 0);
    }
    const people = [...actors, ...outsiders].map((p) => p.id);
    const total = async () => {
      let sum = 0;
      for (const id of people) sum += (await ctx.store.read((tx) => tx.ledger.balance(readerAccount(SITE, id)))) ?? 0;
      return sum;
    };
    const start = await total();
    const comments: string[] = [];
    for (const [i, step] of steps.entries()) {
      if (step.kind === 'wait') ctx.advance(step.ms);
      if (step.kind === 'post') comments.push((await postComment(ctx, actors[step.who]!, { requestId: rid(), thread, body: 'x' })).result.comment.id);
      const target = targets[i];
      if (step.kind === 'like' && target !== null && target !== undefined) {
        const commentId = ring ? comments[target]! : outsiderComment.get(`${step.who}:${target}`)!;
        await reactComment(ctx, actors[step.who]!, { requestId: rid(), thread, commentId, value: 'like' });
      }
    }
    ctx.advance(2 * HOUR);
    while ((await settleDue(ctx, 100)).settled > 0);
    return (await total()) - start;
  }

  it('[REACT-5][REACT-2][REACT-3] a ring of 5 gains no more than the same actions aimed at unrelated readers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ringStep, { minLength: 1, maxLength: 50 }), async (steps) => {
        const ringGain = await play(steps, true);
        const honestGain = await play(steps, false);
        expect(ringGain).toBeLessThanOrEqual(honestGain);
      }),
      { numRuns: 40 },
    );
  });
});
