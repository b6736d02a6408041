/**
 * Scenario 6 and 7 (issue 10 items 4 and 6): N readers who joined the hot thread and sit there.
 *
 * - Memory: the server's heap and RSS after a full GC, before the readers and with them, ÷ N —
 *   Parley and the bare Socket.IO baseline with the same readers (heartbeats off, no presence).
 * - Heartbeats: the server's CPU while every reader sends `read:heartbeat` at the widget's
 *   cadence, minus its CPU with the same readers and none — after a warm-up lap, so each reader's
 *   first beat on the node (which reads its durable clock) is not in the window; then the lap of
 *   first credits and one steady flush cycle (see `firstCreditWindow`). The baseline answers the
 *   same beats with a fixed ack: Socket.IO's own cost per beat.
 */
import { join } from 'node:path';
import type { ChildHandle } from '../child-handle.js';
import { delay } from '../child-handle.js';
import type { ChildMemory } from '../child-rpc.js';
import { CommentLatency } from '../comment-latency.js';
import type { BenchConfig } from '../config.js';
import type { PinningState } from '../cpu-pinning.js';
import { busyPercentSince, readCoreTimes, waitForQuietMachine } from '../machine-load.js';
import { ReaderFleet, widgetCadence } from '../readers.js';
import { baseline, benchThreads, parley, type ServerUnderTest } from '../targets.js';

export interface IdleMemory {
  server: ServerUnderTest['name'];
  readers: number;
  joined: number;
  before: ChildMemory;
  after: ChildMemory;
  /** (after − before) ÷ joined readers, bytes. */
  heapPerReader: number;
  rssPerReader: number;
}

export interface HeartbeatCost {
  readers: number;
  beatsPerSecond: number;
  /** Server CPU, % of a core, with the heartbeats and without them (same readers). */
  cpuPercent: number;
  idleCpuPercent: number;
  /** (with − without) ÷ beats, µs. */
  microsPerBeat: number | null;
  refused: number;
  /** CPU other processes took on the server / client core during the heartbeat window. */
  neighbourLoadPercent: [number, number] | null;
  /** How long the window was (absent in results from before 2026-12-01 evening: the steady one was 60 s). */
  seconds?: number;
}

export interface IdleReadersResult {
  memory: IdleMemory[];
  /** Steady reading: one full flush cycle (see `steadyWindowSeconds`). */
  heartbeats: HeartbeatCost | null;
  /** The lap in which every reader's first Twei of the post is written (see `firstCreditWindow`). */
  firstCreditHeartbeats?: HeartbeatCost | null;
  /**
   * The same heartbeats answered by the bare Socket.IO baseline (a fixed ack, nothing else): what
   * Socket.IO's receive and ack cost alone, the floor under Parley's figure.
   */
  baselineHeartbeats?: HeartbeatCost | null;
  /** The same two with every beat asking for its answer, as widgets before BEAT-17 did (absent before 2026-12-01 night). */
  everyBeatAnswered?: { parley: HeartbeatCost | null; baseline: HeartbeatCost | null };
}

const windowSeconds = 20;

/**
 * Engine.IO's ping interval (both servers keep the default, 25 s). The readers connect within a few
 * seconds of each other, so their pings come in one wave every 25 s: a "without heartbeats" window
 * shorter than the interval may catch the wave or miss it (it measured 9.9 % for one server and
 * 0.0 % for the other with the same readers). It lasts one whole interval, so it holds one ping of
 * each reader, as the longer windows with heartbeats hold theirs.
 */
const pingIntervalSeconds = 25;

