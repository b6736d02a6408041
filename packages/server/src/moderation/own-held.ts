import type { CommentView } from '@parley/protocol';
import type { ThreadRef } from '../commands/thread-gates.js';
import { placeComment } from '../domain/threading.js';
import type { ReadTx } from '../store/types.js';
import { heldView } from './hold.js';

/** The viewer's own comments of this thread that nobody else sees (SPEC PREMOD-4, BAN-3), placed as they will stand. */
export async function ownHeldViews(tx: ReadTx, ref: ThreadRef, userId: string): Promise<CommentView[]> {
  const held = await tx.mod.listOwnHeld(ref.key, userId);
  const views: CommentView[] = [];
  for (const comment of held) {
    const parent = comment.parentId ? await tx.getComment(ref.key, comment.parentId) : null;
    if (comment.parentId && !parent) continue;
    const placement = placeComment(
      comment.id,
      parent && { id: parent.id, rootId: parent.rootId, parentId: parent.parentId, depth: parent.depth, authorName: parent.author.name },
    );
    views.push(heldView(comment, ref.id, placement));
  }
  return views;
}
