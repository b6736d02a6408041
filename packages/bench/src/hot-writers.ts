/**
 * The writers of the hot-thread mix: a steady 2 comments and 20 reactions a second (by default),
 * sent open-loop on a fixed timetable — never waiting for acks — so a slow server gets the same
 * load as a fast one instead of quietly being given less. Reactions toggle like/null over a pool
 * of existing comments, so every one of them is a real change that produces an event.
 */
import type { Ack, MutationResult } from '@parley/protocol';
import { request, type ParleySocket } from './clients.js';
import type { CommentLatency } from './comment-latency.js';
import { delay } from './child-handle.js';
import { SampleSet, type LatencySummary } from './stats.js';

export interface HotRates {
  commentsPerSecond: number;
  reactionsPerSecond: number;
}

export interface WriterTotals {
  comments: number;
  reactions: number;
  /** Failed acks by error code (rate limits, timeouts…); any here means the mix was not as planned. */
  errors: Record<string, number>;
  commentAckMs: LatencySummary;
  reactionAckMs: LatencySummary;
  /** The highest seq any ack reported: readers must have received everything up to it. */
  finalSeq: number;
}

const tickMs = 5;

export class HotWriters {
  private finalSeq = 0;
  private readonly errors: Record<string, number> = {};
  private readonly commentAcks = new SampleSet();
  private readonly reactionAcks = new SampleSet();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly liked = new Set<string>();
  private commentsSent = 0;
  private reactionsSent = 0;

  constructor(
    private readonly commenters: ParleySocket[],
    private readonly reactors: ParleySocket[],
    private readonly thread: string,
    private readonly reactionPool: string[],
    private readonly latency: CommentLatency,
  ) {}

  /** Sends the mix for `seconds`, then waits (bounded) for the outstanding acks. */
  async run(seconds: number, rates: HotRates): Promise<WriterTotals> {
    const started = performance.now();
    const endAt = started + seconds * 1000;
    const totalComments = Math.ceil(seconds * rates.commentsPerSecond);
    const totalReactions = Math.ceil(seconds * rates.reactionsPerSecond);
    // Catch up to the timetable: a late timer sends what was due, not less — and after the last
    // tick, whatever the timetable still owed, so every run sends the same stream.
    const sendDue = (elapsedSeconds: number): void => {
      const commentsDue = Math.min(totalComments, Math.floor(elapsedSeconds * rates.commentsPerSecond) + 1);
      const reactionsDue = Math.min(totalReactions, Math.floor(elapsedSeconds * rates.reactionsPerSecond) + 1);
      while (this.commentsSent < commentsDue) this.sendComment();
      while (this.reactionsSent < reactionsDue) this.sendReaction();
    };
    for (let now = started; now < endAt; now = performance.now()) {
      sendDue((now - started) / 1000);
      await delay(tickMs);
    }
    sendDue(seconds);
    await Promise.race([Promise.all(this.inFlight), delay(30_000)]);
    return {
      comments: this.commentsSent,
      reactions: this.reactionsSent,
      errors: this.errors,
      commentAckMs: this.commentAcks.summary(),
      reactionAckMs: this.reactionAcks.summary(),
      finalSeq: this.finalSeq,
    };
  }

  private sendComment(): void {
    const socket = pick(this.commenters, this.commentsSent++);
    const { key, body } = this.latency.nextBody();
    const requestId = `hot-c-${key}`;
    this.latency.markSent(key);
    this.track(request(socket, 'comment:post', { requestId, thread: this.thread, body }), this.commentAcks);
  }

  private sendReaction(): void {
    const index = this.reactionsSent++;
    const reactorIndex = index % this.reactors.length;
    const socket = this.reactors[reactorIndex] as ParleySocket;
    // Each reactor walks the pool in turn; its own like on a comment flips to null and back.
    const commentId = pick(this.reactionPool, Math.floor(index / this.reactors.length));
    const mine = `${reactorIndex}:${commentId}`;
    const value = this.liked.has(mine) ? null : 'like';
    if (value) this.liked.add(mine);
    else this.liked.delete(mine);
    const input = { requestId: `hot-r-${index}`, thread: this.thread, commentId, value } as const;
    this.track(request(socket, 'comment:react', input), this.reactionAcks);
  }

  private track(pending: Promise<Ack<MutationResult>>, acks: SampleSet): void {
    const sentAt = performance.now();
    const done = pending.then((ack) => {
      acks.add(performance.now() - sentAt);
      if (ack.ok) {
        if (ack.data.seq !== null) this.finalSeq = Math.max(this.finalSeq, ack.data.seq);
      } else {
        this.errors[ack.error.code] = (this.errors[ack.error.code] ?? 0) + 1;
      }
    });
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }
}

function pick<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
