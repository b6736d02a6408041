import { ErrorCodes, type Ack, type PresenceChange } from '@parley/protocol';
import { describeIssues, InputSchemas } from '@parley/protocol/schemas';
import type { CommandContext, CommandOutput } from '../commands/index.js';
import { assertMayAct } from '../moderation/bans.js';
import { ParleyError } from '../errors.js';
import { ActivityLog } from './activity-log.js';
import type { ServerMetrics } from './metrics.js';
import { threadGates } from '../commands/thread-gates.js';
import { refFor } from '../commands/threads.js';
import { siteOfKey, threadIdOf, threadKey } from '../domain/thread-key.js';
import { writeScope } from '../store/write-scope.js';
import type { Logger } from '../logger.js';
import { handlers, mutatingEvents, type Handler } from './handlers.js';
import { ThreadEventOutbox } from './event-outbox.js';
import { walletRoom } from '../economy/index.js';
import { levelUnchanged, xpAfter } from '../economy/ledger-book.js';
import { moderatorsRoom } from './session.js';
import { roomOf, type Caller, type ParleyIo } from './types.js';
import { holdWrites } from './write-hold.js';
import { remoteThreadEvents, ThreadEventRelay } from '../cluster/thread-stream.js';

/** Not rate limited like mutations, but a banned reader may not do them either: editing the shared notes. */
const restrictedEvents: ReadonlySet<string> = new Set(['notes:update']);

export interface DispatcherDeps {
  ctx: CommandContext;
  io: ParleyIo;
  logger: Logger;
  /** Handlers of features wired per server (presence and notes need the server's io). */
  extraHandlers?: ReadonlyMap<string, Handler>;
  /** After a reader's balance changed (earned Twei is XP): re-derive their level and push it live. */
  onCredited?: (site: string, userId: string, xp?: number) => void;
  /** Prometheus figures (transport/metrics.ts); absent, nothing is counted. */
  metrics?: ServerMetrics;
  /** How long reactions and votes wait to share a message (see event-outbox.ts); 0 = never. @default 100 */
  eventTickMs?: number;
  /** [PRES-9] Presence to ride on a thread's `thread:events` (a second argument), if any. */
  rider?: (key: string) => PresenceChange | undefined;
  /**
   * [CLUSTER-19] One of several nodes: thread events go to this node's readers only, and what this
   * node commits is handed to the other nodes at once (`parley:thread-events`); see receive().
   */
  clustered?: boolean;
}

/**
 * The one path every call takes, from a socket or in-process:
 * name → schema → token expiry → rate limit → command → ack → broadcast.
 * The rate limits come with the caller (`caller.limits`, transport/limits.ts): one set per request
 * from the network, none for in-process calls.
 */
/** Commands that append to a thread's seq stream: their writers take turns per thread (CLUSTER-12). */
const sequencedEvents: ReadonlySet<string> = new Set(['comment:post', 'comment:edit', 'comment:delete', 'comment:react', 'comment:hide', 'post:vote']);

export class Dispatcher {
  private readonly outbox: ThreadEventOutbox;

  /** [CLUSTER-19] With several nodes: this node's committed events, on their way to the others. */
  private readonly relay: ThreadEventRelay | null;

  private readonly activity: ActivityLog;

  constructor(private readonly deps: DispatcherDeps) {
    this.activity = new ActivityLog(deps.logger);
    // One encoding per message for the whole room (DESIGN.md), however many events it carries.
    const tickMs = deps.eventTickMs ?? 100;
    // [CLUSTER-19] Each node sends the cluster's events to its own readers: no message of a thread crosses Redis twice.
    const readers = deps.clustered ? deps.io.local : deps.io;
    this.relay = deps.clustered ? new ThreadEventRelay((site, events) => deps.io.serverSideEmit('parley:thread-events', site, events)) : null;
    this.outbox = new ThreadEventOutbox(
      (key, events) => {
        const rider = deps.rider?.(key);
        const room = readers.to(roomOf(siteOfKey(key), threadIdOf(key)));
        if (rider) room.emit('thread:events', events, rider);
        else room.emit('thread:events', events);
      },
      tickMs,
      (key) => waitForRoom(tickMs, deps.io.of('/').adapter.rooms.get(roomOf(siteOfKey(key), threadIdOf(key)))?.size ?? 0),
    );
  }

