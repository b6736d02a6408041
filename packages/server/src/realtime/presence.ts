/**
 * Presence: y-protocols awareness relayed through the thread's Socket.IO room, filtered so that
 * every client speaks only for itself (rules in presence-rules.ts, and here):
 *
 * [PRES-3] A clientID belongs to the first socket that speaks for it; another socket naming it is refused.
 * [PRES-4] A socket's states are removed (and the removal relayed) when it leaves the room or disconnects.
 * [PRES-5] A state not renewed for `presenceTimeoutMs` is removed the same way.
 * [PRES-6] `presence:sync` answers with every live state in the room, gathered with `fetchSockets()`,
 *          so with a cluster adapter it includes readers connected to other nodes.
 *
 * No map of "who is here" lives in this process: each socket carries its own states in
 * `socket.data.presence`, and relays go through the room, which a cluster adapter spans.
 */
import { ErrorCodes, RealtimeLimits, type PresenceSyncInput, type PresenceUpdateInput, type PresenceState } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import { TokenBuckets } from '../transport/rate-limit.js';
import { threadKey } from '../domain/thread-key.js';
import { roomOfKey, type Caller, type ParleyIo, type ParleySocket } from '../transport/types.js';
import { MalformedAwarenessUpdate, readAwarenessUpdate, writeAwarenessUpdate, type AwarenessEntry } from './awareness-codec.js';
import { InvalidPresenceState, presenceState, sanitizeClaim } from './presence-rules.js';
import { PresenceTicker } from './presence-ticker.js';

/** One awareness state a socket speaks for, in one thread. Plain data: it crosses nodes. */
export interface PresenceEntry {
  /** The thread KEY (`<site>:<id>`): a socket's states never mix sites. */
  thread: string;
  clientId: number;
  clock: number;
  state: PresenceState;
  /** When the owning node last heard from it, ms since epoch. */
  renewedAt: number;
}

export interface PresenceOptions {
  io: ParleyIo;
  logger: Logger;
  now?: () => number;
  /** @default RealtimeLimits.presenceTimeoutMs */
  timeoutMs?: number;
  /** How often expired states are looked for. @default 5 s — "left" shows within seconds. */
  sweepEveryMs?: number;
  /** Relays are coalesced per thread for this long (presence-ticker.ts). @default 100 ms */
  tickMs?: number;
}

/**
 * Awareness updates per socket. A widget sends one when typing starts or stops and one renewal every
 * 15 s; a burst of 20 at 5 a second covers fast composer switching and stops a relay flood.
 */
const PRESENCE_BUCKET = { burst: 20, perSecond: 5 };

export class Presence {
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly buckets: TokenBuckets;
  private readonly sweeper: ReturnType<typeof setInterval>;
  /** Exposed so tests can send a tick's batch at a moment they choose. */
  readonly ticker: PresenceTicker;

  constructor(private readonly options: PresenceOptions) {
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? RealtimeLimits.presenceTimeoutMs;
    this.buckets = new TokenBuckets(PRESENCE_BUCKET, this.now);
    this.ticker = new PresenceTicker(options.io, options.tickMs);
    // Leaving a room covers `thread:leave`, a disconnect and a socket closed by the server alike.
    options.io.of('/').adapter.on('leave-room', (room: unknown, socketId: unknown) => {
      if (typeof room !== 'string' || typeof socketId !== 'string' || !room.startsWith('thread:')) return;
      const socket = options.io.of('/').sockets.get(socketId);
      if (socket) this.drop(socket, (entry) => roomOfKey(entry.thread) === room);
    });
    this.sweeper = setInterval(() => this.sweep(), options.sweepEveryMs ?? 5_000);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
    this.ticker.close();
  }

