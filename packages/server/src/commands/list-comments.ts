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
import { requireThreadRecord, threadRef } from './thread-gates.js';
import { commentViewFor, reactionRecord } from './views.js';

async function viewerReactions(tx: ReadTx, thread: string, identity: Identity | null, ids: string[]) {
  return reactionRecord(identity ? await tx.getReactions(thread, identity.id, ids) : new Map());
}

/** The next page of root comments, continuing from a cursor the previous page gave. */
export async function listComments(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentPageInput,
  siteId?: string,
): Promise<CommandOutput<PageResult>> {
  // Decoded before any I/O: a garbled cursor is the caller's error whatever the thread holds.
  const after = decodeRootCursor(input.cursor, input.sort);
  const thread = threadRef(ctx, identity, input.thread, siteId);
  const result = await ctx.store.read(async (tx): Promise<PageResult> => {
    // The thread of the CALLER's site (SPEC SITE-1): a cursor made by hand cannot reach another site's.
    await requireThreadRecord(tx, thread);
    const page = await loadPage(tx, thread.key, input.sort, after, input.pageSize ?? Limits.defaultPageSize, commentViewFor(identity));
    const reactions = await viewerReactions(tx, thread.key, identity, page.comments.map((c) => c.id));
    return { ...page, reactions };
  });
  return { result, events: [] };
}

/** Replies of one root comment, oldest first; without a cursor, from the first reply. */
export async function listReplies(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentRepliesInput,
  siteId?: string,
): Promise<CommandOutput<ReplyPage>> {
  const after = input.cursor ? decodeReplyCursor(input.cursor, input.rootId).seq : null;
  const thread = threadRef(ctx, identity, input.thread, siteId);
  const result = await ctx.store.read(async (tx): Promise<ReplyPage> => {
    await requireThreadRecord(tx, thread);
    const root = await tx.getComment(thread.key, input.rootId);
    if (!root || root.depth !== 0) throw notFound('The comment');
    const page = await loadReplies(tx, thread.key, root.id, after, input.pageSize ?? Limits.defaultPageSize, commentViewFor(identity));
    const reactions = await viewerReactions(tx, thread.key, identity, page.comments.map((c) => c.id));
    return { rootId: root.id, ...page, reactions };
  });
  return { result, events: [] };
}
