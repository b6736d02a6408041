/**
 * Scenario 3: how many comments a second Parley acknowledges when writers post as fast as acks
 * return, on a real SQLite file with synchronous=FULL (every ack waits for an fsync). Once over
 * sockets, once through `server.dispatch` in the server's own process — the store's ceiling.
 */
import type { BenchConfig } from '../config.js';
import { connectClient, request, type ParleySocket } from '../clients.js';
import { cpuShare, runClosedLoop, type ClosedLoopResult, type CpuShare } from '../closed-loop.js';
import type { PinningState } from '../cpu-pinning.js';
import { probeDiskSyncRate, type DiskProbe } from '../disk-probe.js';
import { waitForQuietMachine } from '../machine-load.js';
import { benchTempDir } from '../temp-dir.js';
import type { DispatchPostsRequest, DispatchPostsResult } from '../parley-child-api.js';
import { benchThreads, parley, writerUsers } from '../targets.js';

export interface SustainedPostsResult {
  overSockets: ClosedLoopResult & { serverCpu: CpuShare };
  inProcess: DispatchPostsResult;
  /** The disk's raw write+fdatasync rate just before and just after the two runs. */
  diskBefore: DiskProbe;
  diskAfter: DiskProbe;
}

export async function runSustainedPosts(
  config: BenchConfig,
  pinning: PinningState,
  log: (line: string) => void,
): Promise<SustainedPostsResult> {
  const server = await parley.start(pinning);
  const sockets: ParleySocket[] = [];
  try {
    const tokens = await parley.tokens(server, writerUsers('sustained', config.sustainedWriters));
    for (const token of tokens) sockets.push(await connectClient(server.url, token));
    const thread = benchThreads.sustainedSockets;
    // One post each first: creates the thread and warms the code paths outside the window.
    await Promise.all(sockets.map((socket, n) => request(socket, 'comment:post', { requestId: `warm-${n}`, thread, body: 'warm up' })));

    await waitForQuietMachine(config.waitQuietSeconds, log);
    const diskBefore = probeDiskSyncRate(benchTempDir());
    log(`  ${config.sustainedWriters} socket writers posting as fast as acks return for ${config.sustainedSeconds} s`);
    const cpuBefore = await server.cpuUsage();
    const overSockets = await runClosedLoop(config.sustainedWriters, config.sustainedSeconds, async (worker, iteration) => {
      const socket = sockets[worker] as ParleySocket;
      const body = `Sustained post ${iteration} from writer ${worker}: the store must fsync this before the ack.`;
      const ack = await request(socket, 'comment:post', { requestId: `sus-${worker}-${iteration}`, thread, body });
      return ack.ok ? null : ack.error.code;
    });
    const cpuAfter = await server.cpuUsage();
    const used = { user: cpuAfter.user - cpuBefore.user, system: cpuAfter.system - cpuBefore.system };
    const serverCpu = cpuShare(used, overSockets.seconds, overSockets.completed);

    log(`  ${config.sustainedWriters} in-process writers through dispatch for ${config.sustainedSeconds} s`);
    const direct: DispatchPostsRequest = { thread: benchThreads.sustainedDispatch, writers: config.sustainedWriters, seconds: config.sustainedSeconds };
    const inProcess = await server.call<DispatchPostsResult>('dispatchPosts', direct);
    const diskAfter = probeDiskSyncRate(benchTempDir());
    return { overSockets: { ...overSockets, serverCpu }, inProcess, diskBefore, diskAfter };
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
  }
}
