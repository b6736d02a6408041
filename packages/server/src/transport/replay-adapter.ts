/**
 * [BEAT-6] The one-node adapter for connection-state recovery. Socket.IO's own (SessionAwareAdapter)
 * keeps every broadcast for `maxDisconnectionDuration` (2 min) so a reader who reconnects within it
 * gets what they missed. That is right for thread events and presence, which are one broadcast per
 * room, but a reader's own pushes are one broadcast per reader: each `wallet:update` kept for two
 * minutes is a few hundred bytes per reading reader, for nothing — a wallet update carries
 * absolute figures and the widget reads the wallet again on every (re)connect, recovered or not.
 * So those are sent and not kept. Several nodes use the cluster adapter, which keeps its stream in
 * Redis, not in the node's memory.
 */
import { Adapter, SessionAwareAdapter, type BroadcastOptions } from 'socket.io-adapter';
import type { ServerToClientEvents } from '@parley/protocol';

/** Events a reconnect reads again, so never replayed. */
const NOT_REPLAYED: ReadonlySet<keyof ServerToClientEvents> = new Set<keyof ServerToClientEvents>(['wallet:update']);

const EVENT = 2;

export class ReplayAdapter extends SessionAwareAdapter {
  override broadcast(packet: { type: number; data?: unknown[] }, opts: BroadcastOptions): void {
    if (packet.type === EVENT && NOT_REPLAYED.has(packet.data?.[0] as keyof ServerToClientEvents)) {
      Adapter.prototype.broadcast.call(this, packet, opts);
      return;
    }
    super.broadcast(packet, opts);
  }
}
