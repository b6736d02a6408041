/**
 * Two cores, two roles: the server under test gets core 0 to itself, the load-generating clients
 * core 1. Without pinning the scheduler moves both around and the server's figures include time it
 * spent waiting for the clients' core, which is what we are trying not to measure.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const serverCore = 0;
export const clientCore = 1;

export interface PinningState {
  /** Whether children are started under `taskset -c 0` and this process moved to core 1. */
  pinned: boolean;
  /** Why not, when not. */
  note: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Moves every thread of this process (`-a`: V8 and libuv threads too) to the client core. */
export function pinThisProcessToClientCore(): PinningState {
  const cores = availableParallelism();
  if (cores < 2) return { pinned: false, note: `only ${cores} core available: server and clients share it` };
  if (!hasTaskset()) return { pinned: false, note: 'taskset not found (util-linux): running unpinned' };
  try {
    execFileSync('taskset', ['-a', '-cp', String(clientCore), String(process.pid)], { stdio: 'ignore' });
  } catch (error) {
    return { pinned: false, note: `taskset refused (${String(error)}): running unpinned` };
  }
  return { pinned: true, note: `server on core ${serverCore}, clients on core ${clientCore} (of ${cores})` };
}

/**
 * The command line that starts `node script` on the server core (or unpinned). Extra Node flags
 * for the server under test come from BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`
 * to profile it (Node refuses --cpu-prof in NODE_OPTIONS).
 */
export function serverCommand(pinning: PinningState, script: string): { command: string; args: string[] } {
  const extraNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  // --expose-gc: the memory rows collect garbage before reading the heap (child-rpc.ts `memory`).
  const node = [process.execPath, '--expose-gc', ...extraNodeArgs, script];
  if (!pinning.pinned) return { command: node[0] as string, args: node.slice(1) };
  return { command: 'taskset', args: ['-c', String(serverCore), ...node] };
}
