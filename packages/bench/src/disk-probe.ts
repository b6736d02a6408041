/**
 * The disk's own commit rate right now: append a few KiB and fdatasync, in a loop, in the same
 * directory as the databases. SQLite with synchronous=FULL pays one such sync per commit, so
 * "posts per second ÷ syncs per second" says how many posts share a commit (1 = no grouping),
 * and a busy disk (someone else's tests) shows here instead of being blamed on the server.
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from './stats.js';

export interface DiskProbe {
  syncsPerSecond: number;
  medianSyncMs: number;
}

export function probeDiskSyncRate(dir: string, seconds = 2): DiskProbe {
  const path = join(dir, 'fsync-probe.bin');
  const fd = openSync(path, 'w');
  const page = Buffer.alloc(8192, 7);
  const times: number[] = [];
  try {
    const started = performance.now();
    for (let offset = 0; performance.now() - started < seconds * 1000; offset += page.length) {
      const before = performance.now();
      writeSync(fd, page, 0, page.length, offset);
      fdatasyncSync(fd);
      times.push(performance.now() - before);
    }
    const elapsed = (performance.now() - started) / 1000;
    return { syncsPerSecond: times.length / elapsed, medianSyncMs: percentile(times.sort((a, b) => a - b), 0.5) };
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}
