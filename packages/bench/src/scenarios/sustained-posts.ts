/**
 * Scenario 3 (issue 10 item 4, "durable posts"): how many comments a second Parley acknowledges
 * when writers post as fast as acks return, on a real SQLite file with synchronous=FULL (every ack
 * waits for an fsync; group commit lets the posts waiting together share one). Rows:
 *   - over sockets, every writer in this one client thread;
 *   - over sockets, the same writers spread over `sustainedThreads` client threads (the client core
 *     is shared either way; one thread's event loop can be the cap);
 *   - over the first row's sockets, posts offered at `sustainedRate` a second on a fixed schedule
 *     whatever the acks do (open-loop.ts): the ack latency at the goal's rate, as independent
 *     readers would see it, where a closed loop's latency is its writer count ÷ its rate;
 *   - through `server.dispatch` in the server's own process — the store's and commands' ceiling.
 * For each: acked posts/s, ack p50/p99, server CPU µs per post, and writes per COMMIT. Then a short
 * in-process window with the store counting its statements: statements per post, and which.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BenchConfig } from '../config.js';
import type { ChildHandle } from '../child-handle.js';
import { connectClient, request, type ParleySocket } from '../clients.js';
import { cpuShare, runClosedLoop, type ClosedLoopResult, type CpuShare } from '../closed-loop.js';
import { runOpenLoop, type OpenLoopResult } from '../open-loop.js';
import type { PinningState } from '../cpu-pinning.js';
import { probeDiskSyncRate, type DiskProbe } from '../disk-probe.js';
import { waitForQuietMachine } from '../machine-load.js';
import { benchTempDir } from '../temp-dir.js';
import type { DispatchPostsRequest, DispatchPostsResult, StoreStats } from '../parley-child-api.js';
import { SampleSet } from '../stats.js';
import type { WriterThreadData, WriterThreadMessage } from '../sustained-writer-thread.js';
import { benchThreads, parley, writerUsers } from '../targets.js';

export interface SustainedRun extends ClosedLoopResult {
  serverCpu: CpuShare;
  /** This process's CPU (all its threads) as % of one core; null for the in-process row. */
  clientCpuPercent: number | null;
  /** Client threads the writers ran on (0: in the server's process). */
  threads: number;
  /** Write calls per COMMIT (group commit) during the window. */
  writesPerCommit: number | null;
  /** The writer's stalls in the window: groups held for the checkpointer to catch up (DUR-1), and for how long. */
  catchUps: number;
  catchUpMs: number;
  /** WAL syncs off the event loop a second (DUR-10); null when SQLite synced inside each COMMIT. */
  walSyncsPerSecond: number | null;
  /** An open-loop row (open-loop.ts): the posts a second offered on a schedule, and the client's worst lag behind it. */
  offeredPerSecond?: number;
  maxSendLagMs?: number;
}

export interface StatementSample {
  posts: number;
  /** Every statement the store ran per acknowledged post, transaction control included. */
  perPost: number;
  /** Of `perPost`: BEGIN / COMMIT / SAVEPOINT / RELEASE. */
  controlPerPost: number;
  writesPerCommit: number | null;
  /** Per post, by statement name, with the ms each took (timed: slower than the rows above). */
  byName: { name: string; perPost: number; microsPerPost: number }[];
}

export interface SustainedPostsResult {
  overSockets: SustainedRun;
  /** The same writers over several client threads; null with `--sustained-threads=1`. */
  overSocketThreads: SustainedRun | null;
  /** The same sockets, posts offered at `--sustained-rate` a second whatever the acks do; null with rate 0. */
  openLoop: SustainedRun | null;
  inProcess: SustainedRun;
  statements: StatementSample;
  /** The disk's raw write+fdatasync rate just before and just after the runs. */
  diskBefore: DiskProbe;
  diskAfter: DiskProbe;
}

/** What the store did between two readings: group size, stalls, syncs. */
const storeMotion = (before: StoreStats, after: StoreStats, seconds: number) => ({
  writesPerCommit: writesPerCommit(before, after),
  catchUps: after.catchUps - before.catchUps,
  catchUpMs: after.catchUpMs - before.catchUpMs,
  walSyncsPerSecond: after.walSyncs === null || before.walSyncs === null ? null : (after.walSyncs - before.walSyncs) / seconds,
});

const writesPerCommit = (before: StoreStats, after: StoreStats): number | null => {
  const commits = after.transactions - before.transactions;
  return commits > 0 ? (after.writes - before.writes) / commits : null;
};

