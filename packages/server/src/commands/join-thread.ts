import { Limits, type Gates, type JoinResult, type ThreadEvent, type ThreadJoinInput, type ViewerState } from '@parley/protocol';
import { tighteningsOnly } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import type { ReadTx } from '../store/types.js';
import type { CommandContext, CommandOutput } from './context.js';
import { loadPage } from './page.js';
import { redactReplay } from './redact-events.js';
import { siteOf, threadGates } from './thread-gates.js';
import { commentViewFor, reactionRecord, toThreadView } from './views.js';

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
  gates: Gates,
): Promise<ViewerState> {
  if (!identity) return { user: null, role: 'guest', reactions: {}, vote: null, level: 0, gates };
  const { id, name, avatar, level, role } = identity;
  return {
    user: { id, name, avatar, level },
    role,
    reactions: reactionRecord(await tx.getReactions(thread, id, commentIds)),
    vote: await tx.getVote(thread, id),
    level,
    gates,
  };
}

/**
 * A reader opens a thread (or comes back to it). The thread is created on first join, keeping the
 * title and url the first page gave. A reader who was briefly away (`since` within
 * {@link Limits.maxReplayEvents}) gets only the events they missed; anyone else a snapshot.
 *
 * The first join also records which site the thread belongs to and the page's gate tightenings
 * (`input.gates`, kept only where they are stricter than the site's); later joins cannot change them.
 * `site` is the connection's site (guests have no identity to carry it).
 */
export async function joinThread(
  ctx: CommandContext,
  identity: Identity | null,
  input: ThreadJoinInput,
  siteId?: string,
): Promise<CommandOutput<JoinResult>> {
  const site = siteOf(ctx, identity, siteId ?? identity?.site);
  const known = await ctx.store.read(async (tx) => Boolean((await tx.getThread(input.thread)) && (await tx.getThreadSettings(input.thread))));
  if (!known) {
    // A join is a read for everyone, but the first one also records the thread; no event, seq 0.
    await ctx.store.write(async (tx) => {
      const at = ctx.now();
      await tx.ensureThread(input.thread, input.title ?? null, input.url ?? null, at);
      await tx.recordThreadSettings(input.thread, site.id, tighteningsOnly(site.gates, input.gates), at);
    });
  }
  const result = await ctx.store.read(async (tx): Promise<JoinResult> => {
    const thread = await tx.getThread(input.thread);
    if (!thread) throw new Error(`thread ${input.thread} vanished after creation`);
    const gates = await threadGates(tx, site, thread.id);
    const view = toThreadView(thread);
    const since = input.since;
    if (since !== undefined && since <= thread.seq && thread.seq - since <= Limits.maxReplayEvents) {
      const events = await redactReplay(tx, thread.id, await tx.listEvents(thread.id, since, Limits.maxReplayEvents));
      return { mode: 'events', thread: view, events, viewer: await viewerState(tx, thread.id, identity, commentIdsOf(events), gates) };
    }
    const pageSize = input.pageSize ?? Limits.defaultPageSize;
    const page = await loadPage(tx, thread.id, input.sort ?? 'top', null, pageSize, commentViewFor(identity));
    const ids = page.comments.map((c) => c.id);
    return { mode: 'snapshot', thread: view, page, viewer: await viewerState(tx, thread.id, identity, ids, gates) };
  });
  return { result, events: [] };
}
