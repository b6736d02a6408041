/**
 * "At a rate": operations started on a fixed schedule (`rate` a second, evenly spaced), whatever the
 * acks do — as a site's readers post, each on their own, not waiting for one another. A closed loop
 * of W writers cannot show a latency below W ÷ rate (Little's law: 200 writers at 5,000/s wait 40 ms
 * on average by construction), and it slows its own offered load when the server stalls, which hides
 * the stall (coordinated omission). Here each latency runs from the moment the schedule said to send,
 * not from when the client managed to, so a client or server that falls behind shows as latency.
 */
import type { ClosedLoopResult } from './closed-loop.js';
import { SampleSet } from './stats.js';

export interface OpenLoopResult extends ClosedLoopResult {
  /** The schedule: operations a second offered. */
  offeredPerSecond: number;
  /** How far behind its schedule the client sent, at worst (ms): above a few ms the client was the cap. */
  maxSendLagMs: number;
}

/**
 * Starts `operation(n)` for n = 0, 1, … at `rate` a second for `seconds`, then waits for every one
 * to settle. `operation` resolves to null on success or to an error code; a rejection counts as
 * `exception`. `workers` is only reported (how many connections the operations were spread over).
 */
export async function runOpenLoop(
  workers: number,
  rate: number,
  seconds: number,
  operation: (n: number) => Promise<string | null>,
): Promise<OpenLoopResult> {
  const latencies = new SampleSet();
  const errors: Record<string, number> = {};
  const total = Math.max(1, Math.floor(rate * seconds));
  const interval = 1000 / rate;
  let completed = 0;
  let issued = 0;
  let settled = 0;
  let maxSendLagMs = 0;
  const started = performance.now();
  await new Promise<void>((done) => {
    const settle = (due: number, failure: string | null): void => {
      latencies.add(performance.now() - due);
      if (failure === null) completed += 1;
      else errors[failure] = (errors[failure] ?? 0) + 1;
      if (++settled === total) done();
    };
    const tick = (): void => {
      const now = performance.now();
      for (let due = started + issued * interval; issued < total && due <= now; due = started + issued * interval) {
        maxSendLagMs = Math.max(maxSendLagMs, now - due);
        issued += 1;
        operation(issued - 1).then(
          (failure) => settle(due, failure),
          () => settle(due, 'exception'),
        );
      }
      // Timers fire at about 1 ms at best: each tick sends what fell due since the last.
      if (issued < total) setTimeout(tick, Math.max(0, started + issued * interval - performance.now()));
    };
    tick();
  });
  const elapsed = (performance.now() - started) / 1000;
  return { workers, seconds: elapsed, completed, perSecond: completed / elapsed, latencyMs: latencies.summary(), errors, offeredPerSecond: rate, maxSendLagMs };
}
