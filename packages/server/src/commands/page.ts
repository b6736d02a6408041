import { Limits, type CommentPage, type CommentView, type Sort } from '@parley/protocol';
import { encodeReplyCursor, encodeRootCursor, type RootPosition } from '../domain/cursor.js';
import type { CommentRecord, ReadTx } from '../store/types.js';
import { toCommentView } from './views.js';

function positionOf(comment: CommentRecord, sort: Sort): RootPosition {
  return sort === 'top' ? { sort, score: comment.score, seq: comment.seq } : { sort, seq: comment.seq };
}

/**
 * One page of roots in `sort` order, each followed by its first replies (oldest first), so the
 * widget paints a whole conversation from one response. Reads one extra root to know if more exist.
 */
export async function loadPage(
  tx: ReadTx,
  thread: string,
  sort: Sort,
  after: RootPosition | null,
  pageSize: number,
  view: (c: CommentRecord) => CommentView = toCommentView,
): Promise<CommentPage> {
  const roots = await tx.listRoots(thread, sort, after, pageSize + 1);
  const hasMore = roots.length > pageSize;
  const shown = hasMore ? roots.slice(0, pageSize) : roots;
  const comments: CommentView[] = [];
  for (const root of shown) {
    comments.push(view(root));
    if (root.replyCount === 0) continue;
    const replies = await tx.listReplies(thread, root.id, null, Limits.repliesPerRoot);
    for (const reply of replies) comments.push(view(reply));
  }
  const last = shown.at(-1);
  return { sort, comments, nextCursor: hasMore && last ? encodeRootCursor(positionOf(last, sort)) : null };
}

/** One page of a root's replies after `afterSeq`, oldest first. */
export async function loadReplies(
  tx: ReadTx,
  thread: string,
  rootId: string,
  afterSeq: number | null,
  pageSize: number,
  view: (c: CommentRecord) => CommentView = toCommentView,
): Promise<{ comments: CommentView[]; nextCursor: string | null }> {
  const replies = await tx.listReplies(thread, rootId, afterSeq, pageSize + 1);
  const hasMore = replies.length > pageSize;
  const shown = hasMore ? replies.slice(0, pageSize) : replies;
  const last = shown.at(-1);
  return {
    comments: shown.map((c) => view(c)),
    nextCursor: hasMore && last ? encodeReplyCursor({ rootId, seq: last.seq }) : null,
  };
}
