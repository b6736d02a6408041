/**
 * What a reader knows of a thread's presence, from `presence:sync` answers and `presence:state`
 * changes (realtime.ts): per server node its readers and typists, added up. A node not heard from
 * for PRESENCE_TIMEOUT_MS is forgotten (it died; every live node repeats its state every
 * PRESENCE_REFRESH_MS). Pure, shared by the widget and by tests.
 */
import { RealtimeLimits, type PresenceChange, type PresenceSnapshot, type Typist } from './realtime.js';

interface NodeView {
  readers: number;
  typing: Map<string, Typist>;
  heardAt: number;
}

export class PresenceView {
  private readonly nodes = new Map<string, NodeView>();

  constructor(
    readonly thread: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A `presence:sync` answer: that node's state replaces what was known of it. */
  applySnapshot(snapshot: PresenceSnapshot): void {
    if (snapshot.thread !== this.thread) return;
    this.nodes.set(snapshot.node, { readers: snapshot.readers, typing: new Map(snapshot.typing.map((t) => [t.key, t])), heardAt: this.now() });
  }

  /** A `presence:state` message; returns whether it was for this thread. */
  applyChange(change: PresenceChange): boolean {
    if (change.thread !== this.thread) return false;
    let node = this.nodes.get(change.node);
    if (!node || change.full) {
      node = { readers: node?.readers ?? 0, typing: new Map(), heardAt: 0 };
      this.nodes.set(change.node, node);
    }
    node.heardAt = this.now();
    if (change.readers !== undefined) node.readers = change.readers;
    for (const key of change.typing?.clear ?? []) node.typing.delete(key);
    for (const typist of change.typing?.set ?? []) node.typing.set(typist.key, typist);
    return true;
  }

  /** Everything heard is void (the connection dropped): the next join's sync starts afresh. */
  clear(): void {
    this.nodes.clear();
  }

  /** Distinct readers present on live nodes (a reader on two nodes counts on each). */
  get readers(): number {
    let total = 0;
    for (const node of this.liveNodes()) total += node.readers;
    return total;
  }

  /** Who types where, on live nodes, one entry per person; `except` leaves out the viewer's own key. */
  typists(except?: string): Typist[] {
    const byKey = new Map<string, Typist>();
    for (const node of this.liveNodes()) for (const [key, typist] of node.typing) if (key !== except) byKey.set(key, typist);
    return [...byKey.values()];
  }

  private *liveNodes(): Iterable<NodeView> {
    const since = this.now() - RealtimeLimits.presenceTimeoutMs;
    for (const [id, node] of this.nodes) {
      if (node.heardAt >= since) yield node;
      else this.nodes.delete(id);
    }
  }
}
