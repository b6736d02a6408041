import { ErrorCodes, type GatedAction, type ThreadEvent } from '@parley/protocol';
import { fingerprint } from '../domain/fingerprint.js';
import { authorize } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { ParleyError } from '../errors.js';
import { requestOwner, threadKey } from '../domain/thread-key.js';
import type { WriteTx } from '../store/types.js';
import type { CommandContext, CommandOutput } from './context.js';
import { threadGates, type ThreadRef } from './thread-gates.js';
import { assertMayAct } from '../moderation/bans.js';
import { writeScope } from '../store/write-scope.js';
import type { BanRecord } from '../store/mod-queries.js';
import { SITE_SCOPE } from '../moderation/policy.js';

export interface MutationRequest {
  identity: Identity;
  /** The site the request is for: request records are keyed by (site, user) (SPEC SITE-3). */
  site: string;
  requestId: string;
  /** The event name the fingerprint is bound to, e.g. `comment:post`. */
  action: string;
  /** The input that defines the request (without the requestId), normalised by the command. */
  input: unknown;
}

/**
 * Runs a mutation exactly once per (site, user, requestId). The change, its events and the request record
 * are written in ONE transaction, so a crash leaves either all of them or none; a retry of a
 * committed request returns the stored result and emits nothing.
 */
export function runMutation<T>(
  ctx: CommandContext,
  request: MutationRequest,
  apply: (tx: WriteTx, at: number) => Promise<CommandOutput<T>>,
): Promise<CommandOutput<T>> {
  return lookingEarly(ctx, request.site, request.identity.id, request.requestId, () => ctx.store.write((tx) => applyOnce(ctx, tx, request, apply)));
}

/** [HOT-7] Names the request record the write will look for, for a store that can look before the write's turn. */
function lookingEarly<R>(ctx: CommandContext, site: string, userId: string | undefined, requestId: string, write: () => Promise<R>): Promise<R> {
  if (ctx.store.ignoresWriteScope || userId === undefined) return write();
  return writeScope.run({ ...writeScope.getStore(), request: { owner: requestOwner(site, userId), requestId } }, write);
}

/** A thread gate a mutation must pass: the reader's level against the thread's gate for `action`. */
export interface ThreadGate {
  thread: ThreadRef;
  action: GatedAction;
}

export interface GatedMutationRequest extends Omit<MutationRequest, 'identity' | 'site'> {
  /** Null (a guest) is refused by the gate with `auth_required`. */
  identity: Identity | null;
  gate: ThreadGate;
  /**
   * [DUR-8] Refuse a banned or suspended reader first, in this transaction (BAN-2), and hand `apply`
   * the ban read (a mute refuses nothing). For a command the dispatcher lets check it here.
   */
  standing?: { ban: BanRecord | null };
  /**
   * [DUR-15] The command reads the pre-moderation policies after the gate (a post): a store that can
   * reads the ban, the thread with its settings and both policies ahead in one statement.
   */
  readsPolicies?: boolean;
}

/**
 * {@link runMutation} behind a thread gate checked in the SAME write transaction (no read
 * transaction of its own before it; the gate seen is the one the change commits against). Checks
 * and errors in the order `authorizeInThread` gives them: site, thread's site, sign-in, level;
 * then the requestId. `apply` gets the authorised identity.
 */
export function runGatedMutation<T>(
  ctx: CommandContext,
  request: GatedMutationRequest,
  apply: (tx: WriteTx, at: number, user: Identity) => Promise<CommandOutput<T>>,
): Promise<CommandOutput<T>> {
  return lookingEarly(ctx, request.gate.thread.site.id, request.identity?.id, request.requestId, () => ctx.store.write(async (tx) => {
    const { identity, gate } = request;
    if (request.readsPolicies && request.standing && identity && tx.readAheadGate) tx.readAheadGate(gate.thread.site.id, identity.id, gate.thread.key, SITE_SCOPE);
    if (request.standing) request.standing.ban = await assertMayAct(tx, request.gate.thread.site.id, request.identity, ctx.now());
    const user = authorize(request.identity, request.gate.action, await threadGates(tx, request.gate.thread));
    const site = request.gate.thread.site.id;
    return applyOnce(ctx, tx, { ...request, identity: user, site }, (tx, at) => apply(tx, at, user));
  }));
}

async function applyOnce<T>(
  ctx: CommandContext,
  tx: WriteTx,
  request: MutationRequest,
  apply: (tx: WriteTx, at: number) => Promise<CommandOutput<T>>,
): Promise<CommandOutput<T>> {
  const print = fingerprint(request.action, request.input);
  const owner = requestOwner(request.site, request.identity.id);
  const previous = await tx.getRequest(owner, request.requestId);
  if (previous) {
    if (previous.fingerprint !== print) {
      throw new ParleyError(
        ErrorCodes.requestIdReused,
        'This requestId was already used for a different request; make a new one.',
        { requestId: request.requestId },
      );
    }
    return { result: previous.result as T, events: [] };
  }
  const at = ctx.now();
  const output = await apply(tx, at);
  for (const event of output.events) await tx.appendEvent(threadKey(request.site, event.thread), event);
  // [WEBHOOK-6] What webhooks and emails were promised commits with the change, or neither does.
  await ctx.moderation.record(tx, output.moderation, at);
  await tx.saveRequest(owner, request.requestId, { fingerprint: print, result: output.result, createdAt: at });
  return output;
}

/** Builds the event row for a change, taking the thread's next seq inside the transaction. */
export async function nextEvent<E extends ThreadEvent>(
  tx: WriteTx,
  thread: ThreadRef,
  at: number,
  body: Omit<E, 'thread' | 'seq' | 'at'>,
): Promise<E> {
  const seq = await tx.nextSeq(thread.key);
  return { ...body, thread: thread.id, seq, at } as E;
}
