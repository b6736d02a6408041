import { describe, expect, it } from 'vitest';
import { identity, rid } from '../test-helpers.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { votePost } from '../commands/vote-post.js';
import { economyState } from './economy-state.js';
import { defaultAmounts, defaultEconomyRules } from './rules.js';
import { balanceOf, economyContext, expectLedgerAddsUp, openThread, publishedThread, staff } from './testing.js';

const ann = identity('ann');
const bob = identity('bob');
const grant = defaultEconomyRules.startingGrant;
const a = defaultAmounts;

describe('the starting grant and economy:state', () => {
  it('[ECO-0] opens a reader’s account once, with the starting grant; a guest sees the rules and no wallet', async () => {
    const ctx = economyContext();
    const thread = await publishedThread(ctx);
    const guest = (await economyState(ctx, null, { thread })).result;
    expect(guest).toMatchObject({ wallet: null, author: 'staff', reports: [], rules: { amounts: defaultAmounts } });
    const first = await economyState(ctx, ann, { thread });
    expect(first.result.wallet).toEqual({ balance: grant, readEarned: 0, readMs: 0 });
    expect(first.wallets).toEqual([{ site: 'default', userId: 'ann', update: { balance: grant, thread: null, readEarned: null } }]);
    const again = await economyState(ctx, ann, { thread });
    expect(again.result.wallet?.balance).toBe(grant);
    expect(again.wallets).toEqual([]);
    expect(await balanceOf(ctx, 'staff')).toBe(grant - a.publishTribute);
    await expectLedgerAddsUp(ctx);
  });

  it('answers for a thread not created yet (its join may commit just after), as empty', async () => {
    const ctx = economyContext();
    const state = (await economyState(ctx, ann, { thread: 'not-yet' })).result;
    expect(state).toMatchObject({ wallet: { balance: grant, readEarned: 0, readMs: 0 }, author: null, reports: [] });
  });
});

describe('comment-to-earn', () => {
  it('[ECO-1] a comment pays its tribute and earns its reward in the same transaction', async () => {
    const ctx = economyContext();
    const thread = await publishedThread(ctx);
    const out = await postComment(ctx, ann, { requestId: rid(), thread, body: 'hi' });
    expect(await balanceOf(ctx, 'ann')).toBe(grant - a.commentTributes + a.commentRewards);
    expect(out.wallets).toEqual([{ site: 'default', userId: 'ann', update: { balance: grant + 2, thread, readEarned: null } }]);
    await expectLedgerAddsUp(ctx);
  });

  it('[ECO-1] a reader who cannot afford the tribute is refused with insufficient_funds and nothing changes', async () => {
    const ctx = economyContext({ startingGrant: 0, amounts: { commentTributes: 2 } });
    const thread = await openThread(ctx);
    const before = await ctx.store.read((tx) => tx.getThread(`default:${thread}`));
    await expect(postComment(ctx, ann, { requestId: rid(), thread, body: 'hi' })).rejects.toMatchObject({
      code: 'insufficient_funds',
      details: { need: 2, balance: 0 },
    });
    expect(await ctx.store.read((tx) => tx.getThread(`default:${thread}`))).toEqual(before);
    expect(await balanceOf(ctx, 'ann')).toBe(0);
  });
});

