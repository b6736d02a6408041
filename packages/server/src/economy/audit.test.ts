import { describe, expect, it } from 'vitest';
import { identity, rid } from '../test-helpers.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { auditLedger } from './audit.js';
import { buyReport } from './buy-report.js';
import { economyContext, instant, publishedThread } from './testing.js';
import { settleDue } from './settlement.js';
import { deleteComment } from '../commands/delete-comment.js';

const ann = identity('ann');
const bob = identity('bob');

describe('auditLedger', () => {
  it('passes a ledger built by real actions, with reports checked as of their purchase', async () => {
    const ctx = economyContext();
    const thread = await publishedThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    await buyReport(ctx, ann, { requestId: rid(), thread });
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'like' }); // after the first report
    await buyReport(ctx, ann, { requestId: rid(), thread });
    const audit = await auditLedger(ctx.store);
    expect(audit).toMatchObject({ ok: true, sumOfBalances: 0, reportsChecked: 2, reportMismatches: [], negativeReaders: [] });
  });

  it('catches a report that does not match the ledger', async () => {
    const ctx = economyContext();
    const thread = await publishedThread(ctx);
    const real = (await buyReport(ctx, ann, { requestId: rid(), thread })).result;
    // Report ids are unique, so a forger can only add a report; the audit must notice it.
    const forged = { ...real, id: `${real.id}-forged`, lines: { ...real.lines, likesOwn: 99 } };
    await ctx.store.write((tx) => tx.ledger.saveReport('r:default:ann', `default:${forged.thread}`, forged));
    const audit = await auditLedger(ctx.store);
    expect(audit.ok).toBe(false);
    expect(audit.reportMismatches).toContainEqual({ account: 'r:default:ann', report: forged.id, category: 'likesOwn', shown: 99, ledger: 0 });
  });

  it('[AUDIT-1] reports per day what was minted, burnt and reversed in each category, and the top earners', async () => {
    const ctx = economyContext();
    const thread = await publishedThread(ctx);
    const kept = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    const gone = (await postComment(ctx, bob, { requestId: rid(), thread, body: 'y' })).result.comment;
    ctx.advance(60 * 60 * 1000);
    await settleDue(ctx);
    await deleteComment(ctx, bob, { requestId: rid(), thread, commentId: gone.id });
    expect(kept.id).toBeTruthy();
    const audit = await auditLedger(ctx.store);
    expect(audit.ok).toBe(true);
    expect(audit.days).toHaveLength(1);
    expect(audit.days[0]).toMatchObject({
      minted: { grant: 30, commentRewards: 6 },
      burnt: { commentTributes: 2 },
      reversed: { commentRewards: 3 },
      mintedTotal: 36,
      burntTotal: 5,
    });
    expect(audit.topEarners).toEqual([
      { account: 'r:default:ann', earned: 3 },
      { account: 'r:default:bob', earned: 0 },
    ]);
    expect(audit).toMatchObject({ aboveCap: [], aboveBudget: [], uncounted: [] });
  });

  it('[AUDIT-1] catches a reader above the daily cap and a credit that went around the caps’ counters', async () => {
    const ctx = economyContext({ ...instant, dailyEarnCap: 5 });
    const thread = await publishedThread(ctx);
    await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' });
    // A credit made without the LedgerBook (so without the caps): the audit must see it.
    await ctx.store.write(async (tx) => {
      await tx.ledger.transfer({ from: 't:default', to: 'r:default:ann', amount: 50, category: 'likesOwn', thread: 'default:t', ref: null, requestId: null, reverses: null, at: ctx.now() });
      await tx.ledger.addEarned('r:default:ann', Math.floor(ctx.now() / 86_400_000), 50, 5);
    });
    const audit = await auditLedger(ctx.store);
    expect(audit.ok).toBe(false);
    expect(audit.aboveCap).toEqual([{ account: 'r:default:ann', day: audit.days[0]!.day, earned: 53, cap: 5 }]);
    expect(audit.topEarners[0]).toEqual({ account: 'r:default:ann', earned: 53 });
  });
});
