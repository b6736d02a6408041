/**
 * N readers of one thread. Each checks that the seqs it receives after joining run without a gap
 * or a repeat up to the last seq written, and feeds comment receipts to the latency table.
 * Sockets open in batches so the server is not measured recovering from a connection storm.
 */
import type { JoinResult, ThreadEvent } from '@parley/protocol';
import { connectClient, expectOk, request, type ParleySocket } from './clients.js';
import type { CommentLatency } from './comment-latency.js';
import { onCleanup } from './cleanup.js';
import { delay } from './child-handle.js';

export interface ReaderTotals {
  readers: number;
  /** Socket.IO messages (events, not acks) received by all readers. */
  messages: number;
  /** Thread events (seqs) received; more than messages when the server batches events. */
  events: number;
  /** Seqs between join and the final seq that some reader never received. */
  lost: number;
  /** Seqs received twice or after a later one. */
  outOfOrder: number;
  disconnected: number;
}

class Reader {
  joinSeq = -1;
  lastSeq = -1;
  gaps = 0;
  outOfOrder = 0;
  events = 0;
  messages = 0;
  disconnected = false;
  /** Events that overtook the join ack; applied once we know where the snapshot ends. */
  private early: ThreadEvent[] = [];

  constructor(
    readonly socket: ParleySocket,
    private readonly latency: CommentLatency,
  ) {
    // The server may send one event per message or several at once; both are handled alike.
    socket.onAny((_name: string, ...args: unknown[]) => {
      this.messages += 1;
      const now = performance.now();
      for (const arg of args) {
        if (Array.isArray(arg)) for (const event of arg) this.receive(event as ThreadEvent, now);
        else if (arg && typeof arg === 'object' && 'seq' in arg) this.receive(arg as ThreadEvent, now);
      }
    });
    socket.on('disconnect', () => {
      this.disconnected = true;
    });
  }

  joined(seq: number): void {
    this.joinSeq = seq;
    this.lastSeq = seq;
    const early = this.early;
    this.early = [];
    for (const event of early) if (event.seq > seq) this.receive(event, Number.NaN);
  }

  private receive(event: ThreadEvent, now: number): void {
    if (this.joinSeq < 0) {
      this.early.push(event);
      return;
    }
    this.events += 1;
    if (event.seq <= this.lastSeq) {
      this.outOfOrder += 1;
      return;
    }
    this.gaps += event.seq - this.lastSeq - 1;
    this.lastSeq = event.seq;
    if (event.type === 'comment.created' && !Number.isNaN(now)) this.latency.recordReceipt(event.comment.body, now);
  }
}

export class ReaderFleet {
  private readonly readers: Reader[] = [];
  private readonly forget: () => void;

  constructor(
    private readonly url: string,
    private readonly thread: string,
    private readonly latency: CommentLatency,
  ) {
    this.forget = onCleanup(`readers of ${url}`, () => this.close());
  }

  /** Opens and joins `count` readers, `batchSize` at a time; returns the time it took in ms. */
  async open(count: number, batchSize: number, progress: (opened: number) => void): Promise<number> {
    const started = performance.now();
    while (this.readers.length < count) {
      const size = Math.min(batchSize, count - this.readers.length);
      const batch = await Promise.all(Array.from({ length: size }, () => this.openOne()));
      this.readers.push(...batch);
      progress(this.readers.length);
      // Let the server settle (and its join queries finish) before the next wave.
      await delay(20);
    }
    return performance.now() - started;
  }

  private async openOne(): Promise<Reader> {
    // Readers are guests: reading needs no token, as on a public article page.
    const socket = await connectClient(this.url, null);
    const reader = new Reader(socket, this.latency);
    const joined: JoinResult = expectOk(await request(socket, 'thread:join', { thread: this.thread }), 'thread:join');
    reader.joined(joined.thread.seq);
    return reader;
  }

  /** Waits until every connected reader has seen `finalSeq`, or the timeout; returns ms waited. */
  async waitFor(finalSeq: number, timeoutMs: number): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < timeoutMs) {
      if (this.readers.every((reader) => reader.disconnected || reader.lastSeq >= finalSeq)) break;
      await delay(5);
    }
    return performance.now() - started;
  }

  /** Received messages so far, to bracket a measured window. */
  messagesSoFar(): number {
    let total = 0;
    for (const reader of this.readers) total += reader.messages;
    return total;
  }

  totals(finalSeq: number): ReaderTotals {
    const totals: ReaderTotals = { readers: this.readers.length, messages: 0, events: 0, lost: 0, outOfOrder: 0, disconnected: 0 };
    for (const reader of this.readers) {
      totals.messages += reader.messages;
      totals.events += reader.events;
      totals.lost += reader.gaps + Math.max(0, finalSeq - reader.lastSeq);
      totals.outOfOrder += reader.outOfOrder;
      if (reader.disconnected) totals.disconnected += 1;
    }
    return totals;
  }

  close(): void {
    this.forget();
    for (const reader of this.readers) reader.socket.close();
    this.readers.length = 0;
  }
}
