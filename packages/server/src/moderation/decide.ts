/**
 * What a moderator does to held comments, readers and settings (the console's actions, SPEC
 * PREMOD-5…7, BAN-*, MODLOG-1). Each is one write transaction with its audit row; the output goes
 * through the dispatcher's after-commit delivery (thread events, wallets, notices, moderation events).
 */
import { formatComment } from '../commands/comment-format.js';
import { nameKey } from '../domain/markdown.js';
import type { CommentCreatedEvent, PostCommentResult } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import { refFor } from '../commands/threads.js';
import { toCommentView } from '../commands/views.js';
import { placeComment } from '../domain/threading.js';
import type { Identity } from '../domain/identity.js';
import { threadIdOf } from '../domain/thread-key.js';
import { moneyForComment } from '../economy/action-money.js';
import { openBook } from '../economy/book.js';
import { commentDeleted, forbidden, notFound } from '../errors.js';
import type { Site } from '../sites/site-config.js';
import type { BanKind, PremodPolicy } from '../store/mod-queries.js';
import { actorOf, logAction } from './audit.js';
import { commentRef } from './events.js';
import { SITE_SCOPE } from './policy.js';

type DecideTx = Parameters<Parameters<CommandContext['store']['write']>[0]>[0];

/** A moderator's change in one transaction, with the outbox rows its moderation events promise (WEBHOOK-6). */
function recorded<T>(ctx: CommandContext, change: (tx: DecideTx) => Promise<CommandOutput<T>>): Promise<CommandOutput<T>> {
  return ctx.store.write(async (tx) => {
    const output = await change(tx);
    await ctx.moderation.record(tx, output.moderation, ctx.now());
    return output;
  });
}

async function heldOf(ctx: CommandContext, tx: Parameters<Parameters<CommandContext['store']['write']>[0]>[0], site: Site, id: string) {
  const held = await tx.mod.getHeld(id);
  if (!held || held.site !== site.id) throw notFound('The held comment');
  return held;
}

/**
 * Publishes a held comment: it becomes a comment with the thread's next seq, its `comment.created`
 * event goes live to every reader, the thread counts it, and only now do its tribute and reward
 * move (SPEC PREMOD-5). Approving what is no longer held is refused (`forbidden`), so a double
 * click or two moderators at once publish it once.
 */
export async function approveHeld(ctx: CommandContext, actor: Identity, site: Site, id: string, reason: string | null = null): Promise<CommandOutput<PostCommentResult>> {
  return recorded(ctx, async (tx) => {
    const at = ctx.now();
    const held = await heldOf(ctx, tx, site, id);
    if (held.state !== 'held') throw forbidden(`This comment was already ${held.state === 'muted' ? 'kept aside (shadow mute)' : held.state}.`);
    const threadId = threadIdOf(held.thread);
    const thread = refFor(site, threadId);
    const parent = held.parentId ? await tx.getComment(held.thread, held.parentId) : null;
    if (held.parentId && !parent) throw notFound('The comment it replies to');
    if (parent?.deletedAt != null) throw commentDeleted();
    const placement = placeComment(
      held.id,
      parent && { id: parent.id, rootId: parent.rootId, parentId: parent.parentId, depth: parent.depth, authorName: parent.author.name },
    );
    if (!(await tx.mod.decideHeld(id, 'held', 'approved', at, actorOf(actor).id))) throw forbidden('This comment was already decided.');
    const seq = await tx.nextSeq(held.thread);
    // Formatted as a post is (MD-*): the tree and the mentions are read against the thread as it is now.
    const { doc, mentions } = await formatComment(tx, held.thread, held.body, parent);
    const stored = await tx.insertComment({ id: held.id, thread: held.thread, ...placement, seq, author: held.author, body: held.body, ...(doc && { doc }), mentions, createdAt: held.createdAt });
    const nameKeyed = nameKey(held.author.name);
    if (nameKeyed) await tx.recordThreadAuthor(held.thread, nameKeyed, { id: held.author.id, name: held.author.name });
    if (placement.depth > 0) await tx.adjustReplyCount(held.thread, placement.rootId, 1);
    await tx.adjustThreadCounts(held.thread, { comments: 1 });
    // The reward's settlement window starts at approval: a held comment never paid before.
    const book = openBook(ctx, tx, site.id, at, `approve:${held.id}`);
    await moneyForComment(book, held.author.id, held.thread, { id: held.id, createdAt: at });
    await logAction(tx, { site: site.id, at, actor, action: 'approve', thread: threadId, commentId: held.id, userId: held.author.id, reason, detail: { seq } });
    const comment = toCommentView(stored);
    const event: CommentCreatedEvent = { type: 'comment.created', thread: thread.id, seq, at, comment };
    const ref = commentRef(site.id, threadId, stored, at, seq);
    await tx.appendEvent(held.thread, event);
    return {
      result: { seq, comment },
      events: [event],
      wallets: await book.walletUpdates(),
      moderation: [{ name: 'comment.approved', payload: { ...ref, by: actorOf(actor) } }],
    };
  });
}

