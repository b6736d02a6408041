/**
 * N readers of one thread, each behaving like the widget on an open article page (light clients,
 * light-client.ts, so one client core carries 10,000 of them):
 *
 * - connect (the site's Origin, `{ site, token }`), `thread:join`; then, with presence on,
 *   `presence:set { typing: null }` and `presence:sync` once; signed in, `economy:state` once;
 * - presence on: `presence:set` renewed every RealtimeLimits.presenceRenewMs (15 s) even when
 *   nothing changed — unless a read heartbeat went out since (the server renews presence on each
 *   heartbeat, SPEC PRES-7, so a signed-in reading tab sends none) — and on every typing change: a share of the signed-in readers types at any
 *   moment, in sessions of 20–40 s (typing on at the start — the main composer or a reply box —
 *   off at the end, and one session in five moving to another box part-way);
 * - signed in: `read:heartbeat` every economy `heartbeatMs` (10 s), as while the page is visible.
 *
 * Periodic sends start at a random phase per reader (real readers arrived at different times),
 * driven by one timer for the whole fleet, not one per reader. Each reader checks that the seqs it
 * receives after joining run without a gap or a repeat up to the last seq written, and feeds
 * comment receipts to the latency table (seq-check.ts: a late seq fills its hole; only a hole still
 * open when the drain ends is lost). Sockets open in batches so the server is not measured
 * recovering from a connection storm.
 */
import { PROGRESS_EVERY_MS, RealtimeLimits, type ThreadEvent } from '@parley/protocol';
import type { CommentLatency } from './comment-latency.js';
import { onCleanup } from './cleanup.js';
import { delay } from './child-handle.js';
import { countAckError, LightClient, Traffic, type AckErrors, type AckSizes, type LightClientSink, type TrafficSnapshot } from './light-client.js';
import { benchSite } from './targets.js';
import { TypingSessions, type TypingAt } from './typing-sessions.js';
import { SeqCheck } from './seq-check.js';
import { Wheel } from './reader-wheel.js';

export interface ReaderBehaviour {
  /** Presence as the widget sends it; off: the same readers without presence:set / sync / typing. */
  presence: boolean;
  /** [PRES-9] presence:sync with `rides: true`, as the widget does: presence then rides on thread:events. */
  rides?: boolean;
  /** Share of readers signed in (heartbeats, economy:state, typing); the rest are guests. */
  signedInShare: number;
  /** Share of signed-in readers typing at any moment. */
  typingShare: number;
  /** A typing session lasts a uniform time in this range, seconds. */
  typingSeconds: readonly [number, number];
  presenceRenewMs: number;
  heartbeatMs: number;
}

export const widgetCadence = {
  presenceRenewMs: RealtimeLimits.presenceRenewMs,
  // The economy's default `heartbeatMs` (economy rules; the widget follows what economy:state says).
  heartbeatMs: 10_000,
  typingSeconds: [20, 40] as const,
};

export interface ReaderTotals {
  readers: number;
  signedIn: number;
  /** thread:events messages received by all readers. */
  messages: number;
  /** Thread events (seqs) received; more than messages when the server batches events. */
  events: number;
  /**
   * Seqs between join and the final seq that some reader never received: holes never filled, and
   * the seqs after a reader's last one. Per reader, summed.
   */
  lost: number;
  /** Seqs received twice or after a later one (late + repeated). */
  outOfOrder: number;
  /** Seqs that arrived after a later one and filled their hole (counted in outOfOrder, not lost). */
  late: number;
  /** Seqs received a second time (or at or below the join's snapshot seq). */
  repeated: number;
  /** Late seqs whose hole stayed open longer than the widget's reorder grace (W-S11): each a widget's rejoin. */
  lateBeyondGrace: number;
  /** The longest any reader's hole stayed open before it filled, ms. */
  longestHoleMs: number;
  /** Lost seqs of readers whose connection was closed (by the server or the network), included in lost. */
  lostByDisconnected: number;
  disconnected: number;
}

