/**
 * What the thread store sends, built from what it holds: the `thread:join` input, and the
 * optimistic post a reader's comment or reply becomes: where it shows until the server answers
 * (its root, parent and depth; a reply below the deepest level is flattened onto its parent's
 * parent and names whom it answers), with one requestId kept for every resend [W-S4, W-S6].
 */
import { Limits, type Sort, type ThreadJoinInput } from '@parley/protocol';
import type { Mutation } from './pending-mutations.js';
import type { ThreadState } from './thread-state.js';

export interface PostRequest {
  thread: string;
  body: string;
  parentId: string | null;
  composeMs?: number | undefined;
}

/** The pending post for `request`, or null for a guest, an empty body or a parent not held. */
export function postMutation(state: ThreadState, request: PostRequest, makeRequestId: () => string, now: number): Mutation | null {
  const author = state.viewer?.user;
  const text = request.body.trim();
  if (!author || !text) return null;
  const { parentId, composeMs } = request;
  const parent = parentId ? state.comments.get(parentId) : undefined;
  if (parentId && !parent) return null;
  const requestId = makeRequestId();
  const flattened = parent !== undefined && parent.depth >= Limits.maxDepth;
  return {
    kind: 'post',
    requestId,
    userId: author.id,
    input: { requestId, thread: request.thread, parentId, body: text, ...(composeMs !== undefined && { composeMs }) },
    author,
    createdAt: now,
    placement: {
      rootId: parent?.rootId ?? null,
      parentId: parent ? (flattened ? parent.parentId : parent.id) : null,
      depth: parent ? Math.min(parent.depth + 1, Limits.maxDepth) : 0,
      replyToName: flattened ? parent.author.name : null,
    },
    state: 'pending',
  };
}

export interface JoinRequest {
  thread: string;
  sort: Sort;
  /** Replay from this seq (the snapshot held can be replayed from), or null for a snapshot. */
  since: number | null;
  pageSize?: number | undefined;
  claim?: string | undefined;
  url?: string | undefined;
  /** Comments of a primed page whose reactions by this reader the join should say [PAINT-6]. */
  reactionsFor: readonly string[];
}

/** The `thread:join` input: sizes clamped to the protocol's limits, empty parts left out. */
export function joinInput(request: JoinRequest): ThreadJoinInput {
  const { thread, sort, since, pageSize, claim, url, reactionsFor } = request;
  return {
    thread,
    sort,
    ...(since !== null ? { since } : {}),
    ...(pageSize ? { pageSize: Math.min(Math.max(1, Math.floor(pageSize)), Limits.maxPageSize) } : {}),
    ...(claim ? { claim } : {}),
    ...(url ? { url: url.slice(0, 2000) } : {}),
    ...(reactionsFor.length > 0 ? { reactionsFor: reactionsFor.slice(0, Limits.maxPageSize * (1 + Limits.repliesPerRoot)) } : {}),
  };
}