  update(caller: Caller, input: PresenceUpdateInput): null {
    const { socket, key } = joinedSocket(caller, input.thread);
    const wait = this.buckets.take(socket.id);
    if (wait > 0) {
      throw new ParleyError(ErrorCodes.rateLimited, 'Presence updates are coming too fast.', { retryAfterMs: wait });
    }
    const entries = parse(input.update);
    const own = (socket.data.presence ??= []);
    const ownIndex = (clientId: number): number => own.findIndex((e) => e.thread === key && e.clientId === clientId);
    // Check everything before changing anything: a refused update leaves no half-applied state.
    const claims = entries.map((entry) => (entry.state === null ? null : claimOf(entry.state)));
    const newIds = new Set(entries.filter((entry, i) => claims[i] && ownIndex(entry.clientId) < 0).map((e) => e.clientId));
    this.checkClaims(socket, key, newIds);
    const relayed: AwarenessEntry[] = [];
    entries.forEach((entry, i) => {
      const index = ownIndex(entry.clientId);
      const claim = claims[i];
      if (!claim) {
        // Only a state this socket owns can be removed by it.
        if (index < 0) return;
        own.splice(index, 1);
        relayed.push({ clientId: entry.clientId, clock: entry.clock, state: null });
        return;
      }
      if (index >= 0 && entry.clock < own[index]!.clock) return; // an older packet overtaken by a newer one
      const state = presenceState(caller.identity, entry.clientId, claim);
      const stored: PresenceEntry = { thread: key, clientId: entry.clientId, clock: entry.clock, state, renewedAt: this.now() };
      if (index < 0) own.push(stored);
      else own[index] = stored;
      relayed.push({ clientId: entry.clientId, clock: entry.clock, state });
    });
    this.ticker.queue(key, relayed);
    return null;
  }

  async sync(caller: Caller, input: PresenceSyncInput): Promise<{ update: Uint8Array }> {
    const { socket, key } = joinedSocket(caller, input.thread);
    const liveSince = this.now() - this.timeoutMs;
    const sockets = await this.options.io.in(roomOfKey(key)).fetchSockets();
    const entries: AwarenessEntry[] = [];
    for (const other of sockets) {
      if (other.id === socket.id) continue;
      for (const entry of other.data.presence ?? []) {
        if (entry.thread !== key || entry.renewedAt < liveSince) continue;
        entries.push({ clientId: entry.clientId, clock: entry.clock, state: entry.state });
      }
    }
    return { update: writeAwarenessUpdate(entries) };
  }

  /** [PRES-3] Refuses new clientIDs beyond the per-socket limit or already spoken for by another socket. */
  private checkClaims(socket: ParleySocket, thread: string, newIds: ReadonlySet<number>): void {
    if (newIds.size === 0) return;
    const owned = (socket.data.presence ?? []).filter((e) => e.thread === thread).length;
    if (owned + newIds.size > RealtimeLimits.maxClientIdsPerSocket) {
      throw invalid(`A connection may speak for at most ${RealtimeLimits.maxClientIdsPerSocket} presence states.`);
    }
    for (const id of this.options.io.of('/').adapter.rooms.get(roomOfKey(thread)) ?? []) {
      if (id === socket.id) continue;
      const other = this.options.io.of('/').sockets.get(id);
      if (other?.data.presence?.some((e) => e.thread === thread && newIds.has(e.clientId))) {
        throw invalid('That presence state belongs to another connection.');
      }
    }
  }

  /** [PRES-4][PRES-5] Removes the matching states of a socket and tells the room they are gone. */
  private drop(socket: ParleySocket, match: (entry: PresenceEntry) => boolean): void {
    const own = socket.data.presence;
    if (!own?.some(match)) return;
    const gone = own.filter(match);
    socket.data.presence = own.filter((entry) => !match(entry));
    for (const thread of new Set(gone.map((entry) => entry.thread))) {
      // Same clock with a null state: peers remove it, and the client's next state (clock + 1) is new.
      const removals = gone.filter((e) => e.thread === thread).map((e) => ({ clientId: e.clientId, clock: e.clock, state: null }));
      this.ticker.queue(thread, removals);
    }
  }

  private sweep(): void {
    const expiredBefore = this.now() - this.timeoutMs;
    try {
      for (const socket of this.options.io.of('/').sockets.values()) {
        this.drop(socket, (entry) => entry.renewedAt < expiredBefore);
      }
    } catch (error) {
      this.options.logger.error('presence sweep failed', { error });
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

function parse(update: Uint8Array): AwarenessEntry[] {
  try {
    return readAwarenessUpdate(update, RealtimeLimits.maxClientIdsPerSocket);
  } catch (error) {
    if (error instanceof MalformedAwarenessUpdate) throw invalid(`The presence update could not be read: ${error.message}.`);
    throw error;
  }
}

function claimOf(state: unknown) {
  try {
    return sanitizeClaim(state);
  } catch (error) {
    if (error instanceof InvalidPresenceState) throw invalid(`The presence update is not valid: ${error.message}.`);
    throw error;
  }
}

const invalid = (message: string): ParleyError => new ParleyError(ErrorCodes.invalidUpdate, message);