/** What the readers sent on their own cadence during a window (not counting joins). */
export interface CadenceCounts {
  presenceSets: number;
  heartbeats: number;
  typingStarts: number;
  typingStops: number;
  /** Sessions that moved to another box (a typing change without a stop). */
  typingMoves: number;
  /** Readers typing, averaged over time. */
  meanTypists: number;
}

/** Whether reader `index` is signed in: spread evenly, `share` of every run of readers. */
export function isSignedIn(index: number, share: number): boolean {
  return Math.floor(index * share) !== Math.floor((index + 1) * share);
}

class Reader extends SeqCheck {
  events = 0;
  messages = 0;
  client: LightClient | null = null;
  typing: TypingAt = undefined;
  typingEndsAt = 0;
  /** When this session moves to another box (Infinity: it stays where it started). */
  typingMovesAt = Number.POSITIVE_INFINITY;
  /** When it last sent a read heartbeat (performance.now()); a renewal is skipped within a renewal interval of it. */
  lastBeatAt = Number.NEGATIVE_INFINITY;
  /** When its reading time was last told (joined, or a beat's answer): the widget asks once a PROGRESS_EVERY_MS (W-E16). */
  progressAt = performance.now();
  /** Events that overtook the join ack; applied once we know where the snapshot ends. */
  private early: ThreadEvent[] | null = [];

  constructor(
    readonly signedIn: boolean,
    private readonly latency: CommentLatency,
  ) {
    super();
  }

  joined(seq: number): void {
    this.start(seq);
    const early = this.early ?? [];
    this.early = null;
    for (const event of early) if (event.seq > seq) this.receiveOne(event, Number.NaN);
  }

  receive(events: readonly ThreadEvent[], now: number): void {
    this.messages += 1;
    if (this.early) {
      this.early.push(...events);
      return;
    }
    for (const event of events) this.receiveOne(event, now);
  }

  private receiveOne(event: ThreadEvent, now: number): void {
    this.events += 1;
    // A late comment is delivered too (it fills its hole); a repeat is not.
    if (this.accept(event.seq) && event.type === 'comment.created' && !Number.isNaN(now)) this.latency.recordReceipt(event.comment.body, now);
  }
}

const tickMs = 25;
const askTimeoutMs = 30_000;
/** Distinct thread:events packets kept parsed: every reader receives the same broadcast text. */
const parsedCacheSize = 256;
const parsedKeyBytes = 160;

export class ReaderFleet implements LightClientSink {
  readonly traffic = new Traffic();
  readonly ackErrors: AckErrors = {};
  readonly ackSizes: AckSizes = {};
  /** Readers that never joined, by why (connect refused, join refused or unanswered, deadline). */
  readonly joinFailures: AckErrors = {};
  notJoined = 0;
  private readonly readers: Reader[] = [];
  private readonly byClient = new Map<LightClient, Reader>();
  private readonly parsed = new Map<number, { packet: Buffer; events: ThreadEvent[] }[]>();
  private readonly forget: () => void;
  private readonly presenceWheel: Wheel<Reader>;
  private readonly heartbeatWheel: Wheel<Reader>;
  private readonly typingSessions: TypingSessions<Reader>;
  private timer: NodeJS.Timeout | null = null;
  /** Whether signed-in readers send their heartbeats (the idle-readers scenario turns them off and on). */
  heartbeatsOn = true;
  /** Readers ask for every beat's answer, as widgets before BEAT-17 did (the idle scenario's "before" row). */
  askEveryBeat = false;
  private lastTick = performance.now();
  private counts: CadenceCounts = { presenceSets: 0, heartbeats: 0, typingStarts: 0, typingStops: 0, typingMoves: 0, meanTypists: 0 };
  private typistMs = 0;
  private countedMs = 0;

