/** The console's items: a held comment, and a published one with its flags and hidden words (moderators' view). */
import type { CommentView } from '@parley/protocol';
import { toModeratorView } from '../commands/views.js';
import { threadIdOf } from '../domain/thread-key.js';
import type { HeldComment } from '../store/mod-queries.js';
import type { CommentRecord, ReadTx } from '../store/types.js';

/** A held comment as the console shows it. */
export function heldItem(held: HeldComment) {
  return {
    kind: 'held' as const,
    id: held.id,
    thread: threadIdOf(held.thread),
    parentId: held.parentId,
    author: held.author,
    body: held.body,
    createdAt: held.createdAt,
    state: held.state,
    reasons: held.reasons,
    tags: held.tags,
  };
}

/** A published comment with what moderators may see: flags and their reasons, the hidden words. */
async function commentItem(tx: ReadTx, comment: CommentRecord) {
  const view: CommentView = toModeratorView(comment);
  const flags = comment.flagCount > 0 ? await tx.listFlags(comment.thread, comment.id) : [];
  const reasons: Record<string, number> = {};
  for (const flag of flags) reasons[flag.reason] = (reasons[flag.reason] ?? 0) + 1;
  const hiddenBody = comment.hiddenAt != null ? await tx.getHiddenBody(comment.thread, comment.id) : null;
  return {
    kind: 'comment' as const,
    ...view,
    thread: threadIdOf(comment.thread),
    flags: comment.flagCount,
    flagReasons: reasons,
    flagNotes: flags.filter((f) => f.note).map((f) => ({ reason: f.reason, note: f.note, at: f.at })),
    ...(hiddenBody !== null && { hiddenBody }),
  };
}

export async function commentItems(tx: ReadTx, comments: CommentRecord[]) {
  const items = [];
  for (const comment of comments) items.push(await commentItem(tx, comment));
  return items;
}
