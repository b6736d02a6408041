/**
 * Connections per client address: how many may be open at once, and how many handshakes may be
 * made in a window. Counted when the Engine.IO session opens (after the Origin checks, before any
 * token is verified), so every transport and every raw Engine.IO client is counted; refused in the
 * first Socket.IO middleware, so the client gets `connect_error` with
 * `err.data = { code: 'rate_limited', message, retryAfterMs }` as for every other refusal, and the
 * session is closed right after. A session that never asks to connect (a raw client) is closed
 * after REFUSED_GRACE_MS, and beyond REFUSED_SLACK of those an address's sessions are closed at once.
 *
 * Open connections are counted by `OpenConnections`: this node's in memory, the cluster's once nodes
 * share a Redis (cluster/open-connections.ts, SPEC CLUSTER-13); handshakes are counted in the
 * limiter store, shared once it is Redis. Each node still closes at once what is beyond the limit
 * plus REFUSED_SLACK of its own sessions, so a slow Redis never lets a flood pile up on a node.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ExtendedError } from 'socket.io';
import { ParleyError } from '../errors.js';
import { addressKey, type ClientAddresses } from './client-address.js';
import type { RateLimits } from './limits.js';
import { Charges, rateLimited } from './rate-limit.js';
import type { ParleyIo, ParleySocket } from './types.js';
import { memoryOpenConnections, type OpenConnections } from '../cluster/open-connections.js';

/** How long a refused session may stay open waiting to hear why. */
const REFUSED_GRACE_MS = 2000;
/** Sessions beyond the limit an address may hold while being told; past it they are closed at once. */
const REFUSED_SLACK = 32;
/** A connection refused for too many open ones is told to wait this long (one may have closed by then). */
const OPEN_RETRY_MS = 10_000;

/** The parts of an Engine.IO socket used here. */
interface EngineConnection {
  remoteAddress: string;
  request: { headers: IncomingHttpHeaders };
  once(event: 'close', listener: () => void): void;
  /** `discard`: drop what is unsent and end at once (a polling session would otherwise wait for its next poll). */
  close(discard?: boolean): void;
}

export interface ConnectionLimitsDeps {
  io: ParleyIo;
  addresses: ClientAddresses;
  /** null with `rateLimit: false`: addresses are still recorded, nothing is limited. */
  limits: RateLimits | null;
  /** Where open connections are counted: this node's memory unless given (Redis, in a cluster). */
  openConnections?: OpenConnections;
}

function refusal(error: ParleyError): ExtendedError {
  const refused: ExtendedError = new Error(error.message);
  // The client sees `err.data` in its connect_error handler, as for socket-auth.ts's refusals.
  refused.data = error.toWire();
  return refused;
}

/**
 * Returns the first Socket.IO middleware: it records the connection's client address
 * (`socket.data.clientAddress`) and refuses a connection over its address's limits.
 */
export function connectionLimits({ io, addresses, limits, openConnections = memoryOpenConnections() }: ConnectionLimitsDeps) {
  const decisions = new WeakMap<object, Promise<ParleyError | null>>();
  if (limits) {
    const here = new Map<string, number>();
    io.engine.on('connection', (conn: EngineConnection) => {
      const key = addressKey(addresses.of(conn));
      const local = (here.get(key) ?? 0) + 1;
      here.set(key, local);
      // Counted everywhere once the count resolves; uncounted when it closes (after that, never before).
      const counted = openConnections.open(key);
      conn.once('close', () => {
        const left = (here.get(key) ?? 1) - 1;
        if (left > 0) here.set(key, left);
        else here.delete(key);
        counted.then(() => openConnections.close(key), () => undefined);
      });
      if (local > limits.connectionsPerIp + REFUSED_SLACK) return conn.close(true);
      // Too many open: refused without spending a handshake of the address's budget.
      const decision = counted.then((count) =>
        count > limits.connectionsPerIp
          ? rateLimited(`Too many connections from your network at once (${limits.connectionsPerIp}); close a tab or try again in {s} s.`, OPEN_RETRY_MS)
          : new Charges().take(limits.connectAttemptsPerIp, key).then(
              () => null,
              (error: unknown) => {
                if (error instanceof ParleyError) return error;
                throw error;
              },
            ),
      );
      decisions.set(conn, decision);
      decision.then(
        (refused) => {
          if (!refused) return;
          const timer = setTimeout(() => conn.close(true), REFUSED_GRACE_MS);
          timer.unref();
          conn.once('close', () => clearTimeout(timer));
        },
        () => conn.close(true),
      );
    });
  }
  return async (socket: ParleySocket, next: (error?: ExtendedError) => void): Promise<void> => {
    socket.data.clientAddress = addresses.of(socket.conn);
    let refused: ParleyError | null | undefined;
    try {
      refused = await decisions.get(socket.conn);
    } catch {
      refused = rateLimited('The server could not check its connection limits; try again in {s} s.', 1000);
    }
    if (!refused) {
      // An admitted session's decision is not kept for its life (BEAT-5): a later CONNECT on the
      // same session would be admitted all the same, and a refused session is closed right below.
      decisions.delete(socket.conn);
      return next();
    }
    next(refusal(refused));
    // The refusal is queued by then (Socket.IO sends it on the next tick); closing flushes it first.
    setImmediate(() => socket.conn.close());
  };
}