/** Refuses a held (or shadow-muted) comment for good: never shown, never paid. */
export async function rejectHeld(ctx: CommandContext, actor: Identity, site: Site, id: string, reason: string | null = null): Promise<CommandOutput<{ rejected: string }>> {
  return recorded(ctx, async (tx) => {
    const at = ctx.now();
    const held = await heldOf(ctx, tx, site, id);
    const from = held.state;
    if ((from !== 'held' && from !== 'muted') || !(await tx.mod.decideHeld(id, from, 'rejected', at, actorOf(actor).id))) {
      throw forbidden(`This comment was already ${from}.`);
    }
    const threadId = threadIdOf(held.thread);
    await logAction(tx, { site: site.id, at, actor, action: 'reject', thread: threadId, commentId: id, userId: held.author.id, reason });
    const ref = commentRef(site.id, threadId, { ...held, seq: 0 }, at, null);
    return { result: { rejected: id }, events: [], moderation: [{ name: 'comment.rejected', payload: { ...ref, by: actorOf(actor), reason, ...(from === 'muted' && { muted: true as const }) } }] };
  });
}

export interface BanInput {
  userId: string;
  kind: BanKind;
  /** For a suspension: how long, in ms from now. */
  durationMs?: number | null;
  reason?: string | null;
}

/** Bans, suspends or shadow-mutes a reader on the site (replacing what was there). */
export async function banReader(ctx: CommandContext, actor: Identity, site: Site, input: BanInput): Promise<CommandOutput<{ userId: string; kind: BanKind; until: number | null }>> {
  if (input.userId === actor.id) throw forbidden('You cannot ban yourself.');
  return recorded(ctx, async (tx) => {
    const at = ctx.now();
    const until = input.kind === 'suspend' ? at + Math.max(60_000, input.durationMs ?? 24 * 3600_000) : input.durationMs ? at + input.durationMs : null;
    const reason = input.reason?.trim() || null;
    const by = actorOf(actor);
    await tx.mod.setBan({ site: site.id, userId: input.userId, kind: input.kind, until, reason, byId: by.id, byName: by.name, at });
    await logAction(tx, { site: site.id, at, actor, action: input.kind, userId: input.userId, reason, detail: { until } });
    return {
      result: { userId: input.userId, kind: input.kind, until },
      events: [],
      moderation: [{ name: 'reader.banned', payload: { site: site.id, userId: input.userId, kind: input.kind, until, reason, by, at } }],
    };
  });
}

export async function unbanReader(ctx: CommandContext, actor: Identity, site: Site, userId: string, reason: string | null = null): Promise<CommandOutput<{ userId: string; lifted: boolean }>> {
  return recorded<{ userId: string; lifted: boolean }>(ctx, async (tx) => {
    const at = ctx.now();
    const lifted = await tx.mod.deleteBan(site.id, userId);
    if (!lifted) return { result: { userId, lifted }, events: [] };
    await logAction(tx, { site: site.id, at, actor, action: 'unban', userId, reason });
    return { result: { userId, lifted }, events: [], moderation: [{ name: 'reader.unbanned', payload: { site: site.id, userId, by: actorOf(actor), at } }] };
  });
}

/** The moderator looked at a flagged comment and keeps it: it leaves the flagged queue. */
export async function reviewFlags(ctx: CommandContext, actor: Identity, site: Site, threadId: string, commentId: string, reason: string | null = null): Promise<CommandOutput<{ reviewed: string }>> {
  const thread = refFor(site, threadId);
  return ctx.store.write(async (tx) => {
    const comment = await tx.getComment(thread.key, commentId);
    if (!comment) throw notFound('The comment');
    await tx.mod.reviewFlags(thread.key, commentId);
    await logAction(tx, { site: site.id, at: ctx.now(), actor, action: 'review-flags', thread: threadId, commentId, userId: comment.author.id, reason, detail: { flags: comment.flagCount } });
    return { result: { reviewed: commentId }, events: [] };
  });
}

/** Replaces the site's (thread null) or a thread's pre-moderation policy; null removes the override. */
export async function setPremodPolicy(ctx: CommandContext, actor: Identity, site: Site, threadId: string | null, policy: PremodPolicy | null): Promise<CommandOutput<{ policy: PremodPolicy | null }>> {
  return ctx.store.write(async (tx) => {
    const at = ctx.now();
    const scope = threadId === null ? SITE_SCOPE : refFor(site, threadId).key;
    await tx.mod.setPolicy(site.id, scope, policy, at);
    await logAction(tx, { site: site.id, at, actor, action: 'settings', thread: threadId, detail: { premoderation: policy } });
    return { result: { policy }, events: [] };
  });
}
