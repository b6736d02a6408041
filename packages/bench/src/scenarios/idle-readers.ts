/**
 * Scenario 6 and 7 (issue 10 items 4 and 6): N readers who joined the hot thread and sit there.
 *
 * - Memory: the server's heap and RSS after a full GC, before the readers and with them, ÷ N —
 *   Parley and the bare Socket.IO baseline with the same readers (heartbeats off, no presence).
 * - Heartbeats (Parley): the server's CPU while every reader sends `read:heartbeat` at the widget's
 *   cadence, minus its CPU with the same readers and none — after a warm-up lap, so each reader's
 *   first beat on the node (which reads its durable clock) is not in the window.
 */
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
}

export interface IdleReadersResult {
  memory: IdleMemory[];
  heartbeats: HeartbeatCost | null;
}

const windowSeconds = 20;

export async function runIdleReaders(config: BenchConfig, pinning: PinningState, log: (line: string) => void): Promise<IdleReadersResult> {
  const readers = config.idleReaders;
  const memory: IdleMemory[] = [];
  let heartbeats: HeartbeatCost | null = null;
  for (const target of [parley, baseline]) {
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
      fleet.heartbeatsOn = false;
      await fleet.open(tokens, config.connectBatchSize, (opened) => {
        if (opened % 5000 === 0 || opened === readers) log(`  ${target.name}: ${opened}/${readers} idle readers tried, ${fleet.size} joined`);
      }, 120_000);
      await delay(3000);
      const after = await server.call<ChildMemory>('memory');
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
      if (target === parley) heartbeats = await heartbeatCost(server, fleet, config, pinning, log);
    } finally {
      fleet.close();
      await server.stop();
    }
  }
  return { memory, heartbeats };
}

async function heartbeatCost(server: ChildHandle, fleet: ReaderFleet, config: BenchConfig, pinning: PinningState, log: (line: string) => void): Promise<HeartbeatCost> {
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
  const idleCpuPercent = await cpuPercentOver(windowSeconds / 2);
  fleet.heartbeatsOn = true;
  // One lap of the wheel: every reader's first beat on this node, outside the window.
  log(`  parley: heartbeats on; a ${widgetCadence.heartbeatMs / 1000} s warm-up lap, then ${windowSeconds} s measured`);
  await delay(widgetCadence.heartbeatMs + 2000);
  const refusedBefore = refusals(fleet);
  fleet.resetCadence();
  const coresBefore = readCoreTimes();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const cpuPercent = await cpuPercentOver(windowSeconds);
  const elapsedMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  const busy = busyPercentSince(coresBefore);
  const beats = fleet.cadence().heartbeats;
  const beatsPerSecond = beats / (elapsedMs / 1000);
  const clientPercent = ((client.user + client.system) / 1000 / elapsedMs) * 100;
  const result: HeartbeatCost = {
    readers: fleet.size,
    beatsPerSecond,
    cpuPercent,
    idleCpuPercent,
    microsPerBeat: beats > 0 ? (((cpuPercent - idleCpuPercent) / 100) * elapsedMs * 1000) / beats : null,
    refused: refusals(fleet) - refusedBefore,
    neighbourLoadPercent: pinning.pinned && busy ? [Math.max(0, (busy[0] ?? 0) - cpuPercent), Math.max(0, (busy[1] ?? 0) - clientPercent)] : null,
  };
  log(`  parley: ${beatsPerSecond.toFixed(0)} heartbeats/s cost ${(cpuPercent - idleCpuPercent).toFixed(1)} % of a core (${result.microsPerBeat?.toFixed(0) ?? '—'} µs each)`);
  return result;
}

function refusals(fleet: ReaderFleet): number {
  return Object.values(fleet.ackErrors['read:heartbeat'] ?? {}).reduce((sum, n) => sum + n, 0);
}
