import { describe, expect, it } from 'vitest';
import { identity, rid } from '../test-helpers.js';
import { deleteComment } from '../commands/delete-comment.js';
import { hideComment } from '../commands/hide-comment.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { votePost } from '../commands/vote-post.js';
import { economyState } from './economy-state.js';
import { readHeartbeat } from './read-heartbeat.js';
import { defaultAmounts, defaultEconomyRules } from './rules.js';
import { settleDue } from './settlement.js';
import { auditLedger } from './audit.js';
import { balanceOf, economyContext, expectLedgerAddsUp, publishedThread } from './testing.js';

const ann = identity('ann');
const bob = identity('bob');
const mod = identity('mod', { role: 'moderator' });
const grant = defaultEconomyRules.startingGrant;
const a = defaultAmounts;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** Default rules; bob's account is a day old, so his likes pay (REACT-4). */
async function setup() {
  const ctx = economyContext();
  const thread = await publishedThread(ctx);
  await economyState(ctx, bob, { thread });
  ctx.advance(DAY);
  const post = async (who = ann) => (await postComment(ctx, who, { requestId: rid(), thread, body: 'x' })).result.comment;
  const wallet = async (who = ann) => (await economyState(ctx, who, { thread })).result.wallet!;
  return { ctx, thread, post, wallet };
}

describe('settlement', () => {
  it('[SETTLE-1][SETTLE-5] a comment’s reward is pending for the window, then paid when the wallet is read', async () => {
    const { ctx, post, wallet } = await setup();
    await post();
    expect(await wallet()).toMatchObject({ balance: grant - a.commentTributes, pending: a.commentRewards });
    ctx.advance(defaultEconomyRules.settleWindowMs - 1);
    expect(await wallet()).toMatchObject({ balance: grant - a.commentTributes, pending: a.commentRewards });
    ctx.advance(1);
    expect(await wallet()).toMatchObject({ balance: grant - a.commentTributes + a.commentRewards, pending: 0, earnedToday: a.commentRewards });
    await expectLedgerAddsUp(ctx);
  });

  it('[SETTLE-5] a reader’s heartbeat settles their due rewards too', async () => {
    const { ctx, thread, post } = await setup();
    await post();
    ctx.advance(HOUR);
    const beat = await readHeartbeat(ctx, ann, { thread });
    expect(beat.result.balance).toBe(grant - a.commentTributes + a.commentRewards);
    expect(beat.wallets).toEqual([{ site: 'default', userId: 'ann', update: expect.objectContaining({ pending: 0, balance: beat.result.balance }) }]);
  });

  it('[SETTLE-1] a like on a pending comment waits with it; a like on a comment that has stood pays at once', async () => {
    const { ctx, thread, post } = await setup();
    const fresh = await post();
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: fresh.id, value: 'like' });
    expect(await balanceOf(ctx, 'bob')).toBe(grant);
    ctx.advance(HOUR);
    await settleDue(ctx);
    expect(await balanceOf(ctx, 'bob')).toBe(grant + a.likesCommenter);
    expect(await balanceOf(ctx, 'ann')).toBe(grant - a.commentTributes + a.commentRewards + a.likesOwn);
    const old = await post();
    ctx.advance(HOUR);
    await settleDue(ctx);
    const before = await balanceOf(ctx, 'bob');
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: old.id, value: 'like' });
    expect(await balanceOf(ctx, 'bob')).toBe(before + a.likesCommenter);
    await expectLedgerAddsUp(ctx);
  });

  it('[SETTLE-2] a comment deleted inside the window earns nothing: its tribute stays, its reward and its likes’ rewards are cancelled', async () => {
    const { ctx, thread, post, wallet } = await setup();
    const comment = await post();
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'like' });
    await deleteComment(ctx, ann, { requestId: rid(), thread, commentId: comment.id });
    ctx.advance(DAY);
    await settleDue(ctx);
    expect(await wallet()).toMatchObject({ balance: grant - a.commentTributes, pending: 0 });
    expect(await balanceOf(ctx, 'bob')).toBe(grant);
    expect(await balanceOf(ctx, 'staff')).toBe(grant);
    await expectLedgerAddsUp(ctx);
  });

  it('[SETTLE-2] a moderator’s hide inside the window cancels the reward', async () => {
    const { ctx, thread, post, wallet } = await setup();
    const comment = await post();
    await hideComment(ctx, mod, { requestId: rid(), thread, commentId: comment.id, hidden: true });
    ctx.advance(DAY);
    expect(await wallet()).toMatchObject({ balance: grant - a.commentTributes, pending: 0 });
  });

  it('[SETTLE-3][DEBT-1] a hide after the window reverses exactly what was paid, as debt when it was spent; showing it again restores no reward', async () => {
    const { ctx, thread, post, wallet } = await setup();
    const comment = await post();
    await reactComment(ctx, bob, { requestId: rid(), thread, commentId: comment.id, value: 'like' });
    ctx.advance(HOUR);
    expect(await wallet()).toMatchObject({ balance: grant - 1 + a.commentRewards + a.likesOwn });
    // ann spends it all on minus votes on other posts (her balance parked where a reversal cannot reach it).
    for (const id of Array.from({ length: 13 }, (_, i) => `o${i}`)) {
      await publishedThread(ctx, id);
      await votePost(ctx, ann, { requestId: rid(), thread: id, value: 'minus' }).catch(() => undefined);
    }
    expect(await balanceOf(ctx, 'ann')).toBe(0);
    await hideComment(ctx, mod, { requestId: rid(), thread, commentId: comment.id, hidden: true });
    expect(await wallet()).toMatchObject({ balance: 0, debt: a.commentRewards + a.likesOwn });
    expect(await balanceOf(ctx, 'bob')).toBe(grant); // bob's curation reward on it is reversed too
    await hideComment(ctx, mod, { requestId: rid(), thread, commentId: comment.id, hidden: false });
    ctx.advance(DAY);
    expect(await wallet()).toMatchObject({ balance: 0, debt: a.commentRewards + a.likesOwn, pending: 0 });
    // Each reversal row reverses its original by exactly the same amount.
    const transfers = await ctx.store.read((tx) => tx.ledger.allTransfers());
    for (const t of transfers.filter((t) => t.reverses !== null)) expect(t.amount).toBe(transfers.find((o) => o.id === t.reverses)!.amount);
    await expectLedgerAddsUp(ctx);
    // [AUDIT-1] the auditor lists the debt, and it is not an error.
    expect(await auditLedger(ctx.store)).toMatchObject({ ok: true, debts: [{ account: 'd:default:ann', owed: a.commentRewards + a.likesOwn }] });
  });

  it('[SETTLE-4] settling is idempotent and batched: every due reward is paid once, whoever runs it', async () => {
    const { ctx, post } = await setup();
    for (let i = 0; i < 7; i++) await post(identity(`r${i}`));
    ctx.advance(HOUR);
    const first = await settleDue(ctx, 3);
    expect(first.settled).toBe(3);
    expect(first.wallets).toHaveLength(3);
    await Promise.all([settleDue(ctx, 3), settleDue(ctx, 3), settleDue(ctx, 3)]);
    expect((await settleDue(ctx, 3)).settled).toBe(0);
    for (let i = 0; i < 7; i++) expect(await balanceOf(ctx, `r${i}`)).toBe(grant - 1 + a.commentRewards);
    await expectLedgerAddsUp(ctx);
  });
});
