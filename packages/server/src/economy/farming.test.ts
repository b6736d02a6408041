/** Unit tests of the rules that keep the economy from being farmed (SPEC REACT-*, CAP-*). */
import { describe, expect, it } from 'vitest';
import { identity, rid } from '../test-helpers.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { votePost } from '../commands/vote-post.js';
import { economyState } from './economy-state.js';
import { readHeartbeat } from './read-heartbeat.js';
import { defaultAmounts, type EconomyOptions } from './rules.js';
import { balanceOf, economyContext, expectLedgerAddsUp, instant, publishedThread } from './testing.js';

const a = defaultAmounts;
const DAY = 24 * 60 * 60 * 1000;
const ann = identity('ann');
const bob = identity('bob');

async function setup(options: EconomyOptions = {}) {
  const ctx = economyContext({ ...instant, ...options });
  const thread = await publishedThread(ctx);
  for (const who of [ann, bob]) await economyState(ctx, who, { thread }); // accounts open before the figures
  const post = async (who = ann) => (await postComment(ctx, who, { requestId: rid(), thread, body: 'x' })).result.comment.id;
  const like = (who: ReturnType<typeof identity>, commentId: string, value: 'like' | null = 'like') =>
    reactComment(ctx, who, { requestId: rid(), thread, commentId, value });
  return { ctx, thread, post, like };
}

describe('reaction rewards', () => {
  it('[REACT-2] one giver’s likes to one receiver diminish within a day (1, 1, 0 at 1 Twei), then pay again the next day', async () => {
    const { ctx, post, like } = await setup({ amounts: { commentTributes: 0, commentRewards: 0 } });
    const comments = [await post(), await post(), await post(), await post()];
    const start = await balanceOf(ctx, 'ann');
    const gains: number[] = [];
    for (const id of comments) {
      const before = await balanceOf(ctx, 'ann');
      await like(bob, id);
      gains.push((await balanceOf(ctx, 'ann')) - before);
    }
    expect(gains).toEqual([1, 1, 0, 0]); // round(1 × [1, 0.5, 0.25]) then nothing
    ctx.advance(DAY);
    const next = await post();
    await like(bob, next);
    expect(await balanceOf(ctx, 'ann')).toBe(start + 2 * a.likesOwn + a.likesOwn);
    await expectLedgerAddsUp(ctx);
  });

  it('[REACT-2] with larger amounts the schedule is full, half, a quarter', async () => {
    const { ctx, post, like } = await setup({ amounts: { commentTributes: 0, commentRewards: 0, likesOwn: 8 } });
    const gains: number[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await post();
      const before = await balanceOf(ctx, 'ann');
      await like(bob, id);
      gains.push((await balanceOf(ctx, 'ann')) - before);
    }
    expect(gains).toEqual([8, 4, 2, 0]);
  });

  it('[REACT-3] a like back to a reader who already liked you this period pays nothing', async () => {
    const { ctx, post, like } = await setup({ amounts: { commentTributes: 0, commentRewards: 0 } });
    const annComment = await post(ann);
    const bobComment = await post(bob);
    await like(bob, annComment);
    const before = { ann: await balanceOf(ctx, 'ann'), bob: await balanceOf(ctx, 'bob'), staff: await balanceOf(ctx, 'staff') };
    await like(ann, bobComment);
    expect({ ann: await balanceOf(ctx, 'ann'), bob: await balanceOf(ctx, 'bob'), staff: await balanceOf(ctx, 'staff') }).toEqual(before);
    expect(await ctx.store.read((tx) => tx.getComment('default:t', bobComment))).toMatchObject({ likes: 1 });
  });

  it('[REACT-4] a giver younger than the age bar, or below the level bar, gives likes that count but pay nobody', async () => {
    const young = await setup({ minGiverAgeMs: DAY, amounts: { commentTributes: 0, commentRewards: 0 } });
    const id = await young.post();
    const before = await balanceOf(young.ctx, 'ann');
    await young.like(bob, id);
    expect(await balanceOf(young.ctx, 'ann')).toBe(before);
    expect(await young.ctx.store.read((tx) => tx.getComment('default:t', id))).toMatchObject({ likes: 1 });

    const low = await setup({ minGiverLevel: 5, amounts: { commentTributes: 0, commentRewards: 0 } });
    const c = await low.post();
    const annBefore = await balanceOf(low.ctx, 'ann');
    await low.like(identity('newbie', { level: 2 }), c);
    expect(await balanceOf(low.ctx, 'ann')).toBe(annBefore);
    await low.like(identity('veteran', { level: 5 }), c);
    expect(await balanceOf(low.ctx, 'ann')).toBe(annBefore + a.likesOwn);
  });

  it('[REACT-4] an account that has aged pays, but not for a like it already gave while young (REACT-1)', async () => {
    const { ctx, thread, post, like } = await setup({ minGiverAgeMs: DAY, amounts: { commentTributes: 0, commentRewards: 0 } });
    await economyState(ctx, bob, { thread });
    const early = await post();
    await like(bob, early);
    ctx.advance(DAY);
    const before = await balanceOf(ctx, 'ann');
    await like(bob, early, null);
    await like(bob, early);
    expect(await balanceOf(ctx, 'ann')).toBe(before);
    await like(bob, await post());
    expect(await balanceOf(ctx, 'ann')).toBe(before + a.likesOwn);
  });
});

