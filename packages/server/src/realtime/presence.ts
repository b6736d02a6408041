/**
 * Presence that scales (issue 10): readers receive what they see — "N reading now" and who is typing
 * where — never every renewal of every reader. Each node keeps its rooms' presence in memory
 * (presence-room.ts) and sends each room, per tick, only what changed, as one JSON broadcast
 * (encoded once for the room, one frame, no binary attachment):
 *
 * [PRES-1] A reader speaks only for themselves: the name shown and the key counted come from the
 *          verified token (`u:<id>`), or are the socket's own (a guest, who cannot type).
 * [PRES-2] A renewal that changes nothing readers see sends nothing; the count goes out at most once
 *          per `presenceCountEveryMs`, typing changes within a tick.
 * [PRES-3] A join gets the count and the typists (`presence:sync`), not the room.
 * [PRES-4] A socket is counted out, and its typing cleared, when it leaves the room or disconnects.
 * [PRES-5] A presence not renewed for `presenceTimeoutMs` is removed the same way.
 * [PRES-6] With several nodes, each speaks for its own readers (`node` in every message) and repeats
 *          its full state every `presenceRefreshMs`; the widget adds the nodes up.
 * [PRES-8] A node alone repeats a room's state only when it has sent that room nothing for
 *          `presenceRefreshMs`: on one node nothing sent to a connected socket is lost (a reconnect
 *          syncs afresh, W-L4), so the repeat only keeps the node from being forgotten (30 s).
 * [CLUSTER-7] A `presence:sync` is answered from this node at once, and the other nodes are asked
 *          (once per tick and thread, `parley:presence-ask`) to send the syncing sockets their own
 *          state: a joiner sees every node's readers without waiting for a refresh, and nothing waits
 *          for the answers — a node that died answers nothing and delays nobody.
 * [PRES-9] A reader that syncs with `rides: true` takes presence riding on the room's next
 *          `thread:events` (its second argument) instead of a `presence:state` of its own. See ride().
 */
