/**
 * What each thread action moves, applied through a LedgerBook inside the action's own transaction.
 * The refs name the action so an undo finds exactly its transfers.
 */
import type { Reaction, Vote } from '@parley/protocol';
import type { LedgerBook } from './ledger-book.js';

const reactionRef = (thread: string, commentId: string, actorId: string) => `react:${thread}:${commentId}:${actorId}`;
const voteRef = (thread: string, actorId: string) => `vote:${thread}:${actorId}`;

/** Posting: the tribute first (the poster must afford it), then the comment-to-earn reward. */
export async function moneyForComment(book: LedgerBook, authorId: string, thread: string, commentId: string): Promise<void> {
  const { amounts } = book.rules;
  const movement = { thread, ref: `comment:${thread}:${commentId}` };
  await book.charge(authorId, amounts.commentTributes, { ...movement, category: 'commentTributes' });
  await book.pay(authorId, amounts.commentRewards, { ...movement, category: 'commentRewards' });
}

/**
 * A reaction changed from `previous` to `next`. The old one's transfers are reversed, then the new
 * one pays or costs. Reacting to your own comment moves no Twei (no self-dealing).
 */
export async function moneyForReaction(
  book: LedgerBook,
  change: { actorId: string; commentAuthorId: string; thread: string; commentId: string },
  next: Reaction | null,
): Promise<void> {
  const { actorId, commentAuthorId, thread, commentId } = change;
  const ref = reactionRef(thread, commentId, actorId);
  await book.reverse(ref, actorId);
  if (next === null || actorId === commentAuthorId) return;
  const { amounts } = book.rules;
  const postAuthor = await book.postAuthor(thread);
  if (next === 'like') {
    await book.pay(actorId, amounts.likesCommenter, { category: 'likesCommenter', thread, ref });
    await book.pay(commentAuthorId, amounts.likesOwn, { category: 'likesOwn', thread, ref });
    if (postAuthor) await book.pay(postAuthor, amounts.likesAuthor, { category: 'likesAuthor', thread, ref });
  } else {
    await book.charge(actorId, amounts.dislikesCommenter, { category: 'dislikesCommenter', thread, ref });
    await book.chargeUpTo(commentAuthorId, amounts.dislikesOwn, { category: 'dislikesOwn', thread, ref });
    if (postAuthor) await book.pay(postAuthor, amounts.dislikesAuthor, { category: 'dislikesAuthor', thread, ref });
  }
}

/** A vote on the post changed: a plus pays the post's author, a minus costs the voter. */
export async function moneyForVote(book: LedgerBook, actorId: string, thread: string, next: Vote | null): Promise<void> {
  const ref = voteRef(thread, actorId);
  await book.reverse(ref, actorId);
  const postAuthor = await book.postAuthor(thread);
  if (next === null || actorId === postAuthor) return;
  const { amounts } = book.rules;
  if (next === 'minus') await book.charge(actorId, amounts.minuses, { category: 'minuses', thread, ref });
  else if (postAuthor) await book.pay(postAuthor, amounts.pluses, { category: 'pluses', thread, ref });
}
