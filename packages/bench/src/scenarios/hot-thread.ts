/**
 * Scenario 1 and 2: one hot thread, N readers, a steady mix of comments and reactions. Measures
 * comment delivery latency (emit → each reader's receipt), server CPU per delivered message, and
 * whether every reader got every seq. Run once against Parley and once against the baseline.
 */
import type { BenchConfig } from '../config.js';
import { connectClient, expectOk, request, type ParleySocket } from '../clients.js';
import { CommentLatency, type CommentTimeline } from '../comment-latency.js';
import type { PinningState } from '../cpu-pinning.js';
import { HotWriters, type WriterTotals } from '../hot-writers.js';
import { busyPercentSince, readCoreTimes, waitForQuietMachine } from '../machine-load.js';
import { ReaderFleet, type ReaderTotals } from '../readers.js';
import type { LatencySummary } from '../stats.js';
import { writerUsers, type ServerUnderTest } from '../targets.js';

export interface HotThreadResult {
  server: ServerUnderTest['name'];
  readers: number;
  connectSeconds: number;
  measuredSeconds: number;
  writers: WriterTotals;
  /** Comment delivery latency over every (comment × reader) pair, ms. */
  deliveryMs: LatencySummary;
  expectedDeliveries: number;
  receipts: ReaderTotals;
  /** Messages received by readers inside the measured window. */
  messagesDelivered: number;
  serverCpuMs: number;
  /** Share of one core the server used over the window (100 = the core was full). */
  serverCpuPercent: number;
  serverCpuPerMessageUs: number | null;
  /** Share of the client core: near 100 means latencies include the clients' own queueing. */
  clientCpuPercent: number;
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

const thread = 'bench/hot-thread';
const commenterCount = 2;
const reactorCount = 4;
const reactionPoolSize = 40;

export async function runHotThread(
  target: ServerUnderTest,
  readerCount: number,
  config: BenchConfig,
  pinning: PinningState,
  log: (line: string) => void,
): Promise<HotThreadResult> {
  const server = await target.start(pinning);
  const sockets: ParleySocket[] = [];
  const latency = new CommentLatency();
  const fleet = new ReaderFleet(server.url, thread, latency);
  try {
    const tokens = await target.tokens(server, writerUsers(`hot-${target.name}`, commenterCount + reactorCount));
    for (const token of tokens) sockets.push(await connectClient(server.url, token));
    const commenters = sockets.slice(0, commenterCount);
    const reactors = sockets.slice(commenterCount);
    const pool = await postReactionPool(commenters[0] as ParleySocket, latency);

    const connectMs = await fleet.open(readerCount, config.connectBatchSize, (opened) => {
      if (opened % 1000 === 0 || opened === readerCount) log(`  ${target.name}: ${opened}/${readerCount} readers joined`);
    });
    // Also lets join work and GC settle before the window opens.
    await waitForQuietMachine(Math.max(1, config.waitQuietSeconds), log);

    const writers = new HotWriters(commenters, reactors, thread, pool, latency);
    const cpuBefore = await server.cpuMicros();
    const clientCpuBefore = process.cpuUsage();
    const messagesBefore = fleet.messagesSoFar();
    const coresBefore = readCoreTimes();
    const windowStart = performance.now();
    log(`  ${target.name}: sending ${config.commentsPerSecond} comments/s + ${config.reactionsPerSecond} reactions/s for ${config.hotSeconds} s`);
    const writerTotals = await writers.run(config.hotSeconds, config);
    const drainMs = await fleet.waitFor(writerTotals.finalSeq, config.drainSeconds * 1000);
    const windowMs = performance.now() - windowStart;
    const cpuMicros = (await server.cpuMicros()) - cpuBefore;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const messagesDelivered = fleet.messagesSoFar() - messagesBefore;
    const coreBusy = busyPercentSince(coresBefore);
    const serverCpuPercent = (cpuMicros / 1000 / windowMs) * 100;
    const clientCpuPercent = ((clientCpu.user + clientCpu.system) / 1000 / windowMs) * 100;
    const neighbourLoadPercent: [number, number] | null =
      pinning.pinned && coreBusy
        ? [Math.max(0, (coreBusy[0] ?? 0) - serverCpuPercent), Math.max(0, (coreBusy[1] ?? 0) - clientCpuPercent)]
        : null;

    return {
      server: target.name,
      readers: readerCount,
      connectSeconds: connectMs / 1000,
      measuredSeconds: windowMs / 1000,
      writers: writerTotals,
      deliveryMs: latency.deliveries.summary(),
      expectedDeliveries: writerTotals.comments * readerCount,
      receipts: fleet.totals(writerTotals.finalSeq),
      messagesDelivered,
      serverCpuMs: cpuMicros / 1000,
      serverCpuPercent,
      serverCpuPerMessageUs: messagesDelivered > 0 ? cpuMicros / messagesDelivered : null,
      clientCpuPercent,
      drainMs,
      neighbourLoadPercent,
      commentTimeline: latency.timeline(),
    };
  } finally {
    fleet.close();
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
