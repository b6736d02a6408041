/**
 * [CLUSTER-19] Several nodes, one stream of a thread for each node's readers. Every node hands the
 * events its commands committed to the other nodes at once (`parley:thread-events`, one message a
 * site and event-loop turn, through the cluster adapter), and every node's outbox (event-outbox.ts)
 * takes the cluster's events — its own and the others' — and paces them for its OWN readers only
 * (`io.local`), exactly as one node paces its own: a comment leaves at once with whatever of the
 * thread waits, reactions and votes wait for the room (PERF-5). So a reader of a cluster gets the
 * messages a reader of one node gets, in seq order, whichever node wrote each event.
 *
 * Before this each node coalesced only its own events and broadcast them to the whole room through
 * Redis, and relayed the other nodes' as they came: a reader of two nodes received each node's
 * messages (about 1.5 times one node's), and a reaction held on one node could be overtaken by
 * another node's comment (the flush that repaired that, CLUSTER-16 at 2026-12-03, is gone with it).
 *
 * Nothing waits on another node: a node delivers its own events to its own readers without a Redis
 * round trip, and a node that dies takes only what it had not yet handed over — events its readers'
 * widgets find again by rejoining with `since` (W-S2, W-S3), as before.
 */
import type { ThreadEvent } from '@parley/protocol';

export type PublishThreadEvents = (site: string, events: ThreadEvent[]) => void;

/** Collects a turn's committed events per site and hands them to the other nodes at the end of the turn. */
export class ThreadEventRelay {
  private readonly waiting = new Map<string, ThreadEvent[]>();
  private immediate: ReturnType<typeof setImmediate> | undefined;

  constructor(private readonly publish: PublishThreadEvents) {}

  /** The events one command of `site` committed; they leave with the rest of the turn's. */
  add(site: string, events: readonly ThreadEvent[]): void {
    if (events.length === 0) return;
    const queued = this.waiting.get(site);
    if (queued) queued.push(...events);
    else this.waiting.set(site, [...events]);
    this.immediate ??= setImmediate(() => this.flush());
  }

  /** Hands over everything collected (also at close: a draining node's last events reach the others). */
  flush(): void {
    clearImmediate(this.immediate);
    this.immediate = undefined;
    const batches = [...this.waiting];
    this.waiting.clear();
    for (const [site, events] of batches) this.publish(site, events);
  }
}

/**
 * Another node's events, checked before they reach the outbox: thread events that each name a
 * thread, a type and a seq. Anything else (another release's message, a corrupted
 * entry) is refused whole, never half applied.
 */
export function remoteThreadEvents(events: unknown): events is ThreadEvent[] {
  if (!Array.isArray(events) || events.length === 0) return false;
  return events.every((event: unknown) => {
    const { thread, type, seq } = (event ?? {}) as { thread?: unknown; type?: unknown; seq?: unknown };
    return typeof thread === 'string' && typeof type === 'string' && typeof seq === 'number' && Number.isSafeInteger(seq);
  });
}
