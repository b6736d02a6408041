/**
 * A reader's check of the seqs it receives after joining (readers.ts): every seq from the join's
 * snapshot up to the last one written, none twice. A seq jumped over is a hole until it arrives:
 * late (after a later one — on a cluster, another node's events, which the widget puts back in
 * order within its grace window, SPEC W-S11) it fills its hole and is delivered; only a hole still
 * open when the drain ends is lost. Having the final seq is not having everything: an earlier seq of
 * another node may still be on its way (its reactions wait for their tick, PERF-5).
 */

/** The widget's reorder grace window (SPEC W-S11): a gap older than this makes it rejoin with `since`. */
export const reorderGraceMs = 500;
/** A reader's open holes are bounded: seqs jumped over beyond it count as lost at once. */
const maxHoles = 100_000;

export class SeqCheck {
  joinSeq = -1;
  lastSeq = -1;
  /** Seqs jumped over and not received yet, and when each was jumped over (performance.now()). */
  readonly holes = new Map<number, number>();
  /** Seqs jumped over past maxHoles: lost, whatever comes later. */
  beyondHoles = 0;
  /** Seqs that came after a later one and filled their hole. */
  late = 0;
  /** Late seqs whose hole stayed open longer than the widget's grace: a widget would have rejoined. */
  lateBeyondGrace = 0;
  /** The longest a hole stayed open before it filled, ms. */
  longestHoleMs = 0;
  /** Seqs received a second time, or at or below the join's snapshot. */
  repeated = 0;

  /** The join's snapshot ends at `seq`: what comes after must be every seq past it. */
  start(seq: number): void {
    this.joinSeq = seq;
    this.lastSeq = seq;
  }

  /** One event's seq, at `now` (performance.now()); whether it is a delivery (new or late), not a repeat. */
  accept(seq: number, now = performance.now()): boolean {
    if (seq <= this.lastSeq) {
      const openedAt = this.holes.get(seq);
      if (openedAt === undefined) {
        this.repeated += 1;
        return false;
      }
      this.holes.delete(seq);
      this.late += 1;
      const openMs = now - openedAt;
      if (openMs > reorderGraceMs) this.lateBeyondGrace += 1;
      this.longestHoleMs = Math.max(this.longestHoleMs, openMs);
      return true;
    }
    for (let jumped = this.lastSeq + 1; jumped < seq; jumped++) {
      if (this.holes.size < maxHoles) this.holes.set(jumped, now);
      else this.beyondHoles += 1;
    }
    this.lastSeq = seq;
    return true;
  }

  /** Seqs up to `finalSeq` not received (yet): open holes at or below it, and those after the last seq. */
  missing(finalSeq: number): number {
    let open = 0;
    for (const seq of this.holes.keys()) if (seq <= finalSeq) open += 1;
    return open + this.beyondHoles + Math.max(0, finalSeq - this.lastSeq);
  }
}
