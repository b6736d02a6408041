import { describe, expect, it } from 'vitest';
import { identity, rid } from '../test-helpers.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { votePost } from '../commands/vote-post.js';
import { buyReport, listReports } from './buy-report.js';
import { economyState } from './economy-state.js';
import { defaultAmounts } from './rules.js';
import { balanceOf, economyContext, expectLedgerAddsUp, instant, openThread, publishedThread } from './testing.js';

const ann = identity('ann');
const bob = identity('bob');
const a = defaultAmounts;

describe('the PnL report', () => {
  it('charges the price and shows the reader’s twelve categories, subtotals and total as of that moment', async () => {
    const ctx = economyContext(instant);
    const thread = await publishedThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'dislike' });
    await votePost(ctx, ann, { requestId: rid(), thread, value: 'minus' });
    const before = await balanceOf(ctx, 'ann');
    const { result: report, wallets } = await buyReport(ctx, ann, { requestId: rid(), thread });
    expect(await balanceOf(ctx, 'ann')).toBe(before - a.reports);
    expect(wallets).toEqual([{ site: 'default', userId: 'ann', update: expect.objectContaining({ balance: before - 1, thread, readEarned: null }) }]);
    expect(report.lines).toEqual({
      pluses: 0,
      commentRewards: a.commentRewards,
      likesOwn: 0,
      likesCommenter: 0,
      likesAuthor: 0,
      dislikesAuthor: 0,
      minuses: a.minuses,
      commentTributes: a.commentTributes,
      dislikesOwn: a.dislikesOwn,
      dislikesCommenter: 0,
      publishTribute: 0,
      reports: a.reports,
    });
    expect(report).toMatchObject({ thread, price: 1, profitSubtotal: 3, lossSubtotal: 4, total: -1, boughtAt: ctx.now() });
    // Later changes do not alter a bought report; it stays viewable.
    await votePost(ctx, ann, { requestId: rid(), thread, value: null });
    expect((await listReports(ctx, ann, { thread })).result).toEqual([report]);
    expect((await economyState(ctx, ann, { thread })).result.reports).toEqual([report]);
    await expectLedgerAddsUp(ctx);
  });

  it('[SETTLE-6] shows the post author their author categories and the publish tribute (a site whose authors pay it)', async () => {
    const ctx = economyContext({ ...instant, publishTributePaidBy: 'author' });
    const thread = await publishedThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'like' });
    await votePost(ctx, bob, { requestId: rid(), thread, value: 'plus' });
    const { staff } = await import('./testing.js');
    const report = (await buyReport(ctx, staff, { requestId: rid(), thread })).result;
    expect(report.lines).toMatchObject({ pluses: a.pluses, likesAuthor: a.likesAuthor, publishTribute: a.publishTribute, reports: 1 });
  });

  it('a retried purchase (same requestId) charges once and returns the same report', async () => {
    const ctx = economyContext();
    const thread = await openThread(ctx);
    const requestId = rid();
    const first = await buyReport(ctx, ann, { requestId, thread });
    const retry = await buyReport(ctx, ann, { requestId, thread });
    expect(retry.result).toEqual(first.result);
    expect(await balanceOf(ctx, 'ann')).toBe(9);
    expect((await listReports(ctx, ann, { thread })).result).toHaveLength(1);
  });

  it('[ECO-1] 200 purchases raced in parallel against a balance that covers 50: exactly 50 succeed', async () => {
    const ctx = economyContext({ startingGrant: 50 });
    const thread = await openThread(ctx);
    const settled = await Promise.allSettled(Array.from({ length: 200 }, () => buyReport(ctx, ann, { requestId: rid(), thread })));
    const ok = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(ok).toHaveLength(50);
    expect(refused).toHaveLength(150);
    expect(refused.every((r) => (r.reason as { code?: string }).code === 'insufficient_funds')).toBe(true);
    expect(await balanceOf(ctx, 'ann')).toBe(0);
    await expectLedgerAddsUp(ctx);
  });

  it('refuses guests and readers who cannot pay', async () => {
    const ctx = economyContext({ startingGrant: 0 });
    const thread = await openThread(ctx);
    await expect(buyReport(ctx, null, { requestId: rid(), thread })).rejects.toMatchObject({ code: 'auth_required' });
    await expect(buyReport(ctx, ann, { requestId: rid(), thread })).rejects.toMatchObject({
      code: 'insufficient_funds',
      details: { need: 1, balance: 0 },
    });
    expect((await listReports(ctx, ann, { thread })).result).toEqual([]);
  });
});