export async function runIdleReaders(config: BenchConfig, pinning: PinningState, log: (line: string) => void): Promise<IdleReadersResult> {
  const readers = config.idleReaders;
  const memory: IdleMemory[] = [];
  let heartbeats: HeartbeatCost | null = null;
  let baselineHeartbeats: HeartbeatCost | null = null;
  let firstCreditHeartbeats: HeartbeatCost | null = null;
  const everyBeatAnswered: { parley: HeartbeatCost | null; baseline: HeartbeatCost | null } = { parley: null, baseline: null };
  // BENCH_IDLE_PARLEY_ONLY=1: Parley's windows without the every-beat one, and no bare Socket.IO run
  // (a shorter run, for before/after rounds of one change; the floor then comes from a full run).
  const parleyOnly = process.env.BENCH_IDLE_PARLEY_ONLY === '1';
  for (const target of parleyOnly ? [parley] : [parley, baseline]) {
    const server = await target.start(pinning);
    const fleet = new ReaderFleet(server.url, benchThreads.hot, new CommentLatency(), {
      presence: false,
      signedInShare: 1,
      typingShare: 0,
      typingSeconds: widgetCadence.typingSeconds,
      presenceRenewMs: widgetCadence.presenceRenewMs,
      heartbeatMs: widgetCadence.heartbeatMs,
    }, []);
    try {
      const users = Array.from({ length: readers }, (_, n) => ({ sub: `idle-${n}`, name: `Idle ${n}`, lvl: 5 }));
      const tokens = await target.tokens(server, users);
      await delay(1000);
      const before = await server.call<ChildMemory>('memory');
      await snapshot(server, `${target.name}-before`);
      fleet.heartbeatsOn = false;
      await fleet.open(tokens, config.connectBatchSize, (opened) => {
        if (opened % 5000 === 0 || opened === readers) log(`  ${target.name}: ${opened}/${readers} idle readers tried, ${fleet.size} joined`);
      }, 120_000);
      await delay(3000);
      const after = await server.call<ChildMemory>('memory');
      await snapshot(server, `${target.name}-after`);
      const joined = fleet.size;
      memory.push({
        server: target.name,
        readers,
        joined,
        before,
        after,
        heapPerReader: (after.heapUsed - before.heapUsed) / joined,
        rssPerReader: (after.rss - before.rss) / joined,
      });
      log(`  ${target.name}: ${((after.heapUsed - before.heapUsed) / joined).toFixed(0)} B heap and ${((after.rss - before.rss) / joined).toFixed(0)} B RSS per idle reader`);
      const cost = await heartbeatCost(target.name, server, fleet, config, pinning, log, parleyOnly);
      if (target === parley) {
        heartbeats = cost.steady;
        firstCreditHeartbeats = cost.firstCredit;
        everyBeatAnswered.parley = cost.everyBeat;
      } else {
        baselineHeartbeats = cost.steady;
        everyBeatAnswered.baseline = cost.everyBeat;
      }
    } finally {
      fleet.close();
      await server.stop();
    }
  }
  return { memory, heartbeats, firstCreditHeartbeats, baselineHeartbeats, everyBeatAnswered };
}

/** With BENCH_HEAP_SNAPSHOT_DIR set: the server's heap, before and with the readers, for a by-constructor diff. */
async function snapshot(server: ChildHandle, name: string): Promise<void> {
  const dir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
  if (dir) await server.call('heapSnapshot', join(dir, `${name}.heapsnapshot`));
}

/**
 * Heartbeat windows, from the moment every reader starts beating (readers beat every 10 s, at a
 * phase of their own): lap 1 only starts the clocks (each reader's first beat on the node reads
 * its durable clock) and is not measured; the first window is the lap in which every reader's
 * first Twei of the post is written at once (the shipped `readMsPerTwei` is 20 s: the third beat),
 * a synchronized wave of 10,000 writes that real readers, arriving over time, spread out; the
 * steady window is one full `readFlushEveryMs` (the server's default, 120 s) after it, in which each
 * reader's waiting reading is written once and every other beat is answered from memory — what
 * 10,000 reading readers cost for as long as they read.
 */
const firstCreditWindow = { startsAfterMs: widgetCadence.heartbeatMs + 2000, seconds: 20 };
const steadyWindowSeconds = 120;