  /**
   * [CLUSTER-19] Another node's committed events (`parley:thread-events`): into this node's outbox,
   * paced for its readers as its own are. A message of any other shape is refused and reported.
   */
  receive(site: unknown, events: unknown): void {
    if (typeof site !== 'string' || !remoteThreadEvents(events)) {
      this.deps.logger.error('a cluster message of thread events was malformed; ignored', { site: String(site).slice(0, 80) });
      return;
    }
    this.outbox.queue(site, events);
  }

  /** Sends the events still waiting for their tick; later ones go out at once. */
  close(): void {
    this.relay?.flush();
    this.outbox.close();
    this.activity.close();
  }

  /**
   * Runs one call. `respond` gets the ack before any event is broadcast, so the caller learns its
   * own result first. Never rejects: every failure becomes an error ack.
   */
  async run(caller: Caller, event: unknown, payload: unknown, respond: (ack: Ack<unknown>) => void): Promise<void> {
    let output: CommandOutput<unknown> | null = null;
    let ack: Ack<unknown>;
    const started = performance.now();
    try {
      output = await this.execute(caller, event, payload);
      ack = { ok: true, data: output.result };
    } catch (error) {
      ack = { ok: false, error: this.toWireError(error, event) };
    }
    // [DUR-16] The ack and what the call sends its own socket besides (its wallet update) leave in one write.
    // Only a call that sends something in this turn besides its ack needs the hold (its thread events
    // leave at the end of the turn): a heartbeat answered from memory, the hottest call, takes none.
    const sendsMore =
      output !== null && ((output.wallets?.length ?? 0) > 0 || (output.notices?.length ?? 0) > 0 || (output.moderation?.length ?? 0) > 0);
    const release = caller.socket && sendsMore ? holdWrites(caller.socket.conn) : null;
    try {
      try {
        respond(ack);
      } catch (error) {
        this.deps.logger.error('ack callback threw', { event: String(event), error });
      }
      this.deps.metrics?.observe(event, (performance.now() - started) / 1000, ack.ok ? null : ack.error.code);
      this.activity.record(caller, event, payload, ack);
      const site = caller.site ?? caller.identity?.site ?? this.deps.ctx.sites.only?.id ?? '';
      if (output) this.deliver(site, output);
    } finally {
      release?.();
    }
  }

  /**
   * What a committed command changed, to whom it concerns: thread events to the thread's room,
   * balances to the reader's sockets, notices to the site's moderators, moderation events to their
   * listeners. The console's actions (HTTP) come through here too.
   */
  deliver(site: string, output: Omit<CommandOutput<unknown>, 'result'>): void {
    // Commits happen one at a time and every mutation unwinds through the same path to here; the
    // outbox keeps each thread's messages in seq order (reactions and votes wait for their tick).
    // The widget still treats a gap as "rejoin with since", never as loss.
    this.outbox.queue(site, output.events);
    this.relay?.add(site, output.events);
    for (const { site: of, thread } of output.gateUpdates ?? []) void this.broadcastGates(of, thread);
    // Balances are absolute, so a reader's tabs converge whatever order updates arrive in.
    for (const wallet of output.wallets ?? []) {
      this.deps.io.to(walletRoom(wallet.site, wallet.userId)).emit('wallet:update', wallet.update);
      if (!levelUnchanged.has(wallet)) this.deps.onCredited?.(wallet.site, wallet.userId, xpAfter.get(wallet));
    }
    // Flags and the like: the site's moderators only, never a thread's room (readers must not learn who flagged).
    for (const { site: of, notice } of output.notices ?? []) this.deps.io.to(moderatorsRoom(of)).emit('moderation:notice', notice);
    // After commit, once per change (a retried request returns no events of any kind).
    this.deps.ctx.moderation.events.emitAll(output.moderation ?? []);
  }

