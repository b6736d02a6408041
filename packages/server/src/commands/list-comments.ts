import {
  Limits,
  type CommentPageInput,
  type CommentRepliesInput,
  type PageResult,
  type ReplyPage,
} from '@parley/protocol';
import { decodeReplyCursor, decodeRootCursor } from '../domain/cursor.js';
import type { Identity } from '../domain/identity.js';
import { notFound } from '../errors.js';
import type { ReadTx } from '../store/types.js';
import type { CommandContext, CommandOutput } from './context.js';
import { loadPage, loadReplies } from './page.js';
import { commentViewFor, reactionRecord } from './views.js';

async function viewerReactions(tx: ReadTx, thread: string, identity: Identity | null, ids: string[]) {
  return reactionRecord(identity ? await tx.getReactions(thread, identity.id, ids) : new Map());
}

/** The next page of root comments, continuing from a cursor the previous page gave. */
export async function listComments(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentPageInput,
): Promise<CommandOutput<PageResult>> {
  // Decoded before any I/O: a garbled cursor is the caller's error whatever the thread holds.
  const after = decodeRootCursor(input.cursor, input.sort);
  const result = await ctx.store.read(async (tx): Promise<PageResult> => {
    if (!(await tx.getThread(input.thread))) throw notFound('The thread');
    const page = await loadPage(tx, input.thread, input.sort, after, input.pageSize ?? Limits.defaultPageSize, commentViewFor(identity));
    const reactions = await viewerReactions(tx, input.thread, identity, page.comments.map((c) => c.id));
    return { ...page, reactions };
  });
  return { result, events: [] };
}

/** Replies of one root comment, oldest first; without a cursor, from the first reply. */
export async function listReplies(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentRepliesInput,
): Promise<CommandOutput<ReplyPage>> {
  const after = input.cursor ? decodeReplyCursor(input.cursor, input.rootId).seq : null;
  const result = await ctx.store.read(async (tx): Promise<ReplyPage> => {
    const root = await tx.getComment(input.thread, input.rootId);
    if (!root || root.depth !== 0) throw notFound('The comment');
    const page = await loadReplies(tx, input.thread, root.id, after, input.pageSize ?? Limits.defaultPageSize, commentViewFor(identity));
    const reactions = await viewerReactions(tx, input.thread, identity, page.comments.map((c) => c.id));
    return { rootId: root.id, ...page, reactions };
  });
  return { result, events: [] };
}
