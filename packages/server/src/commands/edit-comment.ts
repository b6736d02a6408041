import type { CommentEditInput, CommentEditedEvent, EditResult } from '@parley/protocol';
import { normalizeBody } from '../domain/body.js';
import { isAuthor } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { commentDeleted, forbidden, notFound } from '../errors.js';
import { refuseBannedWords } from '../moderation/words.js';
import type { CommandContext, CommandOutput } from './context.js';
import { nextEvent, runGatedMutation } from './mutation.js';
import { threadRef } from './thread-gates.js';
import { docField, formatComment, parseAhead } from './comment-format.js';

/** An author rewrites their own comment. */
export async function editComment(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentEditInput,
  siteId?: string,
): Promise<CommandOutput<EditResult>> {
  const thread = threadRef(ctx, identity, input.thread, siteId);
  const request = {
    identity,
    gate: { thread, action: 'comment' as const },
    requestId: input.requestId,
    action: 'comment:edit',
    input: { thread: input.thread, commentId: input.commentId, body: input.body },
  };
  // Refused on edit as on post, before the write transaction: an edit must not put them back (SPEC WORDS-1).
  if (identity) refuseBannedWords(thread.site.words, input.body.trim());
  parseAhead(input.body);
  return runGatedMutation(ctx, request, async (tx, at, user) => {
    const body = normalizeBody(input.body);
    const comment = await tx.getComment(thread.key, input.commentId);
    if (!comment) throw notFound('The comment');
    if (!isAuthor(user, comment.author.id)) throw forbidden('You can only edit your own comments.');
    if (comment.deletedAt !== null) throw commentDeleted();
    // Editing would put words back in front of readers that a moderator took away.
    if (comment.hiddenAt != null) throw forbidden('A moderator hid this comment; it can no longer be edited.');

    await tx.setCommentBody(thread.key, comment.id, body, at);
    const format = await formatComment(tx, thread.key, body);
    await tx.setCommentFormat(thread.key, comment.id, format);
    const event = await nextEvent<CommentEditedEvent>(tx, thread, at, {
      type: 'comment.edited',
      commentId: comment.id,
      body,
      ...docField(format.doc),
      editedAt: at,
    });
    return { result: { seq: event.seq, commentId: comment.id, body, ...docField(format.doc), editedAt: at }, events: [event] };
  });
}
