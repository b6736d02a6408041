import { Limits, type JoinResult, type ThreadEvent, type ThreadJoinInput, type ViewerState } from '@parley/protocol';
import type { Identity } from '../domain/identity.js';
import type { ReadTx } from '../store/types.js';
import type { CommandContext, CommandOutput } from './context.js';
import { loadPage } from './page.js';
import { reactionRecord, toThreadView } from './views.js';

/** Comment ids an event is about, so a rejoining viewer gets their own reactions on them. */
function commentIdsOf(events: readonly ThreadEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.type === 'comment.created') ids.add(event.comment.id);
    else if (event.type !== 'post.voted') ids.add(event.commentId);
  }
  return [...ids];
}

async function viewerState(
  tx: ReadTx,
  thread: string,
  identity: Identity | null,
  commentIds: readonly string[],
): Promise<ViewerState> {
  if (!identity) return { user: null, role: 'guest', reactions: {}, vote: null };
  const { id, name, avatar, level, role } = identity;
  return {
    user: { id, name, avatar, level },
    role,
    reactions: reactionRecord(await tx.getReactions(thread, id, commentIds)),
    vote: await tx.getVote(thread, id),
  };
}

/**
 * A reader opens a thread (or comes back to it). The thread is created on first join, keeping the
 * title and url the first page gave. A reader who was briefly away (`since` within
 * {@link Limits.maxReplayEvents}) gets only the events they missed; anyone else a snapshot.
 */
export async function joinThread(
  ctx: CommandContext,
  identity: Identity | null,
  input: ThreadJoinInput,
): Promise<CommandOutput<JoinResult>> {
  const existing = await ctx.store.read((tx) => tx.getThread(input.thread));
  if (!existing) {
    // A join is a read for everyone, but the first one also records the thread; no event, seq 0.
    await ctx.store.write((tx) => tx.ensureThread(input.thread, input.title ?? null, input.url ?? null, ctx.now()));
  }
  const result = await ctx.store.read(async (tx): Promise<JoinResult> => {
    const thread = await tx.getThread(input.thread);
    if (!thread) throw new Error(`thread ${input.thread} vanished after creation`);
    const view = toThreadView(thread);
    const since = input.since;
    if (since !== undefined && since <= thread.seq && thread.seq - since <= Limits.maxReplayEvents) {
      const events = await tx.listEvents(thread.id, since, Limits.maxReplayEvents);
      return { mode: 'events', thread: view, events, viewer: await viewerState(tx, thread.id, identity, commentIdsOf(events)) };
    }
    const page = await loadPage(tx, thread.id, input.sort ?? 'top', null, input.pageSize ?? Limits.defaultPageSize);
    const ids = page.comments.map((c) => c.id);
    return { mode: 'snapshot', thread: view, page, viewer: await viewerState(tx, thread.id, identity, ids) };
  });
  return { result, events: [] };
}
