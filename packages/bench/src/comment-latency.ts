/**
 * Delivery latency of comments, measured on one clock: every writer and reader lives in this
 * process, so "sent" and "received" are both `performance.now()` here. A comment's body starts
 * with `#<key> `; the key indexes the table of send times.
 */
import { SampleSet } from './stats.js';

/** Filler so a comment is the size of a typical one (a couple of sentences), not a few bytes. */
const filler =
  'I read the whole piece twice and I am still not sure the mediators have the leverage they claim; ' +
  'the timeline in the third paragraph suggests otherwise. Curious what others make of it.';

/** One comment's deliveries: when it was sent (s into the window) and its slowest receipt. */
export interface CommentTimeline {
  sentAtSeconds: number;
  receipts: number;
  slowestMs: number;
}

export class CommentLatency {
  private sentAt = new Float64Array(1024);
  private slowest = new Float64Array(1024);
  private receipts = new Uint32Array(1024);
  private nextKey = 0;
  readonly deliveries = new SampleSet();

  /** A fresh body for the next comment; call {@link markSent} right before emitting it. */
  nextBody(): { key: number; body: string } {
    const key = this.nextKey++;
    if (key >= this.sentAt.length) {
      this.sentAt = grow(this.sentAt, new Float64Array(this.sentAt.length * 2));
      this.slowest = grow(this.slowest, new Float64Array(this.slowest.length * 2));
      this.receipts = grow(this.receipts, new Uint32Array(this.receipts.length * 2));
    }
    this.sentAt[key] = Number.NaN;
    return { key, body: `#${key} ${filler}` };
  }

  markSent(key: number): void {
    this.sentAt[key] = performance.now();
  }

  /** Called by every reader for every comment it receives; kept cheap, it runs N times per comment. */
  recordReceipt(body: string, receivedAt: number): void {
    if (body.charCodeAt(0) !== 35 /* # */) return;
    const key = Number.parseInt(body.slice(1, body.indexOf(' ')), 10);
    const sentAt = this.sentAt[key];
    // Comments made before the measured window (the reaction pool) have no send time.
    if (sentAt === undefined || Number.isNaN(sentAt)) return;
    const latency = receivedAt - sentAt;
    this.deliveries.add(latency);
    this.receipts[key] = (this.receipts[key] ?? 0) + 1;
    if (latency > (this.slowest[key] ?? 0)) this.slowest[key] = latency;
  }

  /**
   * Per measured comment, in send order: shows whether slow deliveries were a steady backlog
   * (growing through the run: the stream is more than the server or clients can take) or spikes.
   */
  timeline(): CommentTimeline[] {
    const timeline: CommentTimeline[] = [];
    let firstSentAt: number | null = null;
    for (let key = 0; key < this.nextKey; key++) {
      const sentAt = this.sentAt[key] ?? Number.NaN;
      if (Number.isNaN(sentAt)) continue;
      firstSentAt ??= sentAt;
      timeline.push({
        sentAtSeconds: Math.round((sentAt - firstSentAt) / 10) / 100,
        receipts: this.receipts[key] ?? 0,
        slowestMs: Math.round((this.slowest[key] ?? 0) * 10) / 10,
      });
    }
    return timeline;
  }
}

function grow<T extends Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