  constructor(
    private readonly url: string,
    private readonly thread: string,
    private readonly latency: CommentLatency,
    private readonly behaviour: ReaderBehaviour,
    /** Comments a typing reader may answer (reply boxes); none: the main composer only. */
    replyTargets: readonly string[],
  ) {
    this.forget = onCleanup(`readers of ${url}`, () => this.close());
    this.presenceWheel = new Wheel(behaviour.presenceRenewMs, tickMs);
    this.heartbeatWheel = new Wheel(behaviour.heartbeatMs, tickMs);
    this.typingSessions = new TypingSessions(behaviour, replyTargets, (reader) => this.sendPresence(reader), () => this.counts);
  }

  /**
   * Opens and joins one reader per token, `batchSize` at a time; returns the time it took in ms.
   * Reader i is signed in when {@link isSignedIn}, token or not (the baseline takes no tokens but
   * must be sent the same stream); a guest's token is null.
   */
  async open(tokens: readonly (string | null)[], batchSize: number, progress: (opened: number) => void, deadlineMs: number): Promise<number> {
    const started = performance.now();
    this.timer ??= setInterval(() => this.tick(), tickMs);
    let next = 0;
    while (next < tokens.length) {
      if (performance.now() - started > deadlineMs) {
        this.notJoined += tokens.length - next;
        countAckError(this.joinFailures, 'not attempted', `joins took over ${Math.round(deadlineMs / 1000)} s`, tokens.length - next);
        break;
      }
      const first = next;
      const size = Math.min(batchSize, tokens.length - first);
      next += size;
      const batch = await Promise.all(
        Array.from({ length: size }, async (_, n) => {
          const index = first + n;
          try {
            return await this.openOne(tokens[index] ?? null, isSignedIn(index, this.behaviour.signedInShare));
          } catch (error) {
            // A server that cannot keep up refuses or times out some joins: counted, the run goes on.
            this.notJoined += 1;
            countAckError(this.joinFailures, 'join', error instanceof Error ? error.message.slice(0, 120) : String(error));
            return null;
          }
        }),
      );
      for (const reader of batch) if (reader) this.readers.push(reader);
      progress(next);
      // Let the server settle (and its join queries finish) before the next wave.
      await delay(20);
    }
    if (this.readers.length === 0) throw new Error(`no reader could join: ${JSON.stringify(this.joinFailures)}`);
    return performance.now() - started;
  }

  /**
   * A join storm: reader i starts connecting at i × windowMs ÷ n (a push notification brings them
   * within the window), each joins as the widget does; per reader, connect start → join ack and
   * connected → join ack, ms. Readers that failed are counted in joinFailures.
   */
  async storm(tokens: readonly (string | null)[], windowMs: number): Promise<{ connectAndJoinMs: number[]; joinMs: number[]; spreadMs: number }> {
    this.timer ??= setInterval(() => this.tick(), tickMs);
    const connectAndJoinMs: number[] = [];
    const joinMs: number[] = [];
    const started = performance.now();
    const arrivals = tokens.map(async (token, index) => {
      const due = started + (index * windowMs) / tokens.length;
      const wait = due - performance.now();
      if (wait > 0) await delay(wait);
      const begun = performance.now();
      try {
        const timing = { connectedAt: 0, joinedAt: 0 };
        const reader = await this.openOne(token, isSignedIn(index, this.behaviour.signedInShare), timing);
        this.readers.push(reader);
        connectAndJoinMs.push(timing.joinedAt - begun);
        joinMs.push(timing.joinedAt - timing.connectedAt);
      } catch (error) {
        this.notJoined += 1;
        countAckError(this.joinFailures, 'join', error instanceof Error ? error.message.slice(0, 120) : String(error));
      }
    });
    await Promise.all(arrivals);
    return { connectAndJoinMs, joinMs, spreadMs: performance.now() - started };
  }

  /** Readers that joined (and are measured). */
  get size(): number {
    return this.readers.length;
  }

  private async openOne(token: string | null, signedIn: boolean, timing?: { connectedAt: number; joinedAt: number }): Promise<Reader> {
    const reader = new Reader(signedIn, this.latency);
    const auth: Record<string, string> = token ? { site: benchSite.id, token } : { site: benchSite.id };
    const client = await LightClient.connect(this, { url: this.url, origin: benchSite.origin, auth, timeoutMs: 20_000 });
    reader.client = client;
    this.byClient.set(client, reader);
    if (timing) timing.connectedAt = performance.now();
    try {
      return await this.joinOne(reader, client, timing);
    } catch (error) {
      client.close();
      this.byClient.delete(client);
      throw error;
    }
  }

