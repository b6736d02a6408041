import type { ModerationEvent } from '../moderation/events.js';
import type { ClientToServerEvents, PresenceChange, ServerToClientEvents } from '@parley/protocol';
import type { Server, Socket } from 'socket.io';
import type { Identity } from '../domain/identity.js';
import { threadKey } from '../domain/thread-key.js';

/** What nodes tell each other through the cluster adapter (`io.serverSideEmit`). */
export interface InterServerEvents {
  /** A reader's XP changed on some node: every node re-derives the level of its own sockets of theirs. */
  'parley:refresh-viewer': (site: string, userId: string) => void;
  /** A moderation event committed on some node: every node's console streams and the reader's sockets there. */
  'parley:moderation': (event: ModerationEvent) => void;
  /**
   * Sockets of the asking node just synced a thread's presence (keyed `<site>:<id>`): every other node
   * sends them its own state of that thread, as a full `presence:state` (CLUSTER-7). Nobody waits for
   * the answers, so a dead node delays nothing.
   */
  'parley:presence-ask': (key: string, socketIds: string[]) => void;
  /**
   * [CLUSTER-19] Thread events committed on the sending node (of one site, in commit order), at once:
   * each node paces them with its own for its own readers (cluster/thread-stream.ts). Checked on arrival.
   */
  'parley:thread-events': (site: unknown, events: unknown) => void;
  /** A presence message for a thread's room (`thread:<key>`): each node sends it to its own sockets there, paced (PERF-7). */
  'parley:presence-relay': (room: string, change: PresenceChange) => void;
}

/** What the auth middleware learns about a connection, re-established on every (re)connect. */
export interface SocketData {
  identity: Identity | null;
  /** Token expiry, ms since epoch; null for guests. */
  tokenExpiresAt: number | null;
  /** The site the handshake named (or the only one); fixed for the connection's life. */
  site: string;
  /**
   * The client's address (transport/client-address.ts: the TCP peer, or what a trusted proxy says),
   * set by the first middleware on every (re)connect; what per-address limits count.
   */
  clientAddress?: string;
  /**
   * When this connection first joined each thread (server clock, ms): the bound of a post's
   * `composeMs` (moderation/spam.ts) — a reader cannot have been writing longer than that. Pairs
   * `[thread, ms, thread, ms, …]` in one small array rather than a Map per socket (BEAT-5);
   * read and written only through `joinedAtOf` / `noteJoined`.
   */
  joinedAt?: (string | number)[];
}

/** Threads whose first join time a connection keeps, at most. */
const JOIN_TIMES_KEPT = 100;

/** When `socket` first joined `thread` (ms), or undefined. */
export function joinedAtOf(data: SocketData, thread: string): number | undefined {
  const pairs = data.joinedAt;
  if (!pairs) return undefined;
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === thread) return pairs[i + 1] as number;
  return undefined;
}

/** Records the first join of `thread` at `at` (a later join keeps the first time). */
export function noteJoined(data: SocketData, thread: string, at: number): void {
  if (joinedAtOf(data, thread) !== undefined) return;
  if (!data.joinedAt) data.joinedAt = [thread, at];
  else if (data.joinedAt.length < 2 * JOIN_TIMES_KEPT) data.joinedAt.push(thread, at);
}

export type ParleyIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Who is calling, and through what. `socket` is null for in-process calls (`dispatch`, seeding). */
export interface Caller {
  identity: Identity | null;
  socket: ParleySocket | null;
  /**
   * The client's address, computed once per connection from the handshake (`trustProxy` decides
   * whether X-Forwarded-For is believed); null when not from the network.
   */
  ip: string | null;
  tokenExpiresAt: number | null;
  /** The connection's site; null for in-process calls, which act for their identity's site. */
  site: string | null;
  /**
   * This request's rate limits (transport/limits.ts); null (or absent, in tests that build a
   * Caller by hand) for in-process calls and with `rateLimit: false`. One object per request, so a
   * refusal gives back what the request was already charged.
   */
  limits?: CallerLimits | null;
  /** The client sent the event without an ack id: nobody is told its result (BEAT-17, BEAT-18). */
  quiet?: boolean;
}

/** The limits of one request from the network. Every refusal is the ParleyError `rate_limited` with `retryAfterMs`. */
export interface CallerLimits {
  /** The dispatcher's: charges the event to its budget (mutations, reads, rooms per socket). */
  admitEvent(event: string, input: unknown): Promise<void>;
  /**
   * Charges the automatic creation of one thread of `site`: the client address's budget, then the
   * site's. Call it just before creating a thread a reader's join asked for (not for host-signed
   * claims, the admin API or the CLI). Throws `rate_limited` with `retryAfterMs`; a refusal gives
   * back everything this request was charged, the join's read included.
   */
  admitThreadCreation(site: string): Promise<void>;
  /** The dispatcher's, once the handler has finished: settles what a join or leave changed in the threads the socket follows. */
  done(succeeded: boolean): void;
}

/** The Socket.IO room of one site's thread: the same thread id on two sites is two rooms (SPEC SITE-1). */
export const roomOf = (site: string, thread: string): string => roomOfKey(threadKey(site, thread));
export const roomOfKey = (key: string): string => `thread:${key}`;
