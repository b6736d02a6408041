/**
 * Holding a comment at `comment:post` (SPEC PREMOD-4, BAN-3): called inside the post's write
 * transaction with the verdict of the screeners (screen.ts).
 */
import type { CommentView, PostCommentResult } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import type { Identity } from '../domain/identity.js';
import type { Placement } from '../domain/threading.js';
import type { Site } from '../sites/site-config.js';
import type { BanRecord, HeldComment } from '../store/mod-queries.js';
import type { WriteTx } from '../store/types.js';
import { assertMayAct } from './bans.js';
import { commentRef } from './events.js';
import { policyVerdict } from './policy.js';
import { combineVerdicts, type ScreenVerdict } from './verdict.js';
import { rejected } from './screen.js';

export type Decision = ScreenVerdict | { action: 'mute'; reasons: string[]; tags?: string[] };

/**
 * The screeners' verdict with the policy's and the author's standing: publish, hold, mute (or throws).
 * `standing`: the author's ban as this transaction already read it (`assertMayAct`), else read here.
 */
export async function decideInTx(
  tx: WriteTx,
  site: Site,
  threadKey: string,
  author: Identity,
  body: string,
  screened: ScreenVerdict,
  at: number,
  standing?: { ban: BanRecord | null },
): Promise<Decision> {
  const ban = standing ? standing.ban : await assertMayAct(tx, site.id, author, at);
  if (ban?.kind === 'mute') return { action: 'mute', reasons: ['shadow muted'] };
  const verdict = combineVerdicts([screened, await policyVerdict(tx, site, threadKey, author, body)]);
  if (verdict.action === 'reject') throw rejected(verdict);
  return verdict;
}

/** The view of a held comment for its author (and the console). */
export function heldView(held: HeldComment, threadId: string, placement: Placement): CommentView {
  return {
    id: held.id,
    thread: threadId,
    ...placement,
    seq: 0,
    author: held.author,
    body: held.body,
    createdAt: held.createdAt,
    editedAt: null,
    deletedAt: null,
    likes: 0,
    dislikes: 0,
    replyCount: 0,
    ...(held.state === 'held' && { status: 'held' as const }),
  };
}

export interface HoldRequest {
  site: Site;
  threadKey: string;
  threadId: string;
  id: string;
  /** Where it will stand (domain/threading.ts), as computed for a published comment. */
  placement: Placement;
  author: Identity;
  body: string;
  at: number;
  requestId: string;
  decision: Exclude<Decision, { action: 'publish' | 'reject' }>;
}

/** Stores the comment aside: no seq, no event, no count, no money. Its author alone is answered with it. */
export async function holdComment(ctx: CommandContext, tx: WriteTx, request: HoldRequest): Promise<CommandOutput<PostCommentResult>> {
  const { site, decision, author, placement } = request;
  const muted = decision.action === 'mute';
  const held: HeldComment = {
    id: request.id,
    site: site.id,
    thread: request.threadKey,
    parentId: placement.replyToId,
    author: { id: author.id, name: author.name, avatar: author.avatar, level: author.level },
    body: request.body,
    createdAt: request.at,
    state: muted ? 'muted' : 'held',
    reasons: decision.reasons,
    tags: decision.tags ?? [],
    requestId: request.requestId,
    decidedAt: null,
    decidedBy: null,
  };
  await tx.mod.insertHeld(held);
  const view = heldView(held, request.threadId, placement);
  const result: PostCommentResult = { seq: null, comment: view };
  if (muted) return { result, events: [] };
  const queue = await tx.mod.countHeld(site.id);
  const ref = commentRef(site.id, request.threadId, { ...held, seq: 0 }, request.at, null);
  return {
    result,
    events: [],
    notices: [{ site: site.id, notice: { type: 'comment.held', thread: request.threadId, commentId: held.id, queue } }],
    moderation: [{ name: 'comment.held', payload: { ...ref, reasons: held.reasons, tags: held.tags } }],
  };
}
