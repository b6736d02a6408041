import { describe, expect, it } from 'vitest';
import { identity, rid } from '../test-helpers.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { auditLedger } from './audit.js';
import { buyReport } from './buy-report.js';
import { economyContext, publishedThread } from './testing.js';

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
});
