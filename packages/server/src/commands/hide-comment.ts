import { ErrorCodes, OPEN_GATES, type CommentHiddenEvent, type CommentHideInput, type HideResult } from '@parley/protocol';
import { authorize, canModerate } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { commentDeleted, notFound, ParleyError } from '../errors.js';
import type { CommandContext, CommandOutput } from './context.js';
import { nextEvent, runMutation } from './mutation.js';
import { threadGates, threadRef } from './thread-gates.js';
import { openBook } from '../economy/book.js';
import { cancelCommentRewards } from '../economy/settlement.js';
import { actorOf, logAction, type AuditNote } from '../moderation/audit.js';
import { commentRef } from '../moderation/events.js';
import { docField, restoreFormat } from './comment-format.js';

/**
 * A moderator or admin of the thread's site hides a comment (or shows it again). A hidden comment
 * keeps its place, counts and replies; readers see "Hidden by a moderator" and never its words,
 * which the store keeps aside so an unhide restores them exactly. Readers may not hide, not even
 * their own comments (they delete those). Hiding what is already hidden changes nothing (seq null).
 */
export async function hideComment(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentHideInput,
  siteId?: string,
  audit: AuditNote = {},
): Promise<CommandOutput<HideResult>> {
  const user = authorize(identity, 'comment', OPEN_GATES);
  if (!canModerate(user)) throw new ParleyError(ErrorCodes.forbidden, 'Only moderators and admins can hide comments.');
  // A moderator of one site moderates only that site's threads.
  const thread = threadRef(ctx, user, input.thread, siteId);
  await ctx.store.read((tx) => threadGates(tx, thread));
  const request = {
    identity: user,
    site: thread.site.id,
    requestId: input.requestId,
    action: 'comment:hide',
    input: { thread: input.thread, commentId: input.commentId, hidden: input.hidden },
  };
  return runMutation<HideResult>(ctx, request, async (tx, at) => {
    const comment = await tx.getComment(thread.key, input.commentId);
    if (!comment) throw notFound('The comment');
    if (comment.deletedAt !== null) throw commentDeleted();
    const isHidden = comment.hiddenAt != null;
    if (isHidden === input.hidden) {
      return { result: { seq: null, commentId: comment.id, hiddenAt: comment.hiddenAt ?? null }, events: [] };
    }
    let body = '';
    let doc = null;
    if (input.hidden) await tx.hideComment(thread.key, comment.id, user.id, at);
    else {
      body = await tx.showComment(thread.key, comment.id);
      doc = await restoreFormat(tx, comment, body);
    }
    const hiddenAt = input.hidden ? at : null;
    // A hide cancels the comment's pending rewards and reverses the paid ones, exactly (SETTLE-2, SETTLE-3);
    // showing it again restores its words, not its rewards.
    const book = openBook(ctx, tx, thread.site.id, at, input.requestId);
    if (input.hidden) await cancelCommentRewards(book, thread.key, comment.id);
    const event = await nextEvent<CommentHiddenEvent>(tx, thread, at, {
      type: 'comment.hidden',
      commentId: comment.id,
      hiddenAt,
      body,
      ...docField(doc),
    });
    const action = input.hidden ? ('hide' as const) : ('unhide' as const);
    const reason = audit.reason ?? null;
    await logAction(tx, { site: thread.site.id, at, actor: user, action, thread: input.thread, commentId: comment.id, userId: comment.author.id, reason });
    const moderated = { ...commentRef(thread.site.id, input.thread, comment, at, event.seq), by: actorOf(user), action, reason };
    return {
      result: { seq: event.seq, commentId: comment.id, hiddenAt },
      events: [event],
      wallets: await book.walletUpdates(),
      moderation: [{ name: 'comment.moderated', payload: moderated }],
    };
  });
}
