import type { CommentDeleteInput, CommentDeletedEvent, DeleteResult } from '@parley/protocol';
import { OPEN_GATES } from '@parley/protocol';
import { authorize, canModerate, isAuthor } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { commentDeleted, forbidden, notFound } from '../errors.js';
import type { CommandContext, CommandOutput } from './context.js';
import { nextEvent, runMutation } from './mutation.js';
import { threadGates, threadRef } from './thread-gates.js';
import { openBook } from '../economy/book.js';
import { cancelCommentRewards } from '../economy/settlement.js';
import { actorOf, logAction, type AuditNote } from '../moderation/audit.js';
import { commentRef } from '../moderation/events.js';

/**
 * An author deletes their own comment, or a moderator/admin of the thread's site anyone's. Not
 * level-gated: a reader keeps the right to take back their own words if a gate rises later. It
 * becomes a tombstone (empty body, `deletedAt`) so replies
 * keep their place in the conversation; it no longer counts and can no longer be reacted to.
 */
export async function deleteComment(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentDeleteInput,
  siteId?: string,
  audit: AuditNote = {},
): Promise<CommandOutput<DeleteResult>> {
  const user = authorize(identity, 'comment', OPEN_GATES);
  // Checks that the thread belongs to the reader's site: a moderator of one site moderates only it.
  const thread = threadRef(ctx, user, input.thread, siteId);
  await ctx.store.read((tx) => threadGates(tx, thread));
  const request = {
    identity: user,
    site: thread.site.id,
    requestId: input.requestId,
    action: 'comment:delete',
    input: { thread: input.thread, commentId: input.commentId },
  };
  return runMutation(ctx, request, async (tx, at) => {
    const comment = await tx.getComment(thread.key, input.commentId);
    if (!comment) throw notFound('The comment');
    if (!isAuthor(user, comment.author.id) && !canModerate(user)) {
      throw forbidden('You can only delete your own comments.');
    }
    if (comment.deletedAt !== null) throw commentDeleted();

    await tx.markCommentDeleted(thread.key, comment.id, at);
    await tx.adjustThreadCounts(thread.key, { comments: -1 });
    const event = await nextEvent<CommentDeletedEvent>(tx, thread, at, {
      type: 'comment.deleted',
      commentId: comment.id,
      deletedAt: at,
    });
    // A comment pays only while it stands (SETTLE-2): its pending rewards are cancelled, paid ones reversed.
    const book = openBook(ctx, tx, thread.site.id, at, input.requestId);
    await cancelCommentRewards(book, thread.key, comment.id);
    const result = { seq: event.seq, commentId: comment.id, deletedAt: at };
    if (isAuthor(user, comment.author.id)) return { result, events: [event], wallets: await book.walletUpdates() };
    // A moderator's delete of someone else's comment is a moderation action: audited, announced.
    const reason = audit.reason ?? null;
    await logAction(tx, { site: thread.site.id, at, actor: user, action: 'delete', thread: input.thread, commentId: comment.id, userId: comment.author.id, reason });
    const moderated = { ...commentRef(thread.site.id, input.thread, comment, at, event.seq), by: actorOf(user), action: 'delete' as const, reason };
    return { result, events: [event], wallets: await book.walletUpdates(), moderation: [{ name: 'comment.moderated', payload: moderated }] };
  });
}
