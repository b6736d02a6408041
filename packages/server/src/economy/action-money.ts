/**
 * What each thread action moves, applied through a LedgerBook inside the action's own transaction
 * (economy README "Who pays whom" and "Value from real readers").
 */
import type { Reaction, Vote } from '@parley/protocol';
import { readerAccount } from './accounts.js';
import type { LedgerBook } from './ledger-book.js';
import { rewardForComment } from './settlement.js';

const reactionRef = (thread: string, commentId: string, actorId: string) => `react:${thread}:${commentId}:${actorId}`;
const voteRef = (thread: string, actorId: string) => `vote:${thread}:${actorId}`;
/** What a reaction is given to, in `reaction_rewards` (REACT-1). */
export const commentTarget = (thread: string, commentId: string): string => `c:${thread}:${commentId}`;
export const postTarget = (thread: string): string => `p:${thread}`;

export interface Giver {
  id: string;
  level: number;
  /** [BAN-5] Shadow-muted on the site: their reactions count, but pay nobody (they included). */
  muted?: boolean;
}

/**
 * Posting: the tribute first (the poster must afford it); the Comment Reward is pending until the
 * comment has stood for the settlement window [SETTLE-1].
 */
export async function moneyForComment(book: LedgerBook, authorId: string, thread: string, comment: { id: string; createdAt: number }): Promise<void> {
  const { amounts } = book.rules;
  const ref = `comment:${thread}:${comment.id}`;
  await book.charge(authorId, amounts.commentTributes, { category: 'commentTributes', thread, ref });
  await rewardForComment(book, { userId: authorId, category: 'commentRewards', amount: amounts.commentRewards, thread, comment, ref });
}

/**
 * [REACT-2] [REACT-3] [REACT-4] The share of the amounts one reaction from `giver` to `receiver`
 * pays: 0 when the giver is shadow-muted (BAN-5) or below the site's level or age bar; 0 when the receiver already rewarded
 * the giver in this period (a reciprocal pair); otherwise the pair schedule's share for the n-th
 * reaction of this giver to this receiver in the period, and 0 past its end. Every reaction counts
 * in the pair's period, paid or not.
 */
export async function reactionShare(book: LedgerBook, giver: Giver, receiver: string): Promise<number> {
  const { rules, site, at } = book;
  const ledger = book.tx.ledger;
  const period = Math.floor(at / rules.pairPeriodMs);
  const n = await ledger.bumpPair(site, giver.id, receiver, period);
  if (giver.muted || giver.level < rules.minGiverLevel) return 0;
  const openedAt = await ledger.accountCreatedAt(readerAccount(site, giver.id));
  if (openedAt === null || at - openedAt < rules.minGiverAgeMs) return 0;
  if ((await ledger.pairCount(site, receiver, giver.id, period)) > 0) return 0;
  return rules.pairSchedule[n - 1] ?? 0;
}

const share = (amount: number, factor: number): number => Math.round(amount * factor);

/**
 * A reaction changed to `next`. [REACT-1] A giver's first like — and first dislike — of a comment
 * pays (or costs) once, ever: taking it back or giving it again moves nothing, Twei or XP. Reacting
 * to your own comment moves no Twei (no self-dealing). The rewards are tied to the comment, so they
 * settle with it [SETTLE-1].
 */
export async function moneyForReaction(
  book: LedgerBook,
  change: { actor: Giver; commentAuthorId: string; thread: string; comment: { id: string; createdAt: number } },
  next: Reaction | null,
): Promise<void> {
  const { actor, commentAuthorId, thread, comment } = change;
  if (next === null || actor.id === commentAuthorId) return;
  await book.ensureReader(actor.id);
  if (!(await book.tx.ledger.recordReactionReward(book.site, actor.id, commentTarget(thread, comment.id), next, book.at))) return;
  const { amounts } = book.rules;
  const ref = reactionRef(thread, comment.id, actor.id);
  const postAuthor = await book.postAuthor(thread);
  if (next === 'dislike') {
    await book.charge(actor.id, amounts.dislikesCommenter, { category: 'dislikesCommenter', thread, ref });
    await book.chargeOwed(commentAuthorId, amounts.dislikesOwn, { category: 'dislikesOwn', thread, ref });
  }
  const factor = await reactionShare(book, actor, commentAuthorId);
  if (factor <= 0) return;
  const reward = (userId: string, category: 'likesCommenter' | 'likesOwn' | 'likesAuthor' | 'dislikesAuthor', amount: number) =>
    rewardForComment(book, { userId, category, amount: share(amount, factor), thread, comment, ref });
  if (next === 'like') {
    await reward(actor.id, 'likesCommenter', amounts.likesCommenter);
    await reward(commentAuthorId, 'likesOwn', amounts.likesOwn);
    if (postAuthor && postAuthor !== actor.id) await reward(postAuthor, 'likesAuthor', amounts.likesAuthor);
  } else if (postAuthor && postAuthor !== actor.id) {
    await reward(postAuthor, 'dislikesAuthor', amounts.dislikesAuthor);
  }
}

/**
 * A vote on the post changed. [REACT-1] A voter's first plus pays the post's author, and first minus
 * costs the voter, once, ever; taking it back or voting again moves nothing. A plus is not tied to a
 * comment, so it pays at once (through the same share and caps).
 */
export async function moneyForVote(book: LedgerBook, actor: Giver, thread: string, next: Vote | null): Promise<void> {
  const postAuthor = await book.postAuthor(thread);
  if (next === null || actor.id === postAuthor) return;
  await book.ensureReader(actor.id);
  if (!(await book.tx.ledger.recordReactionReward(book.site, actor.id, postTarget(thread), next, book.at))) return;
  const { amounts } = book.rules;
  const ref = voteRef(thread, actor.id);
  if (next === 'minus') {
    await book.charge(actor.id, amounts.minuses, { category: 'minuses', thread, ref });
  } else if (postAuthor) {
    const factor = await reactionShare(book, actor, postAuthor);
    await book.pay(postAuthor, share(amounts.pluses, factor), { category: 'pluses', thread, ref });
  }
}
