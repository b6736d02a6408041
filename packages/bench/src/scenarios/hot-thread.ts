/**
 * Scenario 1 and 2: one hot thread, N widget-like readers (readers.ts: presence renewals, typing,
 * read heartbeats at the widget's cadence), a steady mix of comments and reactions. Measures
 * comment delivery latency (emit → each reader's receipt), server and client CPU, what each reader
 * receives (messages and bytes per second, presence apart), and whether every reader got every
 * seq. Run against Parley with presence on and off, and against the baseline.
 */
import type { ChildHandle } from '../child-handle.js';
import type { BenchConfig } from '../config.js';
import { connectClient, expectOk, request, type ParleySocket } from '../clients.js';
import { CommentLatency, type CommentTimeline } from '../comment-latency.js';
import type { PinningState } from '../cpu-pinning.js';
import { HotWriters, type WriterTotals } from '../hot-writers.js';
import { TrafficKinds, type AckErrors, type AckSizes, type TrafficKind, type TrafficSnapshot } from '../light-client.js';
import { busyPercentSince, readCoreTimes, waitForQuietMachine } from '../machine-load.js';
import { isSignedIn, ReaderFleet, widgetCadence, type CadenceCounts, type ReaderBehaviour, type ReaderTotals } from '../readers.js';
import type { LatencySummary } from '../stats.js';
import { benchThreads, writerUsers, type ServerUnderTest } from '../targets.js';
import type { TokenRequest } from '../parley-child-api.js';

/** A server under test with the readers' presence on (as the widget) or off (the same readers without it). */
export interface HotVariant {
  target: ServerUnderTest;
  presence: boolean;
  /** Readers sync with `rides: true` (PRES-9), as the widget does; false: a widget from before. */
  rides?: boolean;
}

/** What readers received (and sent) per reader per second of the window. */
export interface ReaderTraffic {
  messages: number;
  bytes: number;
  presenceMessages: number;
  presenceBytes: number;
  /** By kind: thread (thread:events), presence (presence:state and presence acks), economy, join, other (pings…). */
  byKind: Record<TrafficKind, { messages: number; bytes: number }>;
  sentMessages: number;
  sentBytes: number;
}

export interface HotThreadResult {
  server: ServerUnderTest['name'];
  /** Whether readers sent presence (renewals, typing, sync) as the widget does. */
  presence: boolean;
  readers: number;
  /** Readers that joined and were measured (all of them, unless the server refused or could not keep up). */
  joinedReaders: number;
  /** Why the others did not join: by stage, then reason. */
  joinFailures: AckErrors;
  behaviour: ReaderBehaviour;
  connectSeconds: number;
  measuredSeconds: number;
  writers: WriterTotals;
  /** Comment delivery latency over every (comment × reader) pair, ms. */
  deliveryMs: LatencySummary;
  expectedDeliveries: number;
  receipts: ReaderTotals;
  /** Messages (WebSocket frames of every kind) received by readers inside the measured window. */
  messagesDelivered: number;
  /** Per reader per second of the window; bytes are WebSocket frames (payload + frame header). */
  perReaderPerSecond: ReaderTraffic;
  /** What the readers sent on their own cadence in the window. */
  cadence: CadenceCounts;
  /** Writers (socket.io-client) the server disconnected during the run, by reason. */
  writerDisconnects: Record<string, number>;
  /** Readers' answers by request event over the whole run: e.g. the size of a join's presence:sync. */
  ackSizes: AckSizes;
  /** Client CPU ÷ messages readers received in the window (writers' share included). */
  clientMicrosPerMessage: number | null;
  /** Refused or unanswered requests by event and code, over the whole run (joins included). */
  ackErrors: AckErrors;
  serverCpuMs: number;
  /** Share of one core the server used over the window (100 = the core was full). */
  serverCpuPercent: number;
  serverCpuPerMessageUs: number | null;
  /** Share of the client core: near 100 means latencies include the clients' own queueing. */
  clientCpuPercent: number;
  /** Of it, in the kernel (sockets): the part no client code can save. */
  clientKernelPercent: number;
  /** From the last write until every reader had the final seq (or the drain timeout). */
  drainMs: number;
  /**
   * CPU other processes used on [server core, client core] during the window, % of a core; more
   * than a few percent means the figures were shared with a neighbour. Null when unpinned.
   */
  neighbourLoadPercent: [number, number] | null;
  /** Each measured comment's send time and slowest delivery (JSON only). */
  commentTimeline: CommentTimeline[];
}

