import type { ClientToServerEvents, ServerToClientEvents } from '@parley/protocol';
import type { Server, Socket } from 'socket.io';
import type { Identity } from '../domain/identity.js';
import type { PresenceEntry } from '../realtime/presence.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- nothing crosses nodes yet
export interface InterServerEvents {}

/** What the auth middleware learns about a connection, re-established on every (re)connect. */
export interface SocketData {
  identity: Identity | null;
  /** Token expiry, ms since epoch; null for guests. */
  tokenExpiresAt: number | null;
  /** The site the handshake named (or the only one); fixed for the connection's life. */
  site: string;
  /**
   * The awareness states this socket speaks for (realtime/presence.ts). Kept on the socket, not in a
   * server-wide map, so `fetchSockets()` gathers them from every node once a cluster adapter is set.
   */
  presence?: PresenceEntry[];
}

export type ParleyIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Who is calling, and through what. `socket` is null for in-process calls (`dispatch`, seeding). */
export interface Caller {
  identity: Identity | null;
  socket: ParleySocket | null;
  /** For the per-IP limit; null when not from the network. */
  ip: string | null;
  tokenExpiresAt: number | null;
  /** The connection's site; null for in-process calls, which act for their identity's site. */
  site: string | null;
}

export const roomOf = (thread: string): string => `thread:${thread}`;
