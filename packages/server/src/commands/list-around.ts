import { Limits, type AroundResult, type CommentAroundInput, type CommentView } from '@parley/protocol';
import type { Identity } from '../domain/identity.js';
import { notFound } from '../errors.js';
import type { CommentRecord } from '../store/types.js';
import type { CommandContext, CommandOutput } from './context.js';
import { requireThreadRecord, threadRef } from './thread-gates.js';
import { commentViewFor, reactionRecord } from './views.js';

/**
 * What a permalink (`#comment-<id>`) needs when the comment is not on the pages a reader loaded
 * (SPEC LINK-4): its root, the root's first replies (as a page shows them) and, for a reply, its
 * parent and the replies from it on. Checked like any page: the thread must exist on the caller's
 * site (a comment id of another thread or site is not found), views are the caller's (hidden words
 * withheld, flag counts for moderators only), and it is a read for the rate limits. Three indexed
 * reads at most, each bounded by `Limits.repliesPerRoot`.
 */
export async function listAround(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentAroundInput,
  siteId?: string,
): Promise<CommandOutput<AroundResult>> {
  const thread = threadRef(ctx, identity, input.thread, siteId);
  const view = commentViewFor(identity);
  const result = await ctx.store.read(async (tx): Promise<AroundResult> => {
    await requireThreadRecord(tx, thread);
    const target = await tx.getComment(thread.key, input.commentId);
    if (!target) throw notFound('The linked comment');
    const root = target.depth === 0 ? target : await tx.getComment(thread.key, target.rootId);
    if (!root) throw notFound('The linked comment');
    const picked = new Map<string, CommentRecord>();
    const take = (comments: readonly CommentRecord[]) => comments.forEach((c) => picked.set(c.id, c));
    if (root.replyCount > 0) take(await tx.listReplies(thread.key, root.id, null, Limits.repliesPerRoot));
    if (target.depth > 0) {
      // A reply shows under its parent: bring the parent when it is a reply too.
      if (target.parentId && target.parentId !== root.id && !picked.has(target.parentId)) {
        const parent = await tx.getComment(thread.key, target.parentId);
        if (parent) take([parent]);
      }
      take(await tx.listReplies(thread.key, root.id, target.seq - 1, Limits.repliesPerRoot));
    }
    const replies = [...picked.values()].sort((a, b) => a.seq - b.seq);
    const comments: CommentView[] = [view(root), ...replies.map(view)];
    const reactions = identity ? await tx.getReactions(thread.key, identity.id, comments.map((c) => c.id)) : new Map();
    return { commentId: target.id, rootId: root.id, comments, reactions: reactionRecord(reactions) };
  });
  return { result, events: [] };
}