async function heartbeatCost(
  name: string,
  server: ChildHandle,
  fleet: ReaderFleet,
  config: BenchConfig,
  pinning: PinningState,
  log: (line: string) => void,
  steadyOnly = false,
): Promise<{ steady: HeartbeatCost; firstCredit: HeartbeatCost | null; everyBeat: HeartbeatCost | null }> {
  const ownCpu = async (): Promise<number[]> => {
    const usage = process.cpuUsage();
    return [(await server.cpuClock()).micros, usage.user + usage.system];
  };
  await waitForQuietMachine(Math.max(1, config.waitQuietSeconds), log, pinning.pinned ? ownCpu : undefined);
  const cpuPercentOver = async (seconds: number): Promise<number> => {
    const before = await server.cpuClock();
    await delay(seconds * 1000);
    const after = await server.cpuClock();
    return ((after.micros - before.micros) / 1000 / Math.max(1, after.atMs - before.atMs)) * 100;
  };
  const idleCpuPercent = await cpuPercentOver(pingIntervalSeconds);
  const measure = async (window: string, seconds: number): Promise<HeartbeatCost> => {
    const refusedBefore = refusals(fleet);
    fleet.resetCadence();
    const coresBefore = readCoreTimes();
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    const profileDir = process.env.BENCH_PROFILE_DIR;
    if (profileDir) await server.call('profileStart');
    const cpuPercent = await cpuPercentOver(seconds);
    if (profileDir) log(`  ${name}: ${window} window profiled: ${await server.call<string>('profileStop', join(profileDir, `heartbeats-${name}-${window}.cpuprofile`))}`);
    const elapsedMs = performance.now() - started;
    const client = process.cpuUsage(clientBefore);
    const busy = busyPercentSince(coresBefore);
    const beats = fleet.cadence().heartbeats;
    const beatsPerSecond = beats / (elapsedMs / 1000);
    const clientPercent = ((client.user + client.system) / 1000 / elapsedMs) * 100;
    const result: HeartbeatCost = {
      readers: fleet.size,
      seconds,
      beatsPerSecond,
      cpuPercent,
      idleCpuPercent,
      microsPerBeat: beats > 0 ? (((cpuPercent - idleCpuPercent) / 100) * elapsedMs * 1000) / beats : null,
      refused: refusals(fleet) - refusedBefore,
      neighbourLoadPercent: pinning.pinned && busy ? [Math.max(0, (busy[0] ?? 0) - cpuPercent), Math.max(0, (busy[1] ?? 0) - clientPercent)] : null,
    };
    log(`  ${name} (${window}): ${beatsPerSecond.toFixed(0)} heartbeats/s cost ${(cpuPercent - idleCpuPercent).toFixed(1)} % of a core (${result.microsPerBeat?.toFixed(0) ?? '—'} µs each)`);
    return result;
  };
  fleet.heartbeatsOn = true;
  // Then the same beats each asking for its answer (widgets before BEAT-17), in the same run.
  const everyBeat = async (seconds: number): Promise<HeartbeatCost> => {
    fleet.askEveryBeat = true;
    try {
      return await measure('every-beat-answered', seconds);
    } finally {
      fleet.askEveryBeat = false;
    }
  };
  if (name !== 'parley') {
    // Nothing to warm: the baseline answers every beat the same.
    await delay(2000);
    const steady = await measure('steady', windowSeconds);
    return { steady, firstCredit: null, everyBeat: await everyBeat(windowSeconds) };
  }
  log(`  ${name}: heartbeats on; a ${firstCreditWindow.startsAfterMs / 1000} s warm-up lap, ${firstCreditWindow.seconds} s of first credits, then ${steadyWindowSeconds} s steady`);
  await delay(firstCreditWindow.startsAfterMs);
  const firstCredit = await measure('first-credit', firstCreditWindow.seconds);
  const steady = await measure('steady', steadyWindowSeconds);
  return { steady, firstCredit, everyBeat: steadyOnly ? null : await everyBeat(steadyWindowSeconds) };
}

function refusals(fleet: ReaderFleet): number {
  return Object.values(fleet.ackErrors['read:heartbeat'] ?? {}).reduce((sum, n) => sum + n, 0);
}