export async function runSustainedPosts(
  config: BenchConfig,
  pinning: PinningState,
  log: (line: string) => void,
): Promise<SustainedPostsResult> {
  const server = await parley.start(pinning);
  const sockets: ParleySocket[] = [];
  const writers = config.sustainedWriters;
  try {
    const tokens = await parley.tokens(server, writerUsers('sustained', writers));
    for (const token of tokens) sockets.push(await connectClient(server.url, token));
    const thread = benchThreads.sustainedSockets;
    // One post each first: creates the writers' accounts and warms the code paths outside the window.
    await Promise.all(sockets.map((socket, n) => request(socket, 'comment:post', { requestId: `warm-${n}`, thread, body: 'warm up' })));

    await waitForQuietMachine(config.waitQuietSeconds, log);
    const diskBefore = probeDiskSyncRate(benchTempDir());
    log(`  ${writers} socket writers in one client thread posting as fast as acks return for ${config.sustainedSeconds} s`);
    const overSockets = await measured(server, 1, log, 'sockets', async () =>
      runClosedLoop(writers, config.sustainedSeconds, async (worker, iteration) => {
        const socket = sockets[worker] as ParleySocket;
        const body = `Sustained post ${iteration} from writer ${worker}: the store must fsync this before the ack.`;
        const ack = await request(socket, 'comment:post', { requestId: `sus-${worker}-${iteration}`, thread, body });
        return ack.ok ? null : ack.error.code;
      }),
    );
    let openLoop: SustainedRun | null = null;
    if (config.sustainedRate > 0) {
      await waitForQuietMachine(config.waitQuietSeconds, log);
      log(`  ${config.sustainedRate} posts/s offered on a schedule over the same ${writers} sockets for ${config.sustainedSeconds} s (open loop)`);
      openLoop = await measured(server, 1, log, 'open-loop', async () =>
        runOpenLoop(writers, config.sustainedRate, config.sustainedSeconds, async (n) => {
          const worker = n % writers;
          const body = `Scheduled post ${n} from writer ${worker}: the store must fsync this before the ack.`;
          const ack = await request(sockets[worker] as ParleySocket, 'comment:post', { requestId: `open-${worker}-${n}`, thread, body });
          return ack.ok ? null : ack.error.code;
        }),
      );
    }
    for (const socket of sockets.splice(0)) socket.close();

    let overSocketThreads: SustainedRun | null = null;
    if (config.sustainedThreads > 1) {
      const threads = Math.min(config.sustainedThreads, writers);
      log(`  ${writers} socket writers over ${threads} client threads for ${config.sustainedSeconds} s`);
      const threadTokens = await parley.tokens(server, writerUsers('sustained-t', writers));
      overSocketThreads = await writerThreads(server, threads, threadTokens as string[], thread, config.sustainedSeconds, config.waitQuietSeconds, log);
    }

    log(`  ${writers} in-process writers through dispatch for ${config.sustainedSeconds} s`);
    await waitForQuietMachine(config.waitQuietSeconds, log);
    const direct: DispatchPostsRequest = { thread: benchThreads.sustainedDispatch, writers, seconds: config.sustainedSeconds };
    const before = await server.call<StoreStats>('storeStats');
    const inProcessRun = await profiled(server, log, 'dispatch', () => server.call<DispatchPostsResult>('dispatchPosts', direct));
    const after = await server.call<StoreStats>('storeStats');
    const inProcess: SustainedRun = { ...inProcessRun, clientCpuPercent: null, threads: 0, ...storeMotion(before, after, inProcessRun.seconds) };
    const diskAfter = probeDiskSyncRate(benchTempDir());

    log('  statements per post: in-process writers for 2 s with the store counting (and timing) its statements');
    const statements = await countStatements(server, writers);
    return { overSockets, overSocketThreads, openLoop, inProcess, statements, diskBefore, diskAfter };
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
  }
}

/** With BENCH_PROFILE_DIR, `window` under a CPU profile of the server (`sustained-<name>.cpuprofile`; its figures are not for comparison). */
async function profiled<T>(server: ChildHandle, log: (line: string) => void, name: string, window: () => Promise<T>): Promise<T> {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  if (!profileDir) return window();
  await server.call('profileStart');
  const result = await window();
  log(`  ${name} window profiled: ${await server.call<string>('profileStop', join(profileDir, `sustained-${name}.cpuprofile`))}`);
  return result;
}

