/**
 * Socket.IO clients as the widget opens them: websocket only, one connection each. `forceNew` is
 * essential — by default socket.io-client shares one connection per URL, and 3,000 "readers" would
 * quietly become one.
 */
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '@parley/protocol';
import { benchSite } from './targets.js';

export type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const requestTimeoutMs = 30_000;

export function connectClient(url: string, token: string | null, timeoutMs = 20_000): Promise<ParleySocket> {
  const socket: ParleySocket = io(url, {
    auth: token ? { site: benchSite.id, token } : { site: benchSite.id },
    transports: ['websocket'],
    // A browser sends its page's Origin; the bench's site allows exactly this one.
    extraHeaders: { origin: benchSite.origin },
    forceNew: true,
    // A reader that silently reconnected would hide exactly the losses we count.
    reconnection: false,
    timeout: timeoutMs,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(new Error(`connect to ${url} failed: ${error.message}`));
    });
  });
}

type AckData<E extends keyof ClientToServerEvents> =
  Parameters<ClientToServerEvents[E]>[1] extends (ack: Ack<infer T>) => void ? T : never;

/** Emits and waits for the ack; a timeout or a transport error becomes an `{ ok: false }` ack. */
export async function request<E extends keyof ClientToServerEvents>(
  socket: ParleySocket,
  event: E,
  input: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = requestTimeoutMs,
): Promise<Ack<AckData<E>>> {
  try {
    // The typed overloads of emitWithAck do not survive a generic event name; the map above keeps it honest.
    const untyped = socket.timeout(timeoutMs) as unknown as {
      emitWithAck(event: string, input: unknown): Promise<Ack<AckData<E>>>;
    };
    return await untyped.emitWithAck(event, input);
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: `no ack: ${String(error)}` } };
  }
}

/** The data of an ok ack, or an exception saying what the server answered instead. */
export function expectOk<T>(ack: Ack<T>, what: string): T {
  if (!ack.ok) throw new Error(`${what}: ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