describe('reactions and votes move Twei', () => {
  async function setup() {
    const ctx = economyContext();
    const thread = await publishedThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    await economyState(ctx, bob, { thread }); // opens bob's account: balances compare from the grant
    const react = (who: typeof bob, value: 'like' | 'dislike' | null) =>
      reactComment(ctx, who, { requestId: rid(), thread, commentId: comment.id, value });
    const balances = async () => ({ ann: await balanceOf(ctx, 'ann'), bob: await balanceOf(ctx, 'bob'), staff: await balanceOf(ctx, 'staff') });
    return { ctx, thread, comment, react, balances };
  }

  it('a like pays the liker, the commenter and the post’s author; taking it back reverses all three', async () => {
    const { ctx, react, balances } = await setup();
    const before = await balances();
    await react(bob, 'like');
    expect(await balances()).toEqual({
      ann: before.ann + a.likesOwn,
      bob: grant + a.likesCommenter,
      staff: before.staff + a.likesAuthor,
    });
    await react(bob, null);
    expect(await balances()).toEqual({ ...before, bob: grant });
    await expectLedgerAddsUp(ctx);
  });

  it('[ECO-3] toggling a like in a loop mints nothing', async () => {
    const { ctx, react, balances } = await setup();
    const before = await balances();
    for (let i = 0; i < 25; i++) {
      await react(bob, 'like');
      await react(bob, 'dislike');
      await react(bob, null);
    }
    expect(await balances()).toEqual(before);
    await expectLedgerAddsUp(ctx);
  });

  it('[ECO-3] a liker who spent their like reward must give it back to take the like back', async () => {
    const ctx = economyContext({ startingGrant: 0, amounts: { commentTributes: 0 } });
    const thread = await openThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'like' });
    await votePost(ctx, bob, { requestId: rid(), thread, value: 'minus' }); // spends the 1 Twei
    await expect(reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: null })).rejects.toMatchObject({
      code: 'insufficient_funds',
      details: { need: 1, balance: 0 },
    });
    await expectLedgerAddsUp(ctx);
  });

  it('[ECO-2] a dislike costs the disliker, costs the commenter only what they have, and pays the post’s author', async () => {
    const ctx = economyContext({ amounts: { commentTributes: 0, commentRewards: 0, dislikesOwn: 15 } });
    const thread = await publishedThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    const staffBefore = await balanceOf(ctx, 'staff');
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'dislike' });
    expect(await balanceOf(ctx, 'bob')).toBe(grant - a.dislikesCommenter);
    expect(await balanceOf(ctx, 'ann')).toBe(0); // had 10, owed 15: pays 10, never negative
    expect(await balanceOf(ctx, 'staff')).toBe(staffBefore + a.dislikesAuthor);
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: null });
    expect(await balanceOf(ctx, 'ann')).toBe(grant); // refunded exactly what was taken
    expect(await balanceOf(ctx, 'bob')).toBe(grant);
    expect(await balanceOf(ctx, 'staff')).toBe(staffBefore);
    await expectLedgerAddsUp(ctx);
  });

  it('[ECO-1] a dislike the reader cannot afford is refused and the reaction is not stored', async () => {
    const ctx = economyContext({ startingGrant: 0, amounts: { commentTributes: 0 } });
    const thread = await openThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    await expect(reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'dislike' })).rejects.toMatchObject({
      code: 'insufficient_funds',
    });
    expect(await ctx.store.read((tx) => tx.getComment(`default:${thread}`, comment.id))).toMatchObject({ dislikes: 0 });
  });

  it('reacting to your own comment moves no Twei', async () => {
    const { ctx, comment, thread, balances } = await setup();
    const before = await balances();
    await reactComment(ctx, ann, { requestId: rid(), thread, commentId: comment.id, value: 'like' });
    expect(await balances()).toEqual(before);
  });

  it('a plus pays the post’s author, a minus costs the voter, switching reverses the first', async () => {
    const { ctx, thread, balances } = await setup();
    const before = await balances();
    await votePost(ctx, bob, { requestId: rid(), thread, value: 'plus' });
    expect(await balances()).toMatchObject({ staff: before.staff + a.pluses, bob: grant });
    await votePost(ctx, bob, { requestId: rid(), thread, value: 'minus' });
    expect(await balances()).toMatchObject({ staff: before.staff, bob: grant - a.minuses });
    await votePost(ctx, bob, { requestId: rid(), thread, value: null });
    expect(await balances()).toMatchObject({ staff: before.staff, bob: grant });
    await expectLedgerAddsUp(ctx);
  });

  it('a retried reaction (same requestId) moves its Twei once', async () => {
    const { ctx, thread, comment } = await setup();
    const requestId = rid();
    await reactComment(ctx, bob, { requestId, thread, commentId: comment.id, value: 'like' });
    const retry = await reactComment(ctx, bob, { requestId, thread, commentId: comment.id, value: 'like' });
    expect(retry.wallets ?? []).toEqual([]);
    expect(await balanceOf(ctx, 'bob')).toBe(grant + a.likesCommenter);
  });
});

describe('publishing', () => {
  it('only staff publish, once, paying the Post Publish Tribute', async () => {
    const ctx = economyContext();
    const thread = await publishedThread(ctx);
    const { publishThread } = await import('./publish-thread.js');
    await expect(publishThread(ctx, ann, { requestId: rid(), thread })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(publishThread(ctx, staff, { requestId: rid(), thread })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(publishThread(ctx, null, { requestId: rid(), thread })).rejects.toMatchObject({ code: 'auth_required' });
    expect(await balanceOf(ctx, 'staff')).toBe(grant - a.publishTribute);
  });
});
