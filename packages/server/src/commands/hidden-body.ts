import { ErrorCodes, OPEN_GATES, type CommentHiddenBodyInput, type HiddenBodyResult } from '@parley/protocol';
import { authorize, canModerate } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { commentDeleted, notFound, ParleyError } from '../errors.js';
import type { CommandContext, CommandOutput } from './context.js';
import { threadGates, threadRef } from './thread-gates.js';

/**
 * A moderator or admin of the thread's site reads the words of a comment a moderator hid, so it
 * can be reviewed — and unhidden — knowingly. Anyone else is refused (`forbidden`); a guest is
 * asked to sign in. A comment that is not hidden answers with its body as every reader sees it;
 * a deleted one with `comment_deleted` (its author took the words back).
 */
export async function readHiddenBody(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentHiddenBodyInput,
  siteId?: string,
): Promise<CommandOutput<HiddenBodyResult>> {
  const user = authorize(identity, 'comment', OPEN_GATES);
  if (!canModerate(user)) throw new ParleyError(ErrorCodes.forbidden, 'Only moderators and admins can read hidden comments.');
  const thread = threadRef(ctx, user, input.thread, siteId);
  const result = await ctx.store.read(async (tx): Promise<HiddenBodyResult> => {
    // A moderator of one site reads only that site's threads.
    await threadGates(tx, thread);
    const comment = await tx.getComment(thread.key, input.commentId);
    if (!comment) throw notFound('The comment');
    if (comment.deletedAt !== null) throw commentDeleted();
    const hiddenAt = comment.hiddenAt ?? null;
    const body = hiddenAt !== null ? ((await tx.getHiddenBody(thread.key, comment.id)) ?? '') : comment.body;
    return { commentId: comment.id, body, hiddenAt };
  });
  return { result, events: [] };
}