  private async execute(caller: Caller, event: unknown, payload: unknown) {
    const handler = typeof event === 'string' ? (handlers.get(event) ?? this.deps.extraHandlers?.get(event)) : undefined;
    const schema = typeof event === 'string' ? InputSchemas.get(event) : undefined;
    if (!handler || !schema) {
      throw new ParleyError(ErrorCodes.unknownEvent, `Unknown event ${JSON.stringify(String(event)).slice(0, 80)}.`);
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new ParleyError(ErrorCodes.invalidPayload, 'The request is malformed.', {
        issues: describeIssues(parsed.error),
      });
    }
    await this.admit(caller, event as string, parsed.data);
    let succeeded = false;
    try {
      const turnKey = sequencedEvents.has(event as string) && !this.deps.ctx.store.ignoresWriteScope ? this.turnKeyOf(caller, parsed.data) : null;
      const run = () => handler(this.deps.ctx, caller, parsed.data);
      // [CLUSTER-12] Writers of one thread take turns before their transaction (PostgreSQL; SQLite ignores it).
      const once = () => (turnKey === null ? run() : writeScope.run({ turnKey }, run));
      const output = await once().catch(async (error: unknown) => {
        // [BEAT-16] Short of Twei with reading still in memory: write it, and try once more.
        const reading = this.deps.ctx.reading;
        if (!(error instanceof ParleyError) || error.code !== ErrorCodes.insufficientFunds || !reading || !caller.identity) throw error;
        const site = caller.site ?? caller.identity.site ?? this.deps.ctx.sites.only?.id ?? '';
        const wallets = await reading.settleNow(this.deps.ctx, site, caller.identity.id);
        if (wallets.length === 0) throw error;
        this.deliver(site, { events: [], wallets });
        return once();
      });
      succeeded = true;
      return output;
    } finally {
      caller.limits?.done(succeeded);
    }
  }

  /** The key of the thread a sequenced command writes to, when the caller's site is known. */
  private turnKeyOf(caller: Caller, input: unknown): string | null {
    const site = caller.site ?? caller.identity?.site ?? this.deps.ctx.sites.only?.id;
    const thread = (input as { thread?: unknown }).thread;
    return typeof site === 'string' && typeof thread === 'string' ? threadKey(site, thread) : null;
  }

  /**
   * An expired token may not change anything; then the request's own limits (throw `rate_limited`);
   * then a banned or suspended reader may not change anything either (SPEC BAN-2).
   */
  private async admit(caller: Caller, event: string, input: unknown): Promise<void> {
    const mutating = mutatingEvents.has(event);
    if (mutating && caller.tokenExpiresAt !== null && this.deps.ctx.now() >= caller.tokenExpiresAt) {
      throw new ParleyError(ErrorCodes.invalidToken, 'The sign-in token has expired; sign in again.');
    }
    await caller.limits?.admitEvent(event, input);
    if ((mutating || restrictedEvents.has(event)) && caller.identity) {
      const identity = caller.identity;
      const site = caller.site ?? identity.site ?? this.deps.ctx.sites.only?.id ?? '';
      if (this.bansCheckedInTransaction(event, site)) return;
      await this.deps.ctx.store.read((tx) => assertMayAct(tx, site, identity, this.deps.ctx.now()));
    }
  }

  /**
   * [DUR-8] `comment:post`, `comment:react` and `post:vote` read the ban first in their own write transaction, so a read
   * transaction of its own here is only needed when something runs before that transaction which
   * a banned reader must not reach first: the site's word lists (their own error) or a screener.
   */
  private bansCheckedInTransaction(event: string, site: string): boolean {
    // Reactions and votes read it in their transaction always (nothing runs before it; BAN-5).
    if (event === 'comment:react' || event === 'post:vote') return true;
    if (event !== 'comment:post' || this.deps.ctx.moderation.screens) return false;
    return this.deps.ctx.sites.get(site)?.words.empty ?? false;
  }

  /** A host claim changed a thread's gates: open widgets re-lock or unlock at once. */
  private async broadcastGates(site: string, thread: string): Promise<void> {
    const found = this.deps.ctx.sites.get(site);
    if (!found) return;
    try {
      const ref = refFor(found, thread);
      const gates = await this.deps.ctx.store.read((tx) => threadGates(tx, ref));
      this.deps.io.to(roomOf(site, thread)).emit('thread:gates', { thread, gates });
    } catch (error) {
      this.deps.logger.error('broadcasting changed gates failed', { site, thread, error });
    }
  }

  private toWireError(error: unknown, event: unknown) {
    if (error instanceof ParleyError) return error.toWire();
    this.deps.logger.error('unexpected error handling an event', { event: String(event).slice(0, 80), error });
    return { code: ErrorCodes.internal, message: 'Something went wrong on the server; nothing was changed.' };
  }
}

/**
 * [PERF-5] How long a room's reactions and votes wait to share a message: a tick up to 400 readers
 * on this node, then a quarter of a millisecond per reader, at most a second — every message costs
 * each reader in the room, so 10,000 readers get one like-count message a second, not ten.
 */
export function waitForRoom(tickMs: number, readers: number): number {
  if (tickMs <= 0) return 0;
  return Math.max(tickMs, Math.min(1000, readers / 4));
}