  private async joinOne(reader: Reader, client: LightClient, timing?: { joinedAt: number }): Promise<Reader> {
    const joinAck = await this.ask(client, 'thread:join', { thread: this.thread }, 'join');
    if (timing) timing.joinedAt = performance.now();
    const [answer] = JSON.parse(joinAck) as [{ ok: boolean; data?: { thread: { seq: number } }; error?: { code: string; message: string } }];
    if (!answer.ok || !answer.data) throw new Error(`thread:join: ${answer.error?.code ?? '?'}: ${answer.error?.message ?? ''}`);
    reader.joined(answer.data.thread.seq);
    // What the widget sends once after a join; their answers are counted, not read.
    const after: Promise<string>[] = [];
    if (this.behaviour.presence) {
      this.sendPresence(reader);
      after.push(this.ask(client, 'presence:sync', this.behaviour.rides ? { thread: this.thread, rides: true } : { thread: this.thread }, 'presence'));
      this.presenceWheel.add(reader);
    }
    if (reader.signedIn) {
      after.push(this.ask(client, 'economy:state', { thread: this.thread }, 'economy'));
      this.heartbeatWheel.add(reader);
    }
    await Promise.all(after);
    return reader;
  }

  private ask(client: LightClient, event: string, payload: unknown, kind: 'join' | 'presence' | 'economy'): Promise<string> {
    return Promise.race([
      client.ask(event, payload, kind),
      delay(askTimeoutMs).then(() => {
        throw new Error(`${event}: no answer within ${askTimeoutMs} ms`);
      }),
    ]);
  }

  private sendPresence(reader: Reader): void {
    const typing = reader.typing === undefined ? null : { parentId: reader.typing };
    reader.client?.request('presence:set', { thread: this.thread, typing }, 'presence');
    this.counts.presenceSets += 1;
  }

  /** Starts the typing sessions (typing-sessions.ts; presence on only). */
  startTyping(): void {
    this.typingSessions.start(this.readers);
  }

  private tick(): void {
    const now = performance.now();
    const elapsed = now - this.lastTick;
    this.lastTick = now;
    this.typistMs += this.typingSessions.typing * elapsed;
    this.countedMs += elapsed;
    if (this.behaviour.presence) this.presenceWheel.due(now, (reader) => this.renew(reader));
    // Turned off, the wheel still turns: turned on again, readers keep their phases instead of all
    // beating at once (a lap of catch-up the server's throttle would refuse half of).
    this.heartbeatWheel.due(now, (reader) => this.heartbeatsOn && this.heartbeat(reader));
    this.typingSessions.tick(this.readers, now, elapsed);
  }

  private renew(reader: Reader): void {
    // As the widget does (server SPEC PRES-7): a heartbeat renews presence, so a reader that beat
    // within the renewal interval sends no renewal.
    if (performance.now() - reader.lastBeatAt < this.behaviour.presenceRenewMs) return;
    if (reader.client?.open) this.sendPresence(reader);
  }

  private heartbeat(reader: Reader): void {
    if (!reader.client?.open) return;
    const now = performance.now();
    // As the widget does (SPEC W-E16, BEAT-17): most beats go without an ack id, one a minute asks.
    if (!this.askEveryBeat && now - reader.progressAt < PROGRESS_EVERY_MS) reader.client.notify('read:heartbeat', { thread: this.thread });
    else {
      reader.progressAt = now;
      reader.client.request('read:heartbeat', { thread: this.thread }, 'economy');
    }
    reader.lastBeatAt = now;
    this.counts.heartbeats += 1;
  }

  threadEvents(client: LightClient, packet: Buffer, start: number, end: number, receivedAt: number): void {
    this.byClient.get(client)?.receive(this.parse(packet, start, end), receivedAt);
  }

