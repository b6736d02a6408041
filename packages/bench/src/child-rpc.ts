/**
 * The IPC contract between the benchmark (parent) and a server under test (child). The child
 * measures its own CPU with `process.cpuUsage()` — exact to the microsecond and including every
 * thread — and reports it on request, so the parent never has to guess from outside.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { writeHeapSnapshot } from 'node:v8';

export interface ChildReady {
  kind: 'ready';
  url: string;
}

export interface ChildRequest {
  kind: 'request';
  id: number;
  command: string;
  args: unknown;
}

export interface ChildResponse {
  kind: 'response';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}


/** The child's CPU time so far (user + system, µs) and when it read it (ms since the epoch, sub-ms). */
export interface CpuClock {
  micros: number;
  atMs: number;
}

/** The child's memory after a full garbage collection, bytes. */
export interface ChildMemory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Whether a collection ran first (the child had --expose-gc). */
  collected: boolean;
}

export type CommandHandler = (args: unknown) => Promise<unknown>;

/**
 * Child side: answers the parent's requests with `handlers`, and exits when the parent goes away
 * (its IPC channel closes), so a crashed or killed benchmark never leaves a server running.
 */
export function serveParent(url: string, handlers: Map<string, CommandHandler>, stop: () => Promise<void>): void {
  const send = (message: ChildReady | ChildResponse): void => {
    process.send?.(message);
  };
  const all = new Map(handlers);
  all.set('cpu', async (): Promise<NodeJS.CpuUsage> => process.cpuUsage());
  // With the child's own clock: a busy child answers late, and its CPU must be divided by ITS time.
  all.set('cpuClock', async (): Promise<CpuClock> => {
    const usage = process.cpuUsage();
    return { micros: usage.user + usage.system, atMs: performance.timeOrigin + performance.now() };
  });
  // After a full collection (the child runs with --expose-gc): what live objects hold, not garbage.
  all.set('memory', async (): Promise<ChildMemory> => {
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let n = 0; n < 3; n++) gc?.();
    const usage = process.memoryUsage();
    return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, collected: gc !== undefined };
  });
  // A heap snapshot after a full collection, for a script to sum by constructor (README, "Profiling").
  all.set('heapSnapshot', async (args: unknown): Promise<string> => {
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let n = 0; n < 3; n++) gc?.();
    return writeHeapSnapshot(String(args));
  });
  // A CPU profile of a window only (BENCH_PROFILE_DIR): started and stopped by the parent around it.
  const profiler = new Session();
  all.set('profileStart', async (): Promise<null> => {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    await profiler.post('Profiler.start');
    return null;
  });
  all.set('profileStop', async (args: unknown): Promise<string> => {
    const { profile } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    writeFileSync(String(args), JSON.stringify(profile));
    return String(args);
  });
  all.set('stop', async () => {
    await stop();
    // Answer first, then leave: the parent awaits this reply before it stops waiting for us.
    setImmediate(() => process.exit(0));
    return null;
  });
  process.on('message', (message: ChildRequest) => {
    if (message?.kind !== 'request') return;
    const handler = all.get(message.command);
    if (!handler) {
      send({ kind: 'response', id: message.id, ok: false, error: `unknown command ${message.command}` });
      return;
    }
    handler(message.args).then(
      (result) => send({ kind: 'response', id: message.id, ok: true, result }),
      (error: unknown) => send({ kind: 'response', id: message.id, ok: false, error: String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', url });
}

/** Child side: the JSON config the parent put in the environment. */
export function childConfig<T>(): T {
  const raw = process.env.BENCH_CHILD_CONFIG;
  if (!raw || !process.send) {
    console.error('This is a benchmark child process; start the benchmark with `node dist/run.js`.');
    process.exit(2);
  }
  return JSON.parse(raw) as T;
}
