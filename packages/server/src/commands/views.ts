import type { CommentView, Reaction, ThreadView } from '@parley/protocol';
import { canModerate } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { threadIdOf } from '../domain/thread-key.js';
import type { CommentRecord, ThreadRecord } from '../store/types.js';

export const toCommentView = (c: CommentRecord): CommentView => ({
  id: c.id,
  thread: threadIdOf(c.thread),
  rootId: c.rootId,
  parentId: c.parentId,
  replyToId: c.replyToId,
  replyToName: c.replyToName,
  depth: c.depth,
  seq: c.seq,
  author: { ...c.author },
  body: c.body,
  ...(c.doc && c.body && { doc: c.doc }),
  createdAt: c.createdAt,
  editedAt: c.editedAt,
  deletedAt: c.deletedAt,
  ...(c.hiddenAt != null && { hiddenAt: c.hiddenAt }),
  likes: c.likes,
  dislikes: c.dislikes,
  replyCount: c.replyCount,
});

/** A comment as a moderator or admin sees it: with its flag count. Never for readers' eyes. */
export const toModeratorView = (c: CommentRecord): CommentView => ({ ...toCommentView(c), flags: c.flagCount });

/** How a page of comments is shown to `viewer`: moderators and admins get flag counts, others not. */
export const commentViewFor = (viewer: Identity | null): ((c: CommentRecord) => CommentView) =>
  viewer && canModerate(viewer) ? toModeratorView : toCommentView;

export const toThreadView = (t: ThreadRecord): ThreadView => ({
  id: threadIdOf(t.id),
  title: t.title,
  url: t.url,
  seq: t.seq,
  commentCount: t.commentCount,
  plus: t.plus,
  minus: t.minus,
});

/** A thread nobody has joined yet reads as empty rather than missing. */
export const emptyThreadView = (id: string): ThreadView => ({
  id,
  title: null,
  url: null,
  seq: 0,
  commentCount: 0,
  plus: 0,
  minus: 0,
});

/** Wire form of the viewer's reactions. A null-prototype object, so no comment id can be `__proto__`-magic. */
export function reactionRecord(reactions: Map<string, Reaction>): Record<string, Reaction> {
  const record = Object.create(null) as Record<string, Reaction>;
  for (const [id, value] of reactions) record[id] = value;
  return record;
}
