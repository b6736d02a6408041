/**
 * Presence broadcasts that never hold a comment back (SPEC PERF-7). Sending one message to a room of
 * 10,000 sockets takes the event loop about 100 ms of socket writes; a comment committed meanwhile
 * waits for all of it. Presence can be late by milliseconds without anyone noticing, so a presence
 * message to a room bigger than `slice` sockets on this node leaves in slices of `slice` sockets,
 * one slice per event-loop turn (`setImmediate`): a comment's broadcast, a join's answer or an ack
 * gets in between, behind one slice at most (~10 ms) instead of the whole room.
 *
 * Per room, messages leave in the order they were given (one sliced message at a time), so a reader
 * never sees an older presence change after a newer one. Each slice is one `emit` to the slice's
 * socket ids (encoded once per slice, one frame per socket). With several nodes each node paces its
 * own sockets: the message goes to the other nodes once (`parley:presence-relay`) and each sends it
 * to its room the same way.
 */
import type { PresenceChange } from '@parley/protocol';
import type { ParleyIo } from '../transport/types.js';

/** Sockets per slice: about 10 ms of writes on the 2-core machine. */
export const PRESENCE_SLICE = 1000;

export class PacedRoom {
  /** Rooms with a sliced message in flight, and what waits behind it. */
  private readonly queues = new Map<string, PresenceChange[]>();

  constructor(
    private readonly io: ParleyIo,
    private readonly clustered: boolean,
    private readonly slice: number = PRESENCE_SLICE,
  ) {
    if (clustered) io.on('parley:presence-relay', (room, change) => this.local(room, change));
  }

  /** `change` to every reader of `room`, on every node. */
  emit(room: string, change: PresenceChange): void {
    if (this.clustered) this.io.serverSideEmit('parley:presence-relay', room, change);
    this.local(room, change);
  }

  private local(room: unknown, change: PresenceChange): void {
    if (typeof room !== 'string') return;
    const queue = this.queues.get(room);
    if (queue) return void queue.push(change);
    const sockets = this.io.of('/').adapter.rooms.get(room);
    if (!sockets || sockets.size === 0) return;
    if (sockets.size <= this.slice) return void this.io.local.to(room).emit('presence:state', change);
    this.queues.set(room, []);
    this.sliced(room, [...sockets], change, 0);
  }

  private sliced(room: string, ids: string[], change: PresenceChange, from: number): void {
    // A socket that left since is skipped by the adapter; one that joined since synced on its join.
    this.io.local.to(ids.slice(from, from + this.slice)).emit('presence:state', change);
    if (from + this.slice < ids.length) return void setImmediate(() => this.sliced(room, ids, change, from + this.slice));
    setImmediate(() => this.next(room));
  }

  private next(room: string): void {
    const waiting = this.queues.get(room) ?? [];
    this.queues.delete(room);
    const [change, ...rest] = waiting;
    if (!change) return;
    this.local(room, change);
    // Whatever waited behind it waits behind this one, in order.
    const queue = this.queues.get(room);
    if (queue) queue.unshift(...rest);
    else for (const later of rest) this.local(room, later);
  }
}
