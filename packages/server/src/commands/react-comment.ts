import type { CommentReactInput, CommentReactedEvent, ReactResult } from '@parley/protocol';
import type { Identity } from '../domain/identity.js';
import { commentDeleted, notFound } from '../errors.js';
import type { CommandContext, CommandOutput } from './context.js';
import type { BanRecord } from '../store/mod-queries.js';
import { nextEvent, runGatedMutation } from './mutation.js';
import { threadRef } from './thread-gates.js';
import { openBook } from '../economy/book.js';
import { moneyForReaction } from '../economy/action-money.js';

const countOf = (value: string | null | undefined, kind: 'like' | 'dislike'): number => (value === kind ? 1 : 0);

/**
 * Sets the viewer's one reaction on a comment (`null` clears it). The client toggles by sending
 * null, so the server never guesses intent; the same value again changes nothing (seq null).
 */
export async function reactComment(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentReactInput,
  siteId?: string,
): Promise<CommandOutput<ReactResult>> {
  const thread = threadRef(ctx, identity, input.thread, siteId);
  // [DUR-8] [BAN-5] The giver's ban is read first in the write transaction (the dispatcher skips its
  // own read): a ban or suspension refuses, a shadow mute lets the reaction count but pay nobody.
  const standing = { ban: null as BanRecord | null };
  const request = {
    identity,
    standing,
    gate: { thread, action: 'react' as const },
    requestId: input.requestId,
    action: 'comment:react',
    input: { thread: input.thread, commentId: input.commentId, value: input.value },
  };
  return runGatedMutation<ReactResult>(ctx, request, async (tx, at, user) => {
    // [HOT-14] The comment and the viewer's reaction in one round trip where the store can.
    const both = tx.getCommentWithReaction
      ? await tx.getCommentWithReaction(thread.key, input.commentId, user.id)
      : await tx.getComment(thread.key, input.commentId).then((found) => found && { comment: found, reaction: undefined });
    if (!both) throw notFound('The comment');
    const { comment } = both;
    if (comment.deletedAt !== null) throw commentDeleted();

    const previous = both.reaction !== undefined ? both.reaction : ((await tx.getReactions(thread.key, user.id, [comment.id])).get(comment.id) ?? null);
    if (previous === input.value) {
      const result = { seq: null, commentId: comment.id, likes: comment.likes, dislikes: comment.dislikes, value: previous };
      return { result, events: [] };
    }
    await tx.setReaction(thread.key, comment.id, user.id, input.value);
    const counts = await tx.adjustReactionCounts(
      thread.key,
      comment.id,
      countOf(input.value, 'like') - countOf(previous, 'like'),
      countOf(input.value, 'dislike') - countOf(previous, 'dislike'),
    );
    const event = await nextEvent<CommentReactedEvent>(tx, thread, at, {
      type: 'comment.reacted',
      commentId: comment.id,
      ...counts,
      userId: user.id,
      value: input.value,
    });
    // A first reaction's Twei move (or are recorded pending) in this same transaction; later ones move none.
    const book = openBook(ctx, tx, thread.site.id, at, input.requestId);
    const change = {
      actor: { id: user.id, level: user.level, muted: standing.ban?.kind === 'mute' },
      commentAuthorId: comment.author.id,
      thread: thread.key,
      comment: { id: comment.id, createdAt: comment.createdAt },
    };
    await moneyForReaction(book, change, input.value);
    const result = { seq: event.seq, commentId: comment.id, ...counts, value: input.value };
    return { result, events: [event], wallets: await book.walletUpdates() };
  });
}