/** Runs `loop` between two readings of the server's CPU and store counters, and of this process's CPU. */
async function measured(
  server: ChildHandle,
  threads: number,
  log: (line: string) => void,
  name: string,
  loop: () => Promise<ClosedLoopResult | OpenLoopResult>,
): Promise<SustainedRun> {
  const before = await server.call<StoreStats>('storeStats');
  const cpuBefore = await server.cpuUsage();
  const clientBefore = process.cpuUsage();
  const result = await profiled(server, log, name, loop);
  const client = process.cpuUsage(clientBefore);
  const cpuAfter = await server.cpuUsage();
  const after = await server.call<StoreStats>('storeStats');
  const used = { user: cpuAfter.user - cpuBefore.user, system: cpuAfter.system - cpuBefore.system };
  return {
    ...result,
    serverCpu: cpuShare(used, result.seconds, result.completed),
    clientCpuPercent: cpuShare(client, result.seconds, result.completed).percent,
    threads,
    ...storeMotion(before, after, result.seconds),
  };
}

/** The writers spread over `threads` worker threads, each with its own sockets; started together once all are connected. */
async function writerThreads(
  server: ChildHandle,
  threads: number,
  tokens: string[],
  thread: string,
  seconds: number,
  waitQuietSeconds: number,
  log: (line: string) => void,
): Promise<SustainedRun> {
  const workers: Worker[] = [];
  const done: Promise<WriterThreadMessage & { kind: 'done' }>[] = [];
  try {
    const ready: Promise<void>[] = [];
    for (let n = 0; n < threads; n++) {
      const share = tokens.filter((_, index) => index % threads === n);
      const data: WriterThreadData = { url: server.url, tokens: share, thread, seconds, tag: `sus-t${n}` };
      const worker = new Worker(new URL('../sustained-writer-thread.js', import.meta.url), { workerData: data });
      workers.push(worker);
      const failed = new Promise<never>((_, reject) => {
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`writer thread ${n} exited (${code})`)));
      });
      const messages = (kind: WriterThreadMessage['kind']) =>
        Promise.race([
          failed,
          new Promise<WriterThreadMessage>((resolve) => {
            const listen = (message: WriterThreadMessage) => {
              if (message.kind !== kind) return;
              worker.off('message', listen);
              resolve(message);
            };
            worker.on('message', listen);
          }),
        ]);
      ready.push(messages('ready').then(() => undefined));
      done.push(messages('done') as Promise<WriterThreadMessage & { kind: 'done' }>);
      // Unhandled until awaited below; a failure surfaces there.
      done.at(-1)?.catch(() => undefined);
    }
    await Promise.all(ready);
    await waitForQuietMachine(waitQuietSeconds, log);
    return await measured(server, threads, log, `sockets-${threads}-threads`, async () => {
      for (const worker of workers) worker.postMessage('go');
      const results = (await Promise.all(done)).map((message) => message.result);
      const latencies = new SampleSet();
      const errors: Record<string, number> = {};
      let completed = 0;
      for (const result of results) {
        latencies.addAll(result.latencies);
        completed += result.completed;
        for (const [code, times] of Object.entries(result.errors)) errors[code] = (errors[code] ?? 0) + times;
      }
      const elapsed = Math.max(...results.map((result) => result.seconds));
      return { workers: tokens.length, seconds: elapsed, completed, perSecond: completed / elapsed, latencyMs: latencies.summary(), errors };
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** A short in-process window with the store counting and timing every statement it runs. */
async function countStatements(server: ChildHandle, writers: number): Promise<StatementSample> {
  await server.call('countStatements', { time: true });
  const before = await server.call<StoreStats>('storeStats');
  const run = await server.call<DispatchPostsResult>('dispatchPosts', { thread: benchThreads.sustainedDispatch, writers, seconds: 2, tag: 'counted' } satisfies DispatchPostsRequest);
  const after = await server.call<StoreStats>('storeStats');
  await server.call('countStatements', false);
  const posts = Math.max(1, run.completed);
  const byName = Object.entries(after.statements.byName)
    .map(([name, { runs, ms }]) => ({ name, perPost: runs / posts, microsPerPost: (ms * 1000) / posts }))
    .sort((a, b) => b.microsPerPost - a.microsPerPost);
  return {
    posts: run.completed,
    perPost: after.statements.total / posts,
    controlPerPost: after.statements.control / posts,
    writesPerCommit: writesPerCommit(before, after),
    byName,
  };
}
