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
 *
 * [CLUSTER-19] With several nodes each node's outbox also takes the other nodes' events of the
 * thread (cluster/thread-stream.ts) and sends to its own readers only: one paced stream per node.
 */
import { threadKey } from '../domain/thread-key.js';
import type { ThreadEvent, ThreadEventType } from '@parley/protocol';

/** Events that are frequent and small, and whose lateness by a tick nobody notices. */
const coalesced: ReadonlySet<ThreadEventType> = new Set<ThreadEventType>(['comment.reacted', 'post.voted']);

/** Threads whose last sent seq is remembered (CLUSTER-17): the oldest is forgotten past this. */
const SENT_KEPT = 10_000;

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
   * [CLUSTER-17] Per thread, the highest seq this outbox has sent: an event below it reached the
   * outbox after a later one had left (another node's, handed over a Redis hop late; or a command
   * of this node resumed late), so its readers already see the gap it fills and it must not wait.
   * Bounded: the thread sent least recently is forgotten past `SENT_KEPT`.
   */
  private readonly sent = new Map<string, number>();

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
   * [CLUSTER-17] Whether a later seq of the thread left before `events` got here. Held for the
   * room's wait they would be a gap outliving the widget's grace (W-S11) at every reader.
   */
  private overtaken(thread: string, events: readonly ThreadEvent[]): boolean {
    const sent = this.sent.get(thread);
    return sent !== undefined && events.some((event) => event.seq < sent);
  }

  private emit(thread: string, events: ThreadEvent[]): void {
    // Commits are serial, but two commands' continuations may reach here a microtask apart.
    if (events.length === 0) return;
    events.sort((a, b) => a.seq - b.seq);
    const last = events[events.length - 1]!.seq;
    const sent = this.sent.get(thread);
    if (sent === undefined || last > sent) {
      this.sent.delete(thread);
      if (this.sent.size >= SENT_KEPT) this.sent.delete(this.sent.keys().next().value as string);
      this.sent.set(thread, last);
    }
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
