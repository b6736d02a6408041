import { ErrorCodes, type Ack } from '@parley/protocol';
import type { Dispatcher } from './dispatcher.js';
import type { RateLimits } from './limits.js';
import type { Caller, ParleyIo, ParleySocket } from './types.js';

type AckFn = (ack: Ack<unknown>) => void;

/**
 * Routes every inbound event through the dispatcher. One `onAny` listener instead of a listener
 * per event, so known and unknown names take the same guarded path and nothing is ever looked up
 * on a plain object. Each event gets its own `Caller`, with its own set of rate limits
 * (`limits` null disables them).
 */
export function attachSocketEvents(io: ParleyIo, dispatcher: Dispatcher, limits: RateLimits | null = null): void {
  io.on('connection', (socket: ParleySocket) => {
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const last = args.at(-1);
      // Socket.IO passes the ack as the last argument; without one the client just isn't told.
      const ack = typeof last === 'function' ? (args.pop() as AckFn) : null;
      const respond = (reply: Ack<unknown>): void => ack?.(reply);
      const identity = socket.data.identity ?? null;
      // Computed once per connection from the handshake (connection-limits.ts, trustProxy).
      const ip = socket.data.clientAddress ?? (socket.handshake.address || null);
      const site = socket.data.site;
      const caller: Caller = {
        identity,
        socket,
        ip,
        tokenExpiresAt: socket.data.tokenExpiresAt ?? null,
        site,
        limits: limits?.forRequest({ identity, site, ip, socket }) ?? null,
      };
      if (args.length > 1) {
        respond({
          ok: false,
          error: { code: ErrorCodes.invalidPayload, message: 'Send one payload object per event.', issues: [] },
        });
        return;
      }
      void dispatcher.run(caller, event, args[0], respond);
    });
  });
}
