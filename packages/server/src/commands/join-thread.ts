import { Limits, type Gates, type JoinResult, type ThreadEvent, type ThreadJoinInput, type ViewerState } from '@parley/protocol';
import { effectiveGates } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import type { ReadTx, ThreadRecord } from '../store/types.js';
import type { CommandContext, CommandOutput } from './context.js';
import { firstPages } from './first-pages.js';
import { redactReplay } from './redact-events.js';
import { requireThreadRecord, threadGates, threadRef, unknownThread, type ThreadRef } from './thread-gates.js';
import { applyThreadSpec, type ThreadSpec } from './threads.js';
import { ownHeldViews } from '../moderation/own-held.js';
import { restrictionOf } from '../moderation/bans.js';
import { siteOfKey } from '../domain/thread-key.js';
import { commentViewFor, emptyThreadView, reactionRecord, toCommentView, toThreadView } from './views.js';

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
  const restriction = restrictionOf(await tx.mod.getBan(siteOfKey(thread), id), Date.now());
  return {
    user: { id, name, avatar, level },
    role,
    reactions: reactionRecord(await tx.getReactions(thread, id, commentIds)),
    vote: await tx.getVote(thread, id),
    level,
    gates,
    ...(restriction && { restriction }),
  };
}

/** How a join may bring its thread into existence (the host's word, checked by transport). */
export interface JoinOptions {
  /** A verified host claim for this very thread (sites/thread-claims.ts). */
  claim?: VerifiedThreadClaim | null;
  /**
   * Paste-and-go, already allowed for this call by transport: the site opted in, the page's Origin
   * is explicitly listed, `url` is on it. `admit` charges the creation limits (per IP, per site)
   * and throws `rate_limited`; it is called only when a thread is really created.
   */
  autoCreate?: { url: string; admit: () => Promise<void> } | null;
}

export interface VerifiedThreadClaim {
  spec: ThreadSpec;
  /** The claim's issue time (seconds): a claim not newer than the last applied changes nothing. */
  iat: number;
}

/**
 * A reader opens a thread (or comes back to it). A reader who was briefly away (`since` within
 * {@link Limits.maxReplayEvents}) gets only the events they missed; anyone else a snapshot.
 *
 * A join never lets a reader decide anything about the thread (SPEC THREAD-2): it exists because
 * its host created it — earlier, or now through the signed claim the page carries — or, on a site
 * that opted in, a signed-in reader's join creates it with nothing but the site's defaults.
 * Otherwise it is `not_found`; a guest on a paste-and-go site sees an empty thread, and creates
 * nothing (SPEC THREAD-3).
 */
export async function joinThread(
  ctx: CommandContext,
  identity: Identity | null,
  input: ThreadJoinInput,
  siteId?: string,
  options: JoinOptions = {},
): Promise<CommandOutput<JoinResult>> {
  const ref = threadRef(ctx, identity, input.thread, siteId);
  const site = ref.site;
  const { claim, autoCreate } = options;
  // [BEAT-10] The common join — the thread exists and carries no claim newer than it applied — is
  // one read: the thread, then what the reader sees, in the same transaction.
  const first = await ctx.store.read(async (tx) => {
    const thread = await tx.getThread(ref.key);
    if (!thread || (claim && (thread.claimIat === null || claim.iat > thread.claimIat))) return { existing: thread, joined: null };
    return { existing: thread, joined: await readJoin(ctx, tx, ref, thread, identity, input) };
  });
  if (first.joined) return { result: first.joined, events: [] };
  const existing = first.existing;
  let output: Omit<CommandOutput<JoinResult>, 'result'> = { events: [] };
  if (claim && (!existing || existing.claimIat === null || claim.iat > existing.claimIat)) {
    const applied = await ctx.store.write((tx) => applyThreadSpec(ctx, tx, site, claim.spec, 'claim', ctx.now(), claim.iat));
    output = {
      events: [],
      ...(applied.wallets.length > 0 && { wallets: applied.wallets }),
      ...(applied.gatesChanged && { gateUpdates: [{ site: site.id, thread: ref.id }] }),
    };
  } else if (!existing) {
    if (!autoCreate) throw unknownThread(ref);
    if (!identity) return { result: await emptyJoin(ctx, ref, identity, input), events: [] };
    await autoCreate.admit();
    await ctx.store.write((tx) => applyThreadSpec(ctx, tx, site, { id: ref.id, url: autoCreate.url }, 'auto', ctx.now()));
  }
  const gateUpdates = output.gateUpdates;
  const result = await ctx.store.read(async (tx) => readJoin(ctx, tx, ref, await requireThreadRecord(tx, ref), identity, input));
  return { result, events: [], ...(output.wallets && { wallets: output.wallets }), ...(gateUpdates && { gateUpdates }) };
}

/** What the reader sees of `thread`, read in `tx`: the events since theirs, or a snapshot. */
async function readJoin(ctx: CommandContext, tx: ReadTx, ref: ThreadRef, thread: ThreadRecord, identity: Identity | null, input: ThreadJoinInput): Promise<JoinResult> {
  const gates = await threadGates(tx, ref);
  const view = toThreadView(thread);
  const since = input.since;
  if (since !== undefined && since <= thread.seq && thread.seq - since <= Limits.maxReplayEvents) {
    const events = await redactReplay(tx, ref.key, await tx.listEvents(ref.key, since, Limits.maxReplayEvents));
    return { mode: 'events', thread: view, events, viewer: await viewerState(tx, ref.key, identity, commentIdsOf(events), gates) };
  }
  const pageSize = input.pageSize ?? Limits.defaultPageSize;
  const commentView = commentViewFor(identity);
  // Readers' joins at one seq share one read of the page (PERF-6).
  const page = await firstPages.get(ctx.store, tx, ref.key, thread.seq, input.sort ?? 'top', pageSize, commentView, commentView === toCommentView);
  const ids = page.comments.map((c) => c.id);
  const own = identity ? await ownHeldViews(tx, ref, identity.id) : [];
  const viewer = await viewerState(tx, ref.key, identity, ids, gates);
  return { mode: 'snapshot', thread: view, page, viewer, ...(own.length > 0 && { own }) };
}

/** A thread that will exist once a signed-in reader opens it (paste-and-go): empty, site gates. */
async function emptyJoin(ctx: CommandContext, ref: ThreadRef, identity: Identity | null, input: ThreadJoinInput): Promise<JoinResult> {
  const gates = effectiveGates(ref.site.gates, null);
  const viewer = await ctx.store.read((tx) => viewerState(tx, ref.key, identity, [], gates));
  return { mode: 'snapshot', thread: emptyThreadView(ref.id), page: { sort: input.sort ?? 'top', comments: [], nextCursor: null }, viewer };
}