const thread = benchThreads.hot;
/** Joins still going after this are not attempted: a naive relay may never let 10,000 readers in. */
const joinDeadlineMs = (readers: number): number => Math.max(60_000, readers * 8);
const commenterCount = 2;
const reactorCount = 4;
const reactionPoolSize = 40;

export function variantLabel(variant: { server: string; presence: boolean; rides?: boolean }): string {
  if (!variant.presence) return `${variant.server} (presence off)`;
  return variant.rides === false && variant.server === 'parley' ? `${variant.server} (legacy presence)` : variant.server;
}

/** A result's run, as the tables name it (its readers ride or not: PRES-9). */
export function resultLabel(r: HotThreadResult): string {
  return variantLabel({ server: r.server, presence: r.presence, rides: r.behaviour.rides ?? false });
}

export async function runHotThread(
  variant: HotVariant,
  readerCount: number,
  config: BenchConfig,
  pinning: PinningState,
  log: (line: string) => void,
): Promise<HotThreadResult> {
  const { target } = variant;
  const label = variantLabel({ server: target.name, presence: variant.presence, rides: variant.rides ?? false });
  const behaviour: ReaderBehaviour = {
    presence: variant.presence,
    rides: variant.rides ?? false,
    signedInShare: config.signedInShare,
    typingShare: config.typingShare,
    typingSeconds: widgetCadence.typingSeconds,
    presenceRenewMs: widgetCadence.presenceRenewMs,
    heartbeatMs: widgetCadence.heartbeatMs,
  };
  const server = await target.start(pinning);
  const sockets: ParleySocket[] = [];
  const latency = new CommentLatency();
  let fleet: ReaderFleet | null = null;
  try {
    const tokens = await target.tokens(server, writerUsers(`hot-${target.name}`, commenterCount + reactorCount));
    for (const token of tokens) sockets.push(await connectClient(server.url, token));
    // A writer the server dropped makes every later write time out: say why, not just that.
    const writerDisconnects: Record<string, number> = {};
    for (const socket of sockets) socket.on('disconnect', (reason) => void (writerDisconnects[reason] = (writerDisconnects[reason] ?? 0) + 1));
    const commenters = sockets.slice(0, commenterCount);
    const reactors = sockets.slice(commenterCount);
    const pool = await postReactionPool(commenters[0] as ParleySocket, latency);

    fleet = new ReaderFleet(server.url, thread, latency, behaviour, pool);
    const readerTokens = await readerTokensFor(target, server, readerCount, config.signedInShare);
    const connectMs = await fleet.open(
      readerTokens,
      config.connectBatchSize,
      (opened) => {
        if (opened % 2000 === 0 || opened === readerCount) log(`  ${label}: ${opened}/${readerCount} readers tried, ${fleet?.size ?? 0} joined`);
      },
      joinDeadlineMs(readerCount),
    );
    // Measured over the readers that joined: a collapsing server may not have let them all in.
    const joined = fleet.size;
    fleet.startTyping();
    // Also lets join work and GC settle (and typing reach its share) before the window opens.
    const ownCpu = async (): Promise<number[]> => {
      const usage = process.cpuUsage();
      return [(await server.cpuClock()).micros, usage.user + usage.system];
    };
    await waitForQuietMachine(Math.max(1, config.waitQuietSeconds), log, pinning.pinned ? ownCpu : undefined);

    const writers = new HotWriters(commenters, reactors, thread, pool, latency);
    const cpuBefore = await server.cpuClock();
    const clientCpuBefore = process.cpuUsage();
    const trafficBefore = fleet.trafficSoFar();
    fleet.resetCadence();
    const coresBefore = readCoreTimes();
    const windowStart = performance.now();
    log(`  ${label}: sending ${config.commentsPerSecond} comments/s + ${config.reactionsPerSecond} reactions/s for ${config.hotSeconds} s`);
    const writerTotals = await writers.run(config.hotSeconds, config);
    const drainMs = await fleet.waitFor(writerTotals.finalSeq, config.drainSeconds * 1000);
    // Everything on this side first: a server still busy with the stream answers its CPU late.
    const windowMs = performance.now() - windowStart;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const perReaderPerSecond = trafficPerReaderPerSecond(trafficBefore, fleet.trafficSoFar(), joined, windowMs / 1000);
    const messagesDelivered = perReaderPerSecond.messages * joined * (windowMs / 1000);
    const cadence = fleet.cadence();
    const coreBusy = busyPercentSince(coresBefore);
    const cpuAfter = await server.cpuClock();
    const cpuMicros = cpuAfter.micros - cpuBefore.micros;
    const serverCpuPercent = (cpuMicros / 1000 / Math.max(1, cpuAfter.atMs - cpuBefore.atMs)) * 100;
    const clientCpuPercent = ((clientCpu.user + clientCpu.system) / 1000 / windowMs) * 100;
    const neighbourLoadPercent: [number, number] | null =
      pinning.pinned && coreBusy
        ? [Math.max(0, (coreBusy[0] ?? 0) - serverCpuPercent), Math.max(0, (coreBusy[1] ?? 0) - clientCpuPercent)]
        : null;

    log(
      `  ${label}: p99 ${latency.deliveries.summary().p99?.toFixed(1) ?? '—'} ms, server ${serverCpuPercent.toFixed(0)}%, ` +
        `client ${clientCpuPercent.toFixed(0)}% (kernel ${((clientCpu.system / 1000 / windowMs) * 100).toFixed(0)}%), ${perReaderPerSecond.messages.toFixed(1)} msgs and ` +
        `${perReaderPerSecond.bytes.toFixed(0)} B per reader per second (presence ${perReaderPerSecond.presenceBytes.toFixed(0)} B)`,
    );
    return {
      server: target.name,
      presence: variant.presence,
      readers: readerCount,
      joinedReaders: joined,
      joinFailures: fleet.joinFailures,
      behaviour,
      connectSeconds: connectMs / 1000,
      measuredSeconds: windowMs / 1000,
      writers: writerTotals,
      deliveryMs: latency.deliveries.summary(),
      expectedDeliveries: writerTotals.comments * joined,
      receipts: fleet.totals(writerTotals.finalSeq),
      messagesDelivered,
      perReaderPerSecond,
      cadence,
      ackErrors: fleet.ackErrors,
      ackSizes: fleet.ackSizes,
      clientMicrosPerMessage: messagesDelivered > 0 ? (clientCpu.user + clientCpu.system) / messagesDelivered : null,
      writerDisconnects: { ...writerDisconnects },
      serverCpuMs: cpuMicros / 1000,
      serverCpuPercent,
      serverCpuPerMessageUs: messagesDelivered > 0 ? cpuMicros / messagesDelivered : null,
      clientCpuPercent,
      clientKernelPercent: (clientCpu.system / 1000 / windowMs) * 100,
      drainMs,
      neighbourLoadPercent,
      commentTimeline: latency.timeline(),
    };
  } finally {
    fleet?.close();
    for (const socket of sockets) socket.close();
    await server.stop();
  }
}

