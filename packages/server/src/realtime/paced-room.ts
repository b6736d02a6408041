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
 *
 * [PRES-9] A message may go to the room's non-riders only (`ridden`): the riders had it on a
 * `thread:events` broadcast. It queues behind a sliced message like any other, in order.
 */
import type { PresenceChange } from '@parley/protocol';
import type { ParleyIo } from '../transport/types.js';

/** Sockets per slice: about 10 ms of writes on the 2-core machine. */
export const PRESENCE_SLICE = 1000;

/** [PRES-9] The room of this node's sockets that take presence riding on `thread:events`. */
export const RIDERS = 'presence:riders';

interface Queued {
  change: PresenceChange;
  ridden: boolean;
}

export class PacedRoom {
  /** Rooms with a sliced message in flight, and what waits behind it. */
  private readonly queues = new Map<string, Queued[]>();

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

  /** [PRES-9] `change` to this node's readers of `room` that are not riders. */
  emitToNonRiders(room: string, change: PresenceChange): void {
    this.local(room, change, true);
  }

  /** [PRES-9] `change` to the other nodes' readers of `room` only: this node's rode on its `thread:events`. */
  relay(room: string, change: PresenceChange): void {
    if (this.clustered) this.io.serverSideEmit('parley:presence-relay', room, change);
  }

  /** Whether a sliced message of `room` is in flight: a change now would overtake what waits. */
  busy(room: string): boolean {
    return this.queues.has(room);
  }

  private local(room: unknown, change: PresenceChange, ridden = false): void {
    if (typeof room !== 'string') return;
    const queue = this.queues.get(room);
    if (queue) return void queue.push({ change, ridden });
    const sockets = this.io.of('/').adapter.rooms.get(room);
    if (!sockets || sockets.size === 0) return;
    if (sockets.size <= this.slice) {
      const to = this.io.local.to(room);
      return void (ridden ? to.except(RIDERS) : to).emit('presence:state', change);
    }
    const riders = ridden ? this.io.of('/').adapter.rooms.get(RIDERS) : undefined;
    this.queues.set(room, []);
    this.sliced(room, riders ? [...sockets].filter((id) => !riders.has(id)) : [...sockets], change, 0);
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
    const [first, ...rest] = waiting;
    if (!first) return;
    this.local(room, first.change, first.ridden);
    // Whatever waited behind it waits behind this one, in order.
    const queue = this.queues.get(room);
    if (queue) queue.unshift(...rest);
    else for (const later of rest) this.local(room, later.change, later.ridden);
  }
}
