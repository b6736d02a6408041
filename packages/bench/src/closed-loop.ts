/**
 * "As fast as acks return": `workers` loops, each starting its next operation the moment the last
 * one finished, for a fixed time. Used both over sockets (parent) and through `dispatch` (child).
 */
import { SampleSet, type LatencySummary } from './stats.js';

export interface ClosedLoopResult {
  workers: number;
  seconds: number;
  completed: number;
  perSecond: number;
  latencyMs: LatencySummary;
  /** Failures by error code; a benchmark of errors is not a benchmark of writes. */
  errors: Record<string, number>;
}

/** CPU a process spent over a closed-loop run: share of one core, and per completed operation. */
export interface CpuShare {
  percent: number;
  /** Of `percent`, the part spent in the kernel (syscalls, fsync bookkeeping); fsync waits count as neither. */
  kernelPercent: number;
  microsPerOperation: number | null;
}

export function cpuShare(used: NodeJS.CpuUsage, seconds: number, operations: number): CpuShare {
  const percentOf = (micros: number) => (micros / 1e6 / seconds) * 100;
  return {
    percent: percentOf(used.user + used.system),
    kernelPercent: percentOf(used.system),
    microsPerOperation: operations > 0 ? (used.user + used.system) / operations : null,
  };
}

/** `operation` resolves to null on success or to an error code. */
export async function runClosedLoop(
  workers: number,
  seconds: number,
  operation: (worker: number, iteration: number) => Promise<string | null>,
): Promise<ClosedLoopResult> {
  const latencies = new SampleSet();
  const errors: Record<string, number> = {};
  let completed = 0;
  const started = performance.now();
  const endAt = started + seconds * 1000;
  const loop = async (worker: number): Promise<void> => {
    for (let iteration = 0; performance.now() < endAt; iteration++) {
      const sentAt = performance.now();
      const failure = await operation(worker, iteration);
      latencies.add(performance.now() - sentAt);
      if (failure === null) completed += 1;
      else errors[failure] = (errors[failure] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, worker) => loop(worker)));
  const elapsed = (performance.now() - started) / 1000;
  return { workers, seconds: elapsed, completed, perSecond: completed / elapsed, latencyMs: latencies.summary(), errors };
}
