import { ErrorCodes, type Ack } from '@parley/protocol';
import type { Dispatcher } from './dispatcher.js';
import type { ParleyIo, ParleySocket } from './types.js';

type AckFn = (ack: Ack<unknown>) => void;

/**
 * Routes every inbound event through the dispatcher. One `onAny` listener instead of a listener
 * per event, so known and unknown names take the same guarded path and nothing is ever looked up
 * on a plain object.
 */
export function attachSocketEvents(io: ParleyIo, dispatcher: Dispatcher): void {
  io.on('connection', (socket: ParleySocket) => {
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const last = args.at(-1);
      // Socket.IO passes the ack as the last argument; without one the client just isn't told.
      const ack = typeof last === 'function' ? (args.pop() as AckFn) : null;
      const respond = (reply: Ack<unknown>): void => ack?.(reply);
      const caller = {
        identity: socket.data.identity ?? null,
        socket,
        ip: socket.handshake.address || null,
        tokenExpiresAt: socket.data.tokenExpiresAt ?? null,
        site: socket.data.site,
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
