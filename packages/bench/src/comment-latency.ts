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

export class CommentLatency {
  private sentAt = new Float64Array(1024);
  private nextKey = 0;
  readonly deliveries = new SampleSet();

  /** A fresh body for the next comment; call {@link markSent} right before emitting it. */
  nextBody(): { key: number; body: string } {
    const key = this.nextKey++;
    if (key >= this.sentAt.length) {
      const grown = new Float64Array(this.sentAt.length * 2);
      grown.set(this.sentAt);
      this.sentAt = grown;
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
    this.deliveries.add(receivedAt - sentAt);
  }
}
