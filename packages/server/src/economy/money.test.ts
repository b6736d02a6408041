import { describe, expect, it } from 'vitest';
import { identity, rid } from '../test-helpers.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { votePost } from '../commands/vote-post.js';
import { economyState } from './economy-state.js';
import { defaultAmounts, defaultEconomyRules } from './rules.js';
import { balanceOf, economyContext, expectLedgerAddsUp, instant, openThread, publishedThread, staff } from './testing.js';

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
    expect(first.result.wallet).toEqual({ balance: grant, readEarned: 0, readMs: 0, pending: 0, debt: 0, earnedToday: 0, dailyEarnCap: 60 });
    // [BEAT-7] The opening is told in the answer alone, not pushed to the reader's sockets.
    expect(first.wallets).toEqual([]);
    const again = await economyState(ctx, ann, { thread });
    expect(again.result.wallet?.balance).toBe(grant);
    expect(again.wallets).toEqual([]);
    expect(await balanceOf(ctx, 'staff')).toBe(grant);
    await expectLedgerAddsUp(ctx);
  });

  it('answers for a thread not created yet (its join may commit just after), as empty', async () => {
    const ctx = economyContext();
    const state = (await economyState(ctx, ann, { thread: 'not-yet' })).result;
    expect(state).toMatchObject({ wallet: { balance: grant, readEarned: 0, readMs: 0, pending: 0 }, author: null, reports: [] });
  });
});

