import { ErrorCodes, type Ack } from '@parley/protocol';
import type { Dispatcher } from './dispatcher.js';
import { selfLimitedEvents, type RateLimits } from './limits.js';
import type { Caller, ParleyIo, ParleySocket } from './types.js';

type AckFn = (ack: Ack<unknown>) => void;

/**
 * Routes every inbound event through the dispatcher. One `onAny` listener instead of a listener
 * per event, so known and unknown names take the same guarded path and nothing is ever looked up
 * on a plain object. The listener is one function for every socket (Socket.IO calls it with the
 * socket as `this`), so a connection costs no closure (BEAT-5). Each event gets its own `Caller`,
 * with its own set of rate limits when the event is charged to any (`limits` null disables
 * them); events with a bound of their own (heartbeats, presence and notes updates) need none.
 */
export function attachSocketEvents(io: ParleyIo, dispatcher: Dispatcher, limits: RateLimits | null = null): void {
  function route(this: ParleySocket, event: unknown, ...args: unknown[]): void {
    const last = args.at(-1);
    // Socket.IO passes the ack as the last argument; without one the client just isn't told.
    const ack = typeof last === 'function' ? (args.pop() as AckFn) : null;
    const respond = ack ?? ignore;
    if (args.length > 1) {
      respond({
        ok: false,
        error: { code: ErrorCodes.invalidPayload, message: 'Send one payload object per event.', issues: [] },
      });
      return;
    }
    const socket = this as ParleySocket;
    const { data } = socket;
    const identity = data.identity ?? null;
    // Computed once per connection from the handshake (connection-limits.ts, trustProxy).
    const ip = data.clientAddress ?? (socket.handshake.address || null);
    const site = data.site;
    const charged = limits !== null && !(typeof event === 'string' && selfLimitedEvents.has(event));
    const caller: Caller = {
      identity,
      socket,
      ip,
      tokenExpiresAt: data.tokenExpiresAt ?? null,
      site,
      limits: charged ? limits.forRequest({ identity, site, ip, socket }) : null,
      quiet: ack === null,
    };
    void dispatcher.run(caller, event, args[0], respond);
  }
  io.on('connection', (socket: ParleySocket) => {
    socket.onAny(route);
  });
}

function ignore(): void {}
