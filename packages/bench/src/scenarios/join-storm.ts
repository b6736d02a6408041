/**
 * Scenario 8 (issue 10 item 7): a join storm. The big thread is seeded with 10,000 comments; then
 * 5,000 signed-in readers arrive within 10 s (a push notification), each connecting and joining as
 * the widget does (thread:join, presence:set, presence:sync, economy:state). Per reader: connect
 * start → join ack, and connected → join ack. Goal: join p99 ≤ 1 s.
 */
import { join } from 'node:path';
import { CommentLatency } from '../comment-latency.js';
import type { BenchConfig } from '../config.js';
import type { PinningState } from '../cpu-pinning.js';
import type { AckErrors } from '../light-client.js';
import { busyPercentSince, readCoreTimes, waitForQuietMachine } from '../machine-load.js';
import type { SeedRequest } from '../parley-child-api.js';
import { ReaderFleet, widgetCadence } from '../readers.js';
import { summarize, type LatencySummary } from '../stats.js';
import { benchThreads, parley } from '../targets.js';

export interface JoinStormResult {
  readers: number;
  windowSeconds: number;
  threadComments: number;
  joined: number;
  /** How long the arrivals really took to start and finish, s. */
  spreadSeconds: number;
  connectAndJoinMs: LatencySummary;
  joinMs: LatencySummary;
  failures: AckErrors;
  serverCpuPercent: number;
  neighbourLoadPercent: [number, number] | null;
}

export async function runJoinStorm(config: BenchConfig, pinning: PinningState, log: (line: string) => void): Promise<JoinStormResult> {
  const server = await parley.start(pinning);
  const fleet = new ReaderFleet(server.url, benchThreads.big, new CommentLatency(), {
    presence: true,
    signedInShare: 1,
    typingShare: 0,
    typingSeconds: widgetCadence.typingSeconds,
    presenceRenewMs: widgetCadence.presenceRenewMs,
    heartbeatMs: widgetCadence.heartbeatMs,
  }, []);
  try {
    log(`  seeding ${config.joinThreadComments} comments through dispatch…`);
    const seed: SeedRequest = { thread: benchThreads.big, count: config.joinThreadComments, replyShare: 0.3, concurrency: 64 };
    await server.call('seedComments', seed);
    const users = Array.from({ length: config.stormReaders }, (_, n) => ({ sub: `storm-${n}`, name: `Storm ${n}`, lvl: 5 }));
    const tokens = await parley.tokens(server, users);
    await waitForQuietMachine(config.waitQuietSeconds, log);
    log(`  ${config.stormReaders} readers arriving within ${config.stormSeconds} s`);
    const cpuBefore = await server.cpuClock();
    const clientBefore = process.cpuUsage();
    const coresBefore = readCoreTimes();
    const started = performance.now();
    const profileDir = process.env.BENCH_PROFILE_DIR;
    if (profileDir) await server.call('profileStart');
    const storm = await fleet.storm(tokens, config.stormSeconds * 1000);
    if (profileDir) log(`  storm profiled: ${await server.call<string>('profileStop', join(profileDir, 'storm.cpuprofile'))}`);
    const elapsedMs = performance.now() - started;
    const client = process.cpuUsage(clientBefore);
    const busy = busyPercentSince(coresBefore);
    const cpuAfter = await server.cpuClock();
    const serverCpuPercent = ((cpuAfter.micros - cpuBefore.micros) / 1000 / Math.max(1, cpuAfter.atMs - cpuBefore.atMs)) * 100;
    const clientPercent = ((client.user + client.system) / 1000 / elapsedMs) * 100;
    const result: JoinStormResult = {
      readers: config.stormReaders,
      windowSeconds: config.stormSeconds,
      threadComments: config.joinThreadComments,
      joined: fleet.size,
      spreadSeconds: storm.spreadMs / 1000,
      connectAndJoinMs: summarize(storm.connectAndJoinMs),
      joinMs: summarize(storm.joinMs),
      failures: fleet.joinFailures,
      serverCpuPercent,
      neighbourLoadPercent: pinning.pinned && busy ? [Math.max(0, (busy[0] ?? 0) - serverCpuPercent), Math.max(0, (busy[1] ?? 0) - clientPercent)] : null,
    };
    log(`  storm: ${result.joined} joined in ${result.spreadSeconds.toFixed(1)} s, join p99 ${result.joinMs.p99?.toFixed(0) ?? '—'} ms, connect+join p99 ${result.connectAndJoinMs.p99?.toFixed(0) ?? '—'} ms`);
    return result;
  } finally {
    fleet.close();
    await server.stop();
  }
}
