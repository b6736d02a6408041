/**
 * Property-based: random sequences of actions by many readers (comments, likes, dislikes, toggles,
 * votes, reports, heartbeats, retried requests) never break the ledger's rules.
 */
import fc from 'fast-check';
import { CategoryLabels, LossCategories, ProfitCategories, type PnlReport } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { identity, type TestContext } from '../test-helpers.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { votePost } from '../commands/vote-post.js';
import { readerAccount } from './accounts.js';
import { buyReport } from './buy-report.js';
import { readHeartbeat } from './read-heartbeat.js';
import { economyContext, expectLedgerAddsUp, publishedThread, SITE } from './testing.js';

const readers = ['ann', 'bob', 'cid', 'dee', 'staff'].map((id) => identity(id, id === 'staff' ? { role: 'admin' } : {}));

type Action =
  | { kind: 'post'; who: number }
  | { kind: 'react'; who: number; comment: number; value: 'like' | 'dislike' | null }
  | { kind: 'vote'; who: number; value: 'plus' | 'minus' | null }
  | { kind: 'report'; who: number }
  | { kind: 'beat'; who: number; advanceMs: number }
  | { kind: 'retry' };

const who = fc.integer({ min: 0, max: readers.length - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('post' as const), who }),
  fc.record({ kind: fc.constant('react' as const), who, comment: fc.nat(8), value: fc.constantFrom('like' as const, 'dislike' as const, null) }),
  fc.record({ kind: fc.constant('vote' as const), who, value: fc.constantFrom('plus' as const, 'minus' as const, null) }),
  fc.record({ kind: fc.constant('report' as const), who }),
  fc.record({ kind: fc.constant('beat' as const), who, advanceMs: fc.integer({ min: 0, max: 3000 }) }),
  fc.constant({ kind: 'retry' as const }),
);

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

async function run(actions: Action[]): Promise<void> {
  const ctx = economyContext({ startingGrant: 4, heartbeatMs: 1000, readMsPerTwei: 700, readCapPerPost: 3, amounts: { publishTribute: 2 } });
  const thread = await publishedThread(ctx);
  const comments: string[] = [];
  let last: (() => Promise<unknown>) | null = null;
  let n = 0;
  for (const step of actions) {
    const requestId = `p${++n}`;
    let attempt: (() => Promise<unknown>) | null = null;
    if (step.kind === 'post') attempt = () => postComment(ctx, readers[step.who]!, { requestId, thread, body: `c${n}` });
    if (step.kind === 'react' && comments.length > 0) {
      const commentId = comments[step.comment % comments.length]!;
      attempt = () => reactComment(ctx, readers[step.who]!, { requestId, thread, commentId, value: step.value });
    }
    if (step.kind === 'vote') attempt = () => votePost(ctx, readers[step.who]!, { requestId, thread, value: step.value });
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
      await readHeartbeat(ctx, readers[step.who]!, { thread });
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
      const output = (await attempt()) as { result?: { comment?: { id: string } } };
      if (output?.result?.comment) comments.push(output.result.comment.id);
      last = attempt;
    } catch (error) {
      expect((error as { code?: string }).code).toBe('insufficient_funds');
    }
  }
  await expectLedgerAddsUp(ctx);
}

describe('the ledger under random actions by many readers', () => {
  it('[LED-1][LED-2][LED-3] conserves Twei, never goes negative, moves money once per requestId, and every report equals the ledger', async () => {
    await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 60 }), run), { numRuns: 200 });
  });
});