/** Comments for the reactors to like and unlike, posted before any reader joins. */
async function postReactionPool(commenter: ParleySocket, latency: CommentLatency): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < reactionPoolSize; n++) {
    const { body } = latency.nextBody();
    const ack = await request(commenter, 'comment:post', { requestId: `pool-${n}`, thread, body });
    ids.push(expectOk(ack, 'posting the reaction pool').comment.id);
  }
  return ids;
}

/** One token per signed-in reader (null for guests, and wherever the server takes no tokens). */
async function readerTokensFor(target: ServerUnderTest, server: ChildHandle, count: number, share: number): Promise<(string | null)[]> {
  const users: TokenRequest[] = [];
  const slots: number[] = [];
  for (let n = 0; n < count; n++) {
    if (!isSignedIn(n, share)) continue;
    slots.push(n);
    users.push({ sub: `reader-${n}`, name: `Reader ${n}`, lvl: 5 });
  }
  const minted = await target.tokens(server, users);
  const tokens: (string | null)[] = Array.from({ length: count }, () => null);
  slots.forEach((slot, n) => {
    tokens[slot] = minted[n] ?? null;
  });
  return tokens;
}

export function trafficPerReaderPerSecond(before: TrafficSnapshot, after: TrafficSnapshot, readers: number, seconds: number): ReaderTraffic {
  const per = (value: number): number => (readers > 0 && seconds > 0 ? value / readers / seconds : 0);
  const byKind = {} as ReaderTraffic['byKind'];
  let messages = 0;
  let bytes = 0;
  TrafficKinds.forEach((kind, n) => {
    const kindMessages = (after.messages[n] ?? 0) - (before.messages[n] ?? 0);
    const kindBytes = (after.bytes[n] ?? 0) - (before.bytes[n] ?? 0);
    messages += kindMessages;
    bytes += kindBytes;
    byKind[kind] = { messages: per(kindMessages), bytes: per(kindBytes) };
  });
  return {
    messages: per(messages),
    bytes: per(bytes),
    presenceMessages: byKind.presence.messages,
    presenceBytes: byKind.presence.bytes,
    byKind,
    sentMessages: per(after.sentMessages - before.sentMessages),
    sentBytes: per(after.sentBytes - before.sentBytes),
  };
}
