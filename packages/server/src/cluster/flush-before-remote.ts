/**
 * [CLUSTER-16] Another node's `thread:events` takes this node's waiting ones of the thread with it
 * (COAL-2 across nodes). Each node holds a thread's reactions and votes for its tick (PERF-5, up to
 * a second in a big room) while a comment leaves at once; with two nodes, node B's comment (seq 6)
 * would reach readers while node A still holds its reaction (seq 5), and every reader on the other
 * nodes would see a gap that outlives the widget's grace (W-S11) and rejoin. So when a node hears,
 * through the adapter, another node's broadcast of `thread:events` to a thread room, it first sends
 * what it holds of that thread below the message's LAST seq (`flush`; later ones make no gap and
 * keep waiting — below the first seq was not enough: a message carrying seqs 3 and 5 while this
 * node held 4 left 4 waiting for the room, a gap past the widget's grace), and delivers the other
 * node's message to its own readers only after its own have reached them: a node's own broadcast
 * is delivered locally once Redis has taken it (ClusterAdapter awaits the XADD, for the recovery
 * offset), so the remote message, and every message heard after it, waits for that (a Redis round
 * trip, only when something was held).
 * Readers on A see 5 before 6; readers on B see 5 a round trip after 6, well inside the grace.
 *
 * [CLUSTER-18] When the other node's message names one thread room, what this node sends because of
 * it rides in that message for its own readers (one frame, sorted) and goes to the other nodes only
 * (ClusterAdapter's publish without its local delivery): a reader of a cluster otherwise received
 * two frames for every such message, and socket writes are most of a node's time.
 *
 * Wraps the adapter factory: the adapter's own `onMessage` and `broadcast` are replaced per
 * instance (as the streams adapter itself replaces `close`); nothing else changes.
 */
import { MessageType, type ClusterMessage } from 'socket.io-adapter';

/** A thread room's name (`thread:<site>:<id>`, transport/types.ts roomOfKey) and its thread key. */
const ROOM_PREFIX = 'thread:';

/**
 * Called with the thread KEY of another node's `thread:events` before it reaches local sockets, and
 * the message's last seq (Infinity when it names none): what waits below it is to be sent now.
 */
export type FlushThread = (threadKey: string, before: number) => void;

/** What is used of a ClusterAdapter (`onMessage` and `uid` are protected; the wrapper stands in for them). */
interface Receiving {
  readonly uid: string;
  readonly nsp: { name: string };
  onMessage(message: ClusterMessage, offset?: string): void;
  broadcast(packet: unknown, opts: unknown): Promise<void> | void;
  /** ClusterAdapter's publish to the other nodes (stamps uid and nsp), with no local delivery. */
  publishAndReturnOffset(message: unknown): Promise<string>;
}

/** What socket.io hands the adapter's `broadcast`. */
interface Broadcast {
  packet: { data?: unknown[] };
  opts: { rooms: Set<string>; except?: Set<string>; flags?: { local?: boolean } };
}

/** The events of a packet that is exactly `['thread:events', events]` (no rider, no recovery offset), or null. */
function eventsOf(data: unknown): unknown[] | null {
  return Array.isArray(data) && data.length === 2 && data[0] === 'thread:events' && Array.isArray(data[1]) ? data[1] : null;
}

/** The events of this node's `thread:events` broadcast to exactly `room` (no other room, no exceptions, not local), or null. */
function threadEventsTo(room: string, { packet, opts }: Broadcast): unknown[] | null {
  if (opts.flags?.local || opts.rooms.size !== 1 || !opts.rooms.has(room) || (opts.except?.size ?? 0) > 0) return null;
  return eventsOf(packet.data);
}

/** An event's seq, if it has one. */
const seqIn = (event: unknown): number | undefined => {
  const seq = (event as { seq?: unknown } | null)?.seq;
  return typeof seq === 'number' ? seq : undefined;
};

/**
 * The thread keys of another node's room broadcast of `thread:events` (none for anything else), its
 * last seq, and its events when the packet is exactly `['thread:events', events]` (CLUSTER-18 rides on those).
 */
