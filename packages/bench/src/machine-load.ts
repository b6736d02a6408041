/**
 * Load on each core from everything on the machine, read from /proc/stat. Pinning keeps our two
 * processes apart, but not a test suite or a browser someone else runs on the same box; this is
 * how a run tells that its figures were shared with such a neighbour.
 */
import { readFileSync } from 'node:fs';
import { delay } from './child-handle.js';

/** Jiffies per core: busy (including steal) and total. */
export type CoreTimes = { busy: number; total: number }[];

export function readCoreTimes(): CoreTimes | null {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((line) => /^cpu\d+ /.test(line))
      .map((line) => {
        const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
          .split(/\s+/)
          .slice(1)
          .map(Number);
        const busy = user + nice + system + irq + softirq + steal;
        return { busy, total: busy + idle + iowait };
      });
  } catch {
    return null;
  }
}

/** Busy share of each core since `before`, in percent of that core. */
export function busyPercentSince(before: CoreTimes | null): number[] | null {
  const after = readCoreTimes();
  if (!before || !after) return null;
  return after.map((core, n) => {
    const start = before[n];
    if (!start || core.total === start.total) return 0;
    return ((core.busy - start.busy) / (core.total - start.total)) * 100;
  });
}

const quietPercent = 15;

/**
 * CPU time (µs) this run's own processes have used so far, per core (server core, client core):
 * subtracted from what a core was busy with, when readers keep the machine busy on purpose.
 */
export type OwnCpu = () => Promise<number[]>;

/**
 * Waits (up to `maxSeconds`) until no core is more than a little busy, so a run does not start in
 * the middle of someone's build. With `own`, only other processes' load counts: connected readers
 * renew presence and send heartbeats, which is load the run means to have. Returns the last
 * sample's load, for the record.
 */
export async function waitForQuietMachine(maxSeconds: number, log: (line: string) => void, own?: OwnCpu): Promise<number[] | null> {
  const deadline = performance.now() + maxSeconds * 1000;
  let warned = false;
  for (;;) {
    const ownBefore = await own?.();
    const before = readCoreTimes();
    const startedAt = performance.now();
    await delay(1000);
    const busy = busyPercentSince(before);
    const ownAfter = await own?.();
    const seconds = (performance.now() - startedAt) / 1000;
    const load =
      busy && ownBefore && ownAfter
        ? busy.map((percent, core) => Math.max(0, percent - ((ownAfter[core] ?? 0) - (ownBefore[core] ?? 0)) / 1e4 / seconds))
        : busy;
    if (!load || load.every((percent) => percent < quietPercent)) return load;
    if (performance.now() >= deadline) {
      log(`  ! machine still busy (${formatLoad(load)}); measuring anyway — figures include that contention`);
      return load;
    }
    if (!warned) log(`  machine busy (${own ? 'others: ' : ''}${formatLoad(load)}); waiting up to ${maxSeconds} s for it to quieten…`);
    warned = true;
  }
}

export function formatLoad(load: readonly number[]): string {
  return load.map((percent, core) => `core ${core} ${percent.toFixed(0)}%`).join(', ');
}
