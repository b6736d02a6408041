/**
 * The order of a thread's events (the thread store's, thread-store.ts):
 *   [W-S1] events are applied strictly in seq order; seq ≤ last applied is ignored.
 *   [W-S2] a gap (seq > last + 1) holds the later events and rejoins with `since: last` —
 *   [W-S11] once it has outlived the reorder grace window, or at once when too far behind.
 */
import { Limits, type ThreadEvent } from '@parley/protocol';

export interface SeqBufferHost {
  /** The seq of the last event applied. */
  lastSeq(): number;
  apply(event: ThreadEvent): void;
  rejoin(): void;
  /** Still joined and not disposed: a grace window that runs out then rejoins. */
  live(): boolean;
}

export class SeqBuffer {
  private buffered: ThreadEvent[] = [];
  private gapTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: SeqBufferHost,
    private readonly graceMs: number,
  ) {}

  hold(events: readonly ThreadEvent[]): void {
    this.buffered.push(...events);
  }

  /** Applies held events in seq order; a gap waits or rejoins [W-S2]. */
  drain(): void {
    this.buffered.sort((a, b) => a.seq - b.seq);
    while (this.buffered.length > 0) {
      const next = this.buffered[0]!;
      if (next.seq > this.host.lastSeq() + 1) return this.awaitGap();
      this.buffered.shift();
      if (next.seq <= this.host.lastSeq()) continue;
      this.host.apply(next);
    }
    this.cancelGap();
  }

  cancelGap(): void {
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }

  /** [W-S11] A gap waits a short grace for events overtaken on the way; then, or when too far behind, rejoin. */
  private awaitGap(): void {
    const grace = this.graceMs;
    const behind = (this.buffered.at(-1)?.seq ?? 0) - this.host.lastSeq();
    if (grace <= 0 || behind > Limits.maxReplayEvents / 2) {
      this.cancelGap();
      return this.host.rejoin();
    }
    this.gapTimer ??= setTimeout(() => {
      this.gapTimer = undefined;
      if (this.host.live() && (this.buffered[0]?.seq ?? 0) > this.host.lastSeq() + 1) this.host.rejoin();
    }, grace);
  }
}