export function remoteThreadEvents(message: ClusterMessage, self: Receiving): { keys: string[]; before: number; events: unknown[] | null } {
  const none = { keys: [], before: Infinity, events: null };
  if (message.uid === self.uid || message.nsp !== self.nsp.name || message.type !== MessageType.BROADCAST) return none;
  const { data } = message;
  if (data.requestId !== undefined || data.opts.flags?.local) return none;
  const packet = data.packet as { data?: unknown[] } | undefined;
  if (!Array.isArray(packet?.data) || packet.data[0] !== 'thread:events') return none;
  const events = packet.data[1];
  const seqs = Array.isArray(events) ? events.map(seqIn).filter((seq) => seq !== undefined) : [];
  return {
    keys: data.opts.rooms.filter((room) => room.startsWith(ROOM_PREFIX)).map((room) => room.slice(ROOM_PREFIX.length)),
    before: seqs.length > 0 ? Math.max(...seqs) : Infinity,
    events: eventsOf(packet.data),
  };
}

export function flushingBeforeRemote<F extends (nsp: never) => unknown>(
  factory: F,
  flush: () => FlushThread | undefined,
  onError: (error: unknown) => void,
): F {
  // A function, not an arrow: Socket.IO calls the adapter with `new` (an object returned stands).
  return function adapterOf(nsp: never) {
    const adapter = factory(nsp);
    const self = adapter as unknown as Receiving;
    const receive = self.onMessage.bind(self);
    const broadcast = self.broadcast.bind(self);
    /** While a remote message makes this node send what it held: its own broadcasts, to wait for. */
    let sent: (Promise<void> | void)[] | null = null;
    /** [CLUSTER-18] While a remote message of one thread room makes this node send what it held: that room and those events. */
    let merging: { room: string; events: unknown[] } | null = null;
    /** Messages heard while an earlier one waits for this node's own: they keep their order. */
    let queue: Promise<void> | null = null;

    self.broadcast = (packet, opts) => {
      const events = merging ? threadEventsTo(merging.room, { packet, opts } as Broadcast) : null;
      if (merging && events) {
        // [CLUSTER-18] To the other nodes only; here they ride in the remote message's own frame.
        merging.events.push(...events);
        const { rooms, except, flags } = (opts as Broadcast['opts']);
        return self
          .publishAndReturnOffset({ type: MessageType.BROADCAST, data: { packet, opts: { rooms: [...rooms], except: [...(except ?? [])], flags } } })
          .then(() => undefined, onError);
      }
      const done = broadcast(packet, opts);
      sent?.push(done);
      return done;
    };
    const deliver = (message: ClusterMessage, offset?: string): void => {
      try {
        receive(message, offset);
      } catch (error) {
        onError(error);
      }
    };
    /** Delivers `message`, or (when it made this node send what it held) a promise of its delivery. */
    const handle = (message: ClusterMessage, offset?: string): Promise<void> | undefined => {
      const own: (Promise<void> | void)[] = [];
      try {
        // A message of a shape this does not know is the adapter's to judge: it goes on as it came.
        const { keys, before, events } = remoteThreadEvents(message, self);
        const flushThread = keys.length > 0 ? flush() : undefined;
        sent = own;
        if (flushThread && keys.length === 1 && events) {
          merging = { room: ROOM_PREFIX + keys[0]!, events: [] };
          flushThread(keys[0]!, before);
          // `events` is the packet's own array, this node's decoded copy of the message: those that ride join it, in seq order.
          if (merging.events.length > 0) {
            events.push(...merging.events);
            events.sort((a, b) => (seqIn(a) ?? 0) - (seqIn(b) ?? 0));
          }
        } else if (flushThread) for (const key of keys) flushThread(key, before);
      } catch (error) {
        onError(error);
      } finally {
        sent = null;
        merging = null;
      }
      if (own.length === 0) return void deliver(message, offset);
      return Promise.allSettled(own).then(() => deliver(message, offset));
    };
    self.onMessage = (message, offset) => {
      const last = queue ? queue.then(() => handle(message, offset)) : handle(message, offset);
      if (!last) return;
      queue = last;
      void last.then(() => {
        if (queue === last) queue = null;
      });
    };
    return adapter;
  } as F;
}
