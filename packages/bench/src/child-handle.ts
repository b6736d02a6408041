/**
 * Parent side of a server under test: starts it on the server core, waits for its URL, sends it
 * commands, and makes sure it dies with the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.js';
import type { ChildReady, ChildRequest, ChildResponse, CpuClock } from './child-rpc.js';
import { serverCommand, type PinningState } from './cpu-pinning.js';

const startTimeoutMs = 30_000;

export class ChildHandle {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exited = false;

  private constructor(
    readonly label: string,
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly forget: () => void,
  ) {
    child.on('message', (message: ChildResponse) => {
      if (message?.kind !== 'response') return;
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.ok) waiter?.resolve(message.result);
      else waiter?.reject(new Error(`${label}: ${message.error ?? 'failed'}`));
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`${label} exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  /** `script` is a file next to this one in dist/, e.g. `server-child.js`. */
  static async start(label: string, script: string, config: unknown, pinning: PinningState): Promise<ChildHandle> {
    const path = fileURLToPath(new URL(script, import.meta.url));
    const { command, args } = serverCommand(pinning, path);
    // The child writes straight to our stdout/stderr: a pipe through this process would block
    // the server under test (pipe writes are synchronous) whenever the clients keep us busy.
    const child = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, BENCH_CHILD_CONFIG: JSON.stringify(config) },
    });
    const forget = onCleanup(`${label} (pid ${child.pid})`, () => killChild(child));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label} did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
      child.on('message', (message: ChildReady) => {
        if (message?.kind !== 'ready') return;
        clearTimeout(timer);
        resolve(message.url);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited before it was ready (${code ?? signal})`));
      });
      child.once('error', reject);
    });
    return new ChildHandle(label, url, child, forget);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<T>(command: string, args: unknown = null): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.label} has exited`));
    const id = this.nextId++;
    const request: ChildRequest = { kind: 'request', id, command, args };
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send(request);
    });
  }

  /** The child's CPU time so far, in µs, as `process.cpuUsage()` in the child reports it. */
  cpuUsage(): Promise<NodeJS.CpuUsage> {
    return this.call<NodeJS.CpuUsage>('cpu');
  }

  /** The child's CPU time so far and the child's clock when it read it (a busy child answers late). */
  cpuClock(): Promise<CpuClock> {
    return this.call<CpuClock>('cpuClock');
  }

  /** The child's CPU time (user + system) so far, in µs. */
  async cpuMicros(): Promise<number> {
    const usage = await this.cpuUsage();
    return usage.user + usage.system;
  }

  async stop(): Promise<void> {
    this.forget();
    if (!this.exited) {
      // Ask nicely so the server closes its database; kill it if it does not manage in time.
      await Promise.race([this.call('stop').catch(() => undefined), delay(5000)]);
    }
    // It exits by itself right after answering (writing a --cpu-prof profile first, if asked).
    await killChild(this.child, 10_000);
  }
}

/** Waits `graceMs` for the child to exit by itself, then SIGTERM, then SIGKILL. */
async function killChild(child: ChildProcess, graceMs = 0): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)])) return;
  child.kill('SIGTERM');
  const stillAlive = await Promise.race([exited.then(() => false), delay(3000).then(() => true)]);
  if (stillAlive) {
    child.kill('SIGKILL');
    await exited;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