describe('comment-to-earn', () => {
  it('[ECO-1][SETTLE-1] a comment pays its tribute and records its reward (pending) in the same transaction', async () => {
    const ctx = economyContext();
    const thread = await publishedThread(ctx);
    const out = await postComment(ctx, ann, { requestId: rid(), thread, body: 'hi' });
    expect(await balanceOf(ctx, 'ann')).toBe(grant - a.commentTributes);
    expect(out.wallets).toEqual([
      { site: 'default', userId: 'ann', update: { balance: grant - 1, thread, readEarned: null, pending: a.commentRewards, debt: 0, earnedToday: 0, dailyEarnCap: 60 } },
    ]);
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
  async function setup(options = {}) {
    const ctx = economyContext({ ...instant, ...options });
    const thread = await publishedThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    await economyState(ctx, bob, { thread }); // opens bob's account: balances compare from the grant
    const react = (who: typeof bob, value: 'like' | 'dislike' | null) =>
      reactComment(ctx, who, { requestId: rid(), thread, commentId: comment.id, value });
    const balances = async () => ({ ann: await balanceOf(ctx, 'ann'), bob: await balanceOf(ctx, 'bob'), staff: await balanceOf(ctx, 'staff') });
    return { ctx, thread, comment, react, balances };
  }

  it('[REACT-1] a like pays the liker, the commenter and the post’s author; taking it back moves nothing', async () => {
    const { ctx, react, balances } = await setup();
    const before = await balances();
    await react(bob, 'like');
    const liked = { ann: before.ann + a.likesOwn, bob: grant + a.likesCommenter, staff: before.staff + a.likesAuthor };
    expect(await balances()).toEqual(liked);
    await react(bob, null);
    expect(await balances()).toEqual(liked);
    await expectLedgerAddsUp(ctx);
  });

  it('[REACT-1][ECO-3] toggling a like and a dislike in a loop pays the first like and costs the first dislike, then nothing: no Twei, no XP', async () => {
    const { ctx, react, balances } = await setup();
    await react(bob, 'like');
    await react(bob, 'dislike');
    const once = await balances();
    const xp = async () => ({ ann: await ctx.store.read((tx) => tx.getXp('default', 'ann')), bob: await ctx.store.read((tx) => tx.getXp('default', 'bob')) });
    const xpOnce = await xp();
    for (let i = 0; i < 25; i++) {
      await react(bob, null);
      await react(bob, 'like');
      await react(bob, 'dislike');
    }
    expect(await balances()).toEqual(once);
    expect(await xp()).toEqual(xpOnce);
    await expectLedgerAddsUp(ctx);
  });

  it('[DEBT-1][ECO-2] a dislike costs the disliker, costs the commenter exactly (what they cannot cover is debt), and pays the post’s author', async () => {
    const ctx = economyContext({ ...instant, amounts: { commentTributes: 0, commentRewards: 0, dislikesOwn: 15 } });
    const thread = await publishedThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    await economyState(ctx, bob, { thread });
    const staffBefore = await balanceOf(ctx, 'staff');
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'dislike' });
    expect(await balanceOf(ctx, 'bob')).toBe(grant - a.dislikesCommenter);
    expect(await balanceOf(ctx, 'ann')).toBe(0); // had 10, owes 15: pays 10 now and owes 5, never negative
    expect((await economyState(ctx, ann, { thread })).result.wallet).toMatchObject({ balance: 0, debt: 5 });
    expect(await balanceOf(ctx, 'staff')).toBe(staffBefore + a.dislikesAuthor);
    // The dislike's Dislikes Own transfer is exactly 15.
    const transfers = await ctx.store.read((tx) => tx.ledger.allTransfers());
    expect(transfers.filter((t) => t.category === 'dislikesOwn').map((t) => t.amount)).toEqual([15]);
    // Taking it back moves nothing (REACT-1).
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: null });
    expect(await balanceOf(ctx, 'ann')).toBe(0);
    await expectLedgerAddsUp(ctx);
  });

  it('[DEBT-1] later credits repay a debt first', async () => {
    const ctx = economyContext({ ...instant, amounts: { commentTributes: 0, commentRewards: 3, dislikesOwn: 12 } });
    const thread = await publishedThread(ctx);
    const first = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment; // ann 13
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: first.id, value: 'dislike' }); // ann 1
    await reactComment(ctx, identity('cid'), { requestId: rid(), thread, commentId: first.id, value: 'dislike' }); // owes 11: 0, debt 11
    expect((await economyState(ctx, ann, { thread })).result.wallet).toMatchObject({ balance: 0, debt: 11 });
    for (let i = 0; i < 4; i++) await postComment(ctx, ann, { requestId: rid(), thread, body: `y${i}` }); // +12
    expect((await economyState(ctx, ann, { thread })).result.wallet).toMatchObject({ balance: 1, debt: 0 });
    await expectLedgerAddsUp(ctx);
  });

  it('[ECO-1] a dislike the reader cannot afford is refused and the reaction is not stored', async () => {
    const ctx = economyContext({ ...instant, startingGrant: 0, amounts: { commentTributes: 0 } });
    const thread = await openThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    await expect(reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'dislike' })).rejects.toMatchObject({
      code: 'insufficient_funds',
    });
    expect(await ctx.store.read((tx) => tx.getComment(`default:${thread}`, comment.id))).toMatchObject({ dislikes: 0 });
    // Refused means not recorded: a dislike afforded later still costs once.
    expect(await ctx.store.read((tx) => tx.ledger.reactionRewarded('default', 'bob', `c:default:${thread}:${comment.id}`, 'dislike'))).toBe(false);
  });

  it('reacting to your own comment moves no Twei', async () => {
    const { ctx, comment, thread, balances } = await setup();
    const before = await balances();
    await reactComment(ctx, ann, { requestId: rid(), thread, commentId: comment.id, value: 'like' });
    expect(await balances()).toEqual(before);
  });

  it('[REACT-1] a plus pays the post’s author once, a minus costs the voter once; switching and taking back move nothing more', async () => {
    const { ctx, thread, balances } = await setup();
    const before = await balances();
    await votePost(ctx, bob, { requestId: rid(), thread, value: 'plus' });
    expect(await balances()).toMatchObject({ staff: before.staff + a.pluses, bob: grant });
    await votePost(ctx, bob, { requestId: rid(), thread, value: 'minus' });
    expect(await balances()).toMatchObject({ staff: before.staff + a.pluses, bob: grant - a.minuses });
    for (const value of [null, 'plus', 'minus', null, 'plus'] as const) await votePost(ctx, bob, { requestId: rid(), thread, value });
    expect(await balances()).toMatchObject({ staff: before.staff + a.pluses, bob: grant - a.minuses });
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
  it('[SETTLE-6] only staff publish, once; by default the site bears the Post Publish Tribute', async () => {
    const ctx = economyContext();
    const thread = await publishedThread(ctx);
    const { publishThread } = await import('./publish-thread.js');
    await expect(publishThread(ctx, ann, { requestId: rid(), thread })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(publishThread(ctx, staff, { requestId: rid(), thread })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(publishThread(ctx, null, { requestId: rid(), thread })).rejects.toMatchObject({ code: 'auth_required' });
    expect(await balanceOf(ctx, 'staff')).toBe(grant);
  });

  it('[SETTLE-6][DEBT-1] a site whose authors pay the tribute charges it exactly: an author who cannot cover it still publishes, owing the rest', async () => {
    const ctx = economyContext({ startingGrant: 2, publishTributePaidBy: 'author' });
    for (const id of ['p1', 'p2', 'p3']) await publishedThread(ctx, id);
    const wallet = (await economyState(ctx, staff, { thread: 'p3' })).result.wallet;
    expect(wallet).toMatchObject({ balance: 0, debt: 3 * a.publishTribute - 2 });
    await expectLedgerAddsUp(ctx);
  });
});

describe('a site with the economy off', () => {
  it('[ECO-4] moves nothing: no grant, no tribute, no reward, no read credit; commenting and liking still work', async () => {
    const { resolveSite, SiteDirectory } = await import('../sites/site-config.js');
    const { readHeartbeat } = await import('./read-heartbeat.js');
    const ctx = {
      ...economyContext({ ...instant, heartbeatMs: 1000, readMsPerTwei: 100 }),
      sites: new SiteDirectory([resolveSite({ id: 'default', secret: 'unused', economy: 'off' }, { development: true })]),
    };
    const thread = await publishedThread(ctx);
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' })).result.comment;
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'like' });
    await votePost(ctx, bob, { requestId: rid(), thread, value: 'minus' });
    await readHeartbeat(ctx, ann, { thread });
    ctx.advance(1000);
    expect((await readHeartbeat(ctx, ann, { thread })).result.credited).toBe(0);
    expect(await ctx.store.read((tx) => tx.ledger.allTransfers())).toEqual([]);
    expect((await economyState(ctx, ann, { thread })).result.wallet).toMatchObject({ balance: 0, pending: 0 });
  });
});