  /**
   * Every reader receives the same broadcast bytes: each distinct packet is decoded and parsed once,
   * and found again by a hash of its first bytes (where its first seq is) and a byte-for-byte
   * comparison — without a string or a view made per reader.
   */
  private parse(packet: Buffer, start: number, end: number): ThreadEvent[] {
    let key = 0x811c9dc5;
    for (let at = start, last = Math.min(end, start + parsedKeyBytes); at < last; at++) key = Math.imul(key ^ (packet[at] as number), 0x01000193);
    const candidates = this.parsed.get(key);
    if (candidates) {
      for (const candidate of candidates) if (packet.compare(candidate.packet, 0, candidate.packet.length, start, end) === 0) return candidate.events;
    }
    const events = (JSON.parse(packet.toString('utf8', start + 2, end)) as [string, ThreadEvent[]])[1];
    if (this.parsed.size >= parsedCacheSize) this.parsed.clear();
    const entry = { packet: Buffer.from(packet.subarray(start, end)), events };
    if (candidates) candidates.push(entry);
    else this.parsed.set(key, [entry]);
    return events;
  }

  closed(): void {
    // Counted from the client's state in totals().
  }

  /** Waits until every connected reader has every seq up to `finalSeq` (no hole left: seq-check.ts), or the timeout; returns ms waited. */
  async waitFor(finalSeq: number, timeoutMs: number): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < timeoutMs) {
      if (this.readers.every((reader) => !reader.client?.open || reader.missing(finalSeq) === 0)) break;
      await delay(5);
    }
    return performance.now() - started;
  }

  /** Whether every connected reader's last seq is at or past `finalSeq` (holes or not). */
  reached(finalSeq: number): boolean {
    return this.readers.every((reader) => !reader.client?.open || reader.lastSeq >= finalSeq);
  }

  /** Open holes below `finalSeq` over all readers, by seq (the most-missed first, at most `top`). */
  holesBySeq(top: number): [seq: number, readers: number][] {
    const counts = new Map<number, number>();
    for (const reader of this.readers) for (const seq of reader.holes.keys()) counts.set(seq, (counts.get(seq) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, top);
  }

  /** Traffic so far, to bracket a measured window. */
  trafficSoFar(): TrafficSnapshot {
    return this.traffic.snapshot();
  }

  /** Zeroes the cadence counts: call when the measured window opens. */
  resetCadence(): void {
    this.counts = { presenceSets: 0, heartbeats: 0, typingStarts: 0, typingStops: 0, typingMoves: 0, meanTypists: 0 };
    this.typistMs = 0;
    this.countedMs = 0;
  }

  cadence(): CadenceCounts {
    return { ...this.counts, meanTypists: this.countedMs > 0 ? this.typistMs / this.countedMs : 0 };
  }

  totals(finalSeq: number): ReaderTotals {
    const totals: ReaderTotals = { readers: this.readers.length, signedIn: 0, messages: 0, events: 0, lost: 0, outOfOrder: 0, late: 0, repeated: 0, lateBeyondGrace: 0, longestHoleMs: 0, lostByDisconnected: 0, disconnected: 0 };
    for (const reader of this.readers) {
      if (reader.signedIn) totals.signedIn += 1;
      totals.messages += reader.messages;
      totals.events += reader.events;
      const missing = reader.missing(finalSeq);
      totals.lost += missing;
      totals.late += reader.late;
      totals.repeated += reader.repeated;
      totals.lateBeyondGrace += reader.lateBeyondGrace;
      totals.longestHoleMs = Math.max(totals.longestHoleMs, reader.longestHoleMs);
      totals.outOfOrder += reader.late + reader.repeated;
      if (!reader.client?.open) {
        totals.disconnected += 1;
        totals.lostByDisconnected += missing;
      }
    }
    return totals;
  }

  close(): void {
    this.forget();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.typingSessions.stop();
    for (const reader of this.readers) reader.client?.close();
    this.readers.length = 0;
    this.byClient.clear();
    this.parsed.clear();
  }
}