describe('restricted givers', () => {
  it('[BAN-5] a shadow-muted reader\'s likes and votes count but pay nobody, they included; a banned one\'s are refused', async () => {
    const { ctx, thread, post, like } = await setup({ amounts: { commentTributes: 0, commentRewards: 0 } });
    const id = await post(ann);
    const mute = (userId: string, kind: 'mute' | 'ban') =>
      ctx.store.write((tx) => tx.mod.setBan({ site: 'default', userId, kind, until: null, reason: null, byId: 'mo', byName: 'Mo', at: ctx.now() }));
    await mute('bob', 'mute');
    const before = { ann: await balanceOf(ctx, 'ann'), bob: await balanceOf(ctx, 'bob'), staff: await balanceOf(ctx, 'staff') };
    const liked = await like(bob, id);
    expect(liked.result).toMatchObject({ likes: 1, value: 'like' });
    expect((await votePost(ctx, bob, { requestId: rid(), thread, value: 'plus' })).result).toMatchObject({ plus: 1 });
    expect({ ann: await balanceOf(ctx, 'ann'), bob: await balanceOf(ctx, 'bob'), staff: await balanceOf(ctx, 'staff') }).toEqual(before);
    // The same like from a reader in good standing pays (so the test could fail).
    const carl = identity('carl');
    await economyState(ctx, carl, { thread });
    await like(carl, id);
    expect(await balanceOf(ctx, 'ann')).toBe(before.ann + a.likesOwn);
    await mute('carl', 'ban');
    await expect(like(carl, id, null)).rejects.toMatchObject({ code: 'banned' });
    expect(await ctx.store.read((tx) => tx.getComment('default:t', id))).toMatchObject({ likes: 2 });
    await expectLedgerAddsUp(ctx);
  });
});

describe('caps', () => {
  it('[CAP-1] a reader never earns more than the daily cap, however they earn; a credit over it is cut; the next day pays again', async () => {
    const ctx = economyContext({ ...instant, dailyEarnCap: 10, heartbeatMs: 1000, readMsPerTwei: 100, readCapPerPost: 1000 });
    const thread = await publishedThread(ctx);
    for (let i = 0; i < 3; i++) await postComment(ctx, ann, { requestId: rid(), thread, body: `c${i}` }); // 9 earned
    await readHeartbeat(ctx, ann, { thread });
    ctx.advance(1000);
    const beat = (await readHeartbeat(ctx, ann, { thread })).result; // 10 Twei of reading owed, 1 left under the cap
    expect(beat.credited).toBe(1);
    expect((await economyState(ctx, ann, { thread })).result.wallet).toMatchObject({ earnedToday: 10, dailyEarnCap: 10 });
    await postComment(ctx, ann, { requestId: rid(), thread, body: 'more' });
    expect((await economyState(ctx, ann, { thread })).result.wallet?.earnedToday).toBe(10);
    ctx.advance(DAY);
    // [CAP-3] the reading not paid yesterday is paid on the next beat, once.
    expect((await readHeartbeat(ctx, ann, { thread })).result).toMatchObject({ credited: 9, readEarned: 10 });
    ctx.advance(500);
    expect((await readHeartbeat(ctx, ann, { thread })).result).toMatchObject({ credited: 1, readEarned: 11 });
    await expectLedgerAddsUp(ctx);
  });

  it('[CAP-2] the site’s treasury mints at most its daily budget, starting grants included', async () => {
    const ctx = economyContext({ ...instant, dailyMintBudget: 25, mintShards: 1 });
    const thread = await publishedThread(ctx); // staff's grant: 10
    await economyState(ctx, ann, { thread }); // 20
    await economyState(ctx, bob, { thread }); // 25: bob gets 5
    expect(await balanceOf(ctx, 'bob')).toBe(5);
    await postComment(ctx, ann, { requestId: rid(), thread, body: 'x' }); // the reward finds no budget
    expect(await balanceOf(ctx, 'ann')).toBe(9);
    const minted = (await ctx.store.read((tx) => tx.ledger.allTransfers())).filter((t) => t.from === 't:default' && t.reverses === null);
    expect(minted.reduce((sum, t) => sum + t.amount, 0)).toBe(25);
    ctx.advance(DAY);
    await postComment(ctx, ann, { requestId: rid(), thread, body: 'y' });
    expect(await balanceOf(ctx, 'ann')).toBe(9 - 1 + a.commentRewards);
  });

  it('[CAP-2] a sharded budget’s parts add up to the budget exactly', async () => {
    const { shardBudget } = await import('./ledger-book.js');
    for (const [budget, shards] of [[10_000, 8], [25, 8], [7, 3], [0, 4]] as const) {
      expect(Array.from({ length: shards }, (_, i) => shardBudget(budget, shards, i)).reduce((x, y) => x + y, 0)).toBe(budget);
    }
  });
});
