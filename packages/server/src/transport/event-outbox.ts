/**
 * Coalesces a thread's frequent small events into one `thread:events` message per tick (DESIGN.md
 * "Performance, by design"): delivery costs about 30 µs per recipient and message, so readers are
 * counted in messages; with a 100 ms tick, 20 likes a second cost each reader 10 messages, not 20.
 *
 * Order on the wire is seq order: a reaction or vote waits in its thread's outbox; any other event
 * (a comment created, edited, deleted, hidden) takes that outbox with it, in the same message, so
 * it never overtakes them. [PERF-5] A big room waits longer (`waitFor`, from the dispatcher: a
 * room's messages cost every reader in it, so a room of 10,000 gets about one coalesced message a
 * second instead of ten). Nothing is collapsed: every event keeps its seq, and a reader's gap
 * check stays exact. Only broadcasts wait; the acting client's ack never does.
 *
 * "At once" is the end of the current event-loop turn (setImmediate), not the call: commands
 * committed together (one group commit, or one after another in the serial queue) resume through
 * promise chains of different lengths, so a later seq can reach here a few microtasks before an
 * earlier one. By the end of the turn all of them are here, and one sorted message carries them.
 */
import { threadKey } from '../domain/thread-key.js';
import type { ThreadEvent, ThreadEventType } from '@parley/protocol';

/** Events that are frequent and small, and whose lateness by a tick nobody notices. */
const coalesced: ReadonlySet<ThreadEventType> = new Set<ThreadEventType>(['comment.reacted', 'post.voted']);

/** Threads whose last heard remote seq is remembered (CLUSTER-17): the oldest is forgotten past this. */
const HEARD_KEPT = 10_000;

/** `thread` is the thread KEY (`<site>:<id>`): rooms and batches are per site's thread. */
export type SendThreadEvents = (thread: string, events: ThreadEvent[]) => void;

export class ThreadEventOutbox {
  private readonly pending = new Map<string, ThreadEvent[]>();
  /** When each thread's oldest waiting event arrived. */
  private readonly since = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Threads to send at the end of this turn: they hold an event that must not wait for the tick. */
  private readonly urgent = new Set<string>();
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private closed = false;
  /**
   * [CLUSTER-17] Per thread, the highest last seq of the messages heard from other nodes: an event
   * of this node's below it reached the outbox after that message, so it must not wait. Bounded:
   * the thread heard from least recently is forgotten past `HEARD_KEPT`.
   */
  private readonly heard = new Map<string, number>();

  constructor(
    private readonly send: SendThreadEvents,
    /** 0: nothing waits for a tick; every event goes at the end of the turn it arrived in. */
    private readonly tickMs: number,
    /** How long a thread's reactions and votes may wait (at least a tick). @default one tick */
    private readonly waitFor: (thread: string) => number = () => tickMs,
  ) {}

  /** The events one command of `site` produced, in seq order. */
  queue(site: string, events: readonly ThreadEvent[]): void {
    for (const [thread, ofThread] of byThread(site, events)) {
      if (this.closed) {
        this.emit(thread, ofThread);
        continue;
      }
      const queued = this.pending.get(thread);
      if (queued) queued.push(...ofThread);
      else {
        this.pending.set(thread, ofThread);
        this.since.set(thread, Date.now());
      }
      const wait = this.tickMs > 0 && ofThread.every((event) => coalesced.has(event.type)) && !this.overtaken(thread, ofThread);
      if (!wait) this.urgent.add(thread);
    }
    if (this.urgent.size > 0) this.immediate ??= setImmediate(() => this.flushUrgent());
    if (this.pending.size > this.urgent.size) this.timer ??= setTimeout(() => this.flushWaited(), this.tickMs);
  }

  /** The tick: sends each thread whose events have waited long enough for its room. */
  private flushWaited(): void {
    this.timer = undefined;
    const now = Date.now();
    for (const [thread, events] of [...this.pending]) {
      if (this.urgent.has(thread) || now - (this.since.get(thread) ?? 0) < Math.max(this.tickMs, this.waitFor(thread))) continue;
      this.pending.delete(thread);
      this.since.delete(thread);
      this.emit(thread, events);
    }
    if (this.pending.size > this.urgent.size) this.timer = setTimeout(() => this.flushWaited(), this.tickMs);
  }

  /** Sends everything waiting now (also what the timer does). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearImmediate(this.immediate);
    this.immediate = undefined;
    this.urgent.clear();
    const batches = [...this.pending];
    this.pending.clear();
    this.since.clear();
    for (const [thread, events] of batches) this.emit(thread, events);
  }

  /**
   * [CLUSTER-16] Sends one thread's waiting events below seq `before` now, in this call (not at the
   * end of the turn): another node's message of the thread, ending at `before`, is about to reach
   * this node's readers. Later ones keep waiting (they do not make a gap). Nothing to send: nothing sent.
   */
  flushThread(thread: string, before = Infinity): void {
    if (Number.isFinite(before) && before > (this.heard.get(thread) ?? 0)) {
      this.heard.delete(thread);
      if (this.heard.size >= HEARD_KEPT) this.heard.delete(this.heard.keys().next().value as string);
      this.heard.set(thread, before);
    }
    const events = this.pending.get(thread);
    if (!events) return;
    const earlier = events.filter((event) => event.seq < before);
    if (earlier.length === 0) return;
    if (earlier.length < events.length) this.pending.set(thread, events.filter((event) => event.seq >= before));
    else {
      this.pending.delete(thread);
      this.since.delete(thread);
      this.urgent.delete(thread);
    }
    this.emit(thread, earlier);
  }

  /** Sends what waits; later events go out as they come. */
  close(): void {
    this.closed = true;
    this.flush();
  }

  private flushUrgent(): void {
    this.immediate = undefined;
    for (const thread of this.urgent) {
      const events = this.pending.get(thread);
      this.pending.delete(thread);
      this.since.delete(thread);
      if (events) this.emit(thread, events);
    }
    this.urgent.clear();
  }

  /**
   * [CLUSTER-17] Whether another node's later seq was heard before `events` got here: the seqs it
   * jumped over are this node's, committed first but resumed late (a seq is taken in commit order,
   * the broadcast after). Held for the room's wait they would be a gap outliving the widget's grace.
   */
  private overtaken(thread: string, events: readonly ThreadEvent[]): boolean {
    const heard = this.heard.get(thread);
    return heard !== undefined && events.some((event) => event.seq < heard);
  }

  private emit(thread: string, events: ThreadEvent[]): void {
    // Commits are serial, but two commands' continuations may reach here a microtask apart.
    events.sort((a, b) => a.seq - b.seq);
    this.send(thread, events);
  }
}

function byThread(site: string, events: readonly ThreadEvent[]): Map<string, ThreadEvent[]> {
  const groups = new Map<string, ThreadEvent[]>();
  for (const event of events) {
    const key = threadKey(site, event.thread);
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return groups;
}