import { ErrorCodes, RealtimeLimits, type PresenceChange, type PresenceSetInput, type PresenceSnapshot, type PresenceSyncInput } from '@parley/protocol';
import { randomId } from '../commands/context.js';
import { threadKey, threadIdOf } from '../domain/thread-key.js';
import { ParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import { TokenBuckets } from '../transport/rate-limit.js';
import { roomOfKey, type Caller, type ParleyIo, type ParleySocket } from '../transport/types.js';
import { mayWaitToRide, ThreadPresence } from './presence-room.js';
import { withJson } from '../domain/encoded-json.js';
import { PacedRoom, RIDERS } from './paced-room.js';

export interface PresenceOptions {
  io: ParleyIo;
  logger: Logger;
  now?: () => number;
  /** @default RealtimeLimits.presenceTimeoutMs */
  timeoutMs?: number;
  /** How often expired presences are looked for. @default 5 s — "left" shows within seconds. */
  sweepEveryMs?: number;
  /** Changes are gathered per thread for this long. @default 100 ms */
  tickMs?: number;
  /** @default RealtimeLimits.presenceCountEveryMs */
  countEveryMs?: number;
  /** @default RealtimeLimits.presenceRefreshMs */
  refreshMs?: number;
  /** Other nodes share the rooms (a cluster adapter): a sync asks them for their state. @default false */
  clustered?: boolean;
  /** A room message leaves in slices of this many of this node's sockets (PERF-7). @default PRESENCE_SLICE */
  sliceSockets?: number;
}

/** Rooms bigger than this (readers on the node) get the full refresh every other time (PERF-4). */
export const BIG_ROOM = 2000;

/** Whether a room of `readers` (on this node) takes the full refresh number `lap` (0, 1, 2…) of a cluster. */
export function refreshDue(readers: number, lap: number): boolean {
  return readers <= BIG_ROOM || lap % 2 === 0;
}

/**
 * [PRES-8] Whether a lone node's room, last sent anything at `lastSentAt`, takes the refresh at `now`:
 * only when silent for about `refreshMs` (a tick of slack for the timers), so it is never silent for
 * two refreshes (20 s, under the widget's 30 s).
 */
export function loneRefreshDue(lastSentAt: number, now: number, refreshMs: number, tickMs: number): boolean {
  return now - lastSentAt >= refreshMs - tickMs;
}

/** Above this many syncing sockets in one tick, the nodes answer the whole room (one message) instead. */
const ASK_SOCKETS_MAX = 64;

/**
 * presence:set per socket. A widget sends one on join, one per typing change and one renewal every
 * 15 s; a burst of 20 at 5 a second covers fast composer switching and stops a flood.
 */
const PRESENCE_BUCKET = { burst: 20, perSecond: 5 };

export class Presence {
  /** This node's name in presence messages: its readers are its own to count. */
  readonly node = randomId();
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly countEveryMs: number;
  private readonly refreshMs: number;
  private readonly tickMs: number;
  private readonly buckets: TokenBuckets;
  private readonly rooms = new Map<string, ThreadPresence>();
  /** Threads (keys) per socket, to count it out on disconnect without scanning every room. */
  private readonly joinedBy = new Map<string, Set<string>>();
  private readonly timers: ReturnType<typeof setInterval>[];
  /** Sockets that synced a thread this tick (by key), for the other nodes to answer [CLUSTER-7]. */
  private readonly asks = new Map<string, string[]>();
  /** Refreshes sent so far: big rooms take every other one. */
  private refreshes = 0;
  /** Room messages, paced so they never hold a comment back [PERF-7]. */
  private readonly paced: PacedRoom;

  constructor(private readonly options: PresenceOptions) {
    this.paced = new PacedRoom(options.io, options.clustered ?? false, options.sliceSockets);
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? RealtimeLimits.presenceTimeoutMs;
    this.countEveryMs = options.countEveryMs ?? RealtimeLimits.presenceCountEveryMs;
    this.refreshMs = options.refreshMs ?? RealtimeLimits.presenceRefreshMs;
    this.tickMs = options.tickMs ?? 100;
    this.buckets = new TokenBuckets(PRESENCE_BUCKET, this.now);
    // Leaving a room covers `thread:leave`, a disconnect and a socket closed by the server alike.
    options.io.of('/').adapter.on('leave-room', (room: unknown, socketId: unknown) => {
      if (typeof room !== 'string' || typeof socketId !== 'string' || !room.startsWith('thread:')) return;
      this.leave(socketId, room.slice('thread:'.length));
    });
    if (options.clustered) options.io.on('parley:presence-ask', (key, socketIds) => this.answerAsk(key, socketIds));
    this.timers = [
      setInterval(() => this.flush(), this.tickMs),
      setInterval(() => this.sweep(), options.sweepEveryMs ?? 5_000),
      setInterval(() => this.refresh(), this.refreshMs),
    ];
    for (const timer of this.timers) timer.unref();
  }

  close(): void {
    this.timers.forEach(clearInterval);
    this.flush(true);
  }

  /** `presence:set`: this socket is here (and types there, or nowhere). */
  set(caller: Caller, input: PresenceSetInput): null {
    const { socket, key } = joinedSocket(caller, input.thread);
    const wait = this.buckets.take(socket.id);
    if (wait > 0) throw new ParleyError(ErrorCodes.rateLimited, 'Presence updates are coming too fast.', { retryAfterMs: wait });
    const identity = caller.identity;
    let room = this.rooms.get(key);
    if (!room) this.rooms.set(key, (room = new ThreadPresence(threadIdOf(key), this.countEveryMs)));
    // [PRES-1] Who they are comes from the token; a guest counts per tab and never types.
    const reader = identity ? `u:${identity.id}` : `g:${socket.id}`;
    room.set(socket.id, reader, identity?.name ?? null, input.typing, this.now());
    const joined = this.joinedBy.get(socket.id) ?? new Set<string>();
    this.joinedBy.set(socket.id, joined.add(key));
    return null;
  }

  /** [PRES-7] The socket's read heartbeat: its presence in the thread (if any) is renewed. */
  seen(socketId: string, site: string, thread: string): void {
    this.rooms.get(threadKey(site, thread))?.touch(socketId, this.now());
  }

  /** `presence:sync` [PRES-3]: the count and the typists, O(typists). */
  sync(caller: Caller, input: PresenceSyncInput): PresenceSnapshot {
    const { socket, key } = joinedSocket(caller, input.thread);
    // [PRES-9] On a cluster too: each node's thread:events reach only its own readers (CLUSTER-19).
    if (input.rides === true) void socket.join(RIDERS);
    if (this.options.clustered) {
      const asking = this.asks.get(key);
      if (asking) asking.push(socket.id);
      else this.asks.set(key, [socket.id]);
    }
    const room = this.rooms.get(key);
    return room ? room.snapshot(this.node) : { thread: input.thread, node: this.node, readers: 0, typing: [] };
  }

  /** Sends each room what changed this tick (all of it, count included, when closing). */
  flush(all = false): void {
    const now = all ? Number.MAX_SAFE_INTEGER : this.now();
    for (const [key, socketIds] of this.asks) {
      this.options.io.serverSideEmit('parley:presence-ask', key, socketIds.length > ASK_SOCKETS_MAX ? [] : socketIds);
    }
    this.asks.clear();
    for (const [key, room] of this.rooms) {
      // [PRES-10] On a cluster only a due change rides (PRES-9): where every socket here rides, it waits a little for a thread:events.
      if (!all && this.options.clustered && mayWaitToRide(room.readers, room.lastSentAt, now) && this.nonRiders(roomOfKey(key)) === 0) continue;
      const change = room.takeChange(this.node, now);
      if (change) this.paced.emit(roomOfKey(key), change);
      if (room.empty && !room.pendingCount) this.rooms.delete(key);
    }
  }

  /**
   * [PRES-9] The presence change to ride on the `thread:events` leaving now for `key`, encoded once
   * (DUR-3), or undefined. A room whose sockets here all ride takes its waiting change at once (the
   * frame goes anyway, so the gaps of PERF-4 do not apply); a room with some readers that do not
   * ride takes only a change that is due, which those readers get as a `presence:state` as today.
   * Not while a sliced message is in flight (it would be overtaken). On a cluster only a change that
   * is due rides, and the other nodes get it as before (`parley:presence-relay`): taken at every
   * `thread:events`, it would reach their readers as a message of its own that often.
   */
  ride(key: string): PresenceChange | undefined {
    const room = this.rooms.get(key);
    const name = roomOfKey(key);
    if (!room || room.empty || this.paced.busy(name)) return undefined;
    const others = this.nonRiders(name);
    if (others === null) return undefined;
    const clustered = this.options.clustered ?? false;
    const change = room.takeChange(this.node, this.now(), others === 0 && !clustered);
    if (!change) return undefined;
    if (clustered) this.paced.relay(name, change);
    if (others > 0) this.paced.emitToNonRiders(name, change);
    return withJson(change, JSON.stringify(change));
  }

  /** How many sockets of `room` on this node do not ride (PRES-9); null when none of them rides. */
  private nonRiders(room: string): number | null {
    const rooms = this.options.io.of('/').adapter.rooms;
    const riders = rooms.get(RIDERS);
    const sockets = rooms.get(room);
    if (!riders || !sockets || sockets.size === 0) return null;
    let others = 0;
    for (const id of sockets) if (!riders.has(id)) others++;
    return others === sockets.size ? null : others;
  }

  private leave(socketId: string, key: string): void {
    this.rooms.get(key)?.remove(socketId);
    const joined = this.joinedBy.get(socketId);
    joined?.delete(key);
    if (joined?.size === 0) this.joinedBy.delete(socketId);
  }

  /** [CLUSTER-7] Another node's sockets synced `key`: they (or, for many, the room) get this node's state. */
  private answerAsk(key: unknown, socketIds: unknown): void {
    if (typeof key !== 'string' || !Array.isArray(socketIds)) return;
    const room = this.rooms.get(key);
    if (!room || room.empty) return;
    const { readers, typing } = room.snapshot(this.node);
    const ids = socketIds.filter((id): id is string => typeof id === 'string');
    const state = { thread: threadIdOf(key), node: this.node, readers, typing: { set: typing }, full: true };
    if (ids.length === 0 || ids.length > ASK_SOCKETS_MAX) this.paced.emit(roomOfKey(key), state);
    else this.options.io.to(ids).emit('presence:state', state);
  }

  /** [PRES-5] */
  private sweep(): void {
    try {
      const before = this.now() - this.timeoutMs;
      for (const room of this.rooms.values()) room.expire(before);
    } catch (error) {
      this.options.logger.error('presence sweep failed', { error });
    }
  }

  /**
   * [PRES-6] Every room's full state from this node, so every reader converges whatever was lost.
   * [PERF-4] A room of more than BIG_ROOM readers on the node every other time (20 s): its readers
   * hear this node's changes every few seconds anyway, and forget a node only after 30 s unheard.
   * [PRES-8] A node alone: only the rooms it has said nothing to for a refresh interval.
   */
  private refresh(): void {
    const now = this.now();
    const lap = this.refreshes++;
    const clustered = this.options.clustered ?? false;
    for (const [key, room] of this.rooms) {
      if (room.empty) continue;
      if (clustered ? !refreshDue(room.readers, lap) : !loneRefreshDue(room.lastSentAt, now, this.refreshMs, this.tickMs)) continue;
      this.paced.emit(roomOfKey(key), room.full(this.node, now));
    }
  }
}

/** The caller's socket and the key of its site's thread, once it has joined that thread's room. */
function joinedSocket(caller: Caller, thread: string): { socket: ParleySocket; key: string } {
  const key = caller.socket ? threadKey(caller.socket.data.site, thread) : '';
  if (!caller.socket?.rooms.has(roomOfKey(key))) {
    throw new ParleyError(ErrorCodes.notJoined, 'Join the thread before sharing presence in it.');
  }
  return { socket: caller.socket, key };
}
