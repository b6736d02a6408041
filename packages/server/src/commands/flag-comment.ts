import type { CommentFlagInput, FlagResult } from '@parley/protocol';
import { isAuthor } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { commentDeleted, forbidden, notFound } from '../errors.js';
import type { CommandContext, CommandOutput } from './context.js';
import { runGatedMutation } from './mutation.js';
import { threadRef } from './thread-gates.js';
import { commentRef } from '../moderation/events.js';

/**
 * A reader flags someone else's comment for the moderators, once: flagging it again changes
 * nothing and answers the same (`flagged: true`), whatever the reason. Gated by `flag`. No thread
 * event is written — readers must not learn that, or who, flagged — so `seq` is always null; the
 * site's moderators get a `comment.flagged` notice with the new count instead.
 */
export async function flagComment(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentFlagInput,
  siteId?: string,
): Promise<CommandOutput<FlagResult>> {
  const note = input.note?.trim() || null;
  const thread = threadRef(ctx, identity, input.thread, siteId);
  const request = {
    identity,
    gate: { thread, action: 'flag' as const },
    requestId: input.requestId,
    action: 'comment:flag',
    input: { thread: input.thread, commentId: input.commentId, reason: input.reason, note },
  };
  return runGatedMutation<FlagResult>(ctx, request, async (tx, at, user) => {
    const comment = await tx.getComment(thread.key, input.commentId);
    if (!comment) throw notFound('The comment');
    if (comment.deletedAt !== null) throw commentDeleted();
    if (isAuthor(user, comment.author.id)) throw forbidden('You cannot flag your own comment.');
    const flag = { thread: thread.key, commentId: comment.id, userId: user.id, reason: input.reason, note, at };
    const { added, flags } = await tx.addFlag(flag);
    const result: FlagResult = { seq: null, commentId: comment.id, flagged: true };
    if (!added) return { result, events: [] };
    const notice = { type: 'comment.flagged' as const, thread: input.thread, commentId: comment.id, flags };
    const flagged = {
      name: 'comment.flagged' as const,
      payload: { ...commentRef(thread.site.id, input.thread, comment, at), reason: input.reason, note, flags, flaggedBy: user.id },
    };
    return { result, events: [], notices: [{ site: thread.site.id, notice }], moderation: [flagged] };
  });
}
