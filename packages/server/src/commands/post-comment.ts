import type { CommentCreatedEvent, CommentPostInput, PostCommentResult } from '@parley/protocol';
import { normalizeBody } from '../domain/body.js';
import type { Identity } from '../domain/identity.js';
import { placeComment } from '../domain/threading.js';
import { commentDeleted, notFound } from '../errors.js';
import type { CommandContext, CommandOutput } from './context.js';
import { runGatedMutation } from './mutation.js';
import { openBook } from '../economy/book.js';
import { moneyForComment } from '../economy/action-money.js';
import { toCommentView } from './views.js';

/** A reader posts a root comment, or a reply when `parentId` is given. */
export async function postComment(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentPostInput,
): Promise<CommandOutput<PostCommentResult>> {
  const parentId = input.parentId ?? null;
  const request = {
    identity,
    gate: { thread: input.thread, action: parentId ? ('reply' as const) : ('comment' as const) },
    requestId: input.requestId,
    action: 'comment:post',
    // `parentId: null` and no parentId mean the same request.
    input: { thread: input.thread, parentId, body: input.body },
  };
  return runGatedMutation(ctx, request, async (tx, at, user) => {
    const body = normalizeBody(input.body);
    // Posting is how most threads get their first comment; it creates the thread like a join does.
    await tx.ensureThread(input.thread, null, null, at);
    const parent = parentId ? await tx.getComment(input.thread, parentId) : null;
    if (parentId && !parent) throw notFound('The comment you reply to');
    if (parent?.deletedAt != null) throw commentDeleted();

    const id = ctx.newId();
    const placement = placeComment(
      id,
      parent && { id: parent.id, rootId: parent.rootId, parentId: parent.parentId, depth: parent.depth, authorName: parent.author.name },
    );
    const seq = await tx.nextSeq(input.thread);
    const stored = await tx.insertComment({
      id,
      thread: input.thread,
      ...placement,
      seq,
      author: { id: user.id, name: user.name, avatar: user.avatar, level: user.level },
      body,
      createdAt: at,
    });
    if (placement.depth > 0) await tx.adjustReplyCount(input.thread, placement.rootId, 1);
    await tx.adjustThreadCounts(input.thread, { comments: 1 });

    // The tribute and the reward move in this same transaction: no money without the comment.
    const book = openBook(ctx, tx, user, at, input.requestId);
    await moneyForComment(book, user.id, input.thread, id);

    const comment = toCommentView(stored);
    const event: CommentCreatedEvent = { type: 'comment.created', thread: input.thread, seq, at, comment };
    return { result: { seq, comment }, events: [event], wallets: await book.walletUpdates() };
  });
}
