/** Facts about the machine that decide whether a run's figures can be trusted or compared. */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  openFileLimit: number | null;
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    openFileLimit: openFileLimit(),
  };
}

/** The soft limit on open files (`ulimit -n`), which children inherit; null where /proc is absent. */
export function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? null : Number(soft);
  } catch {
    return null;
  }
}

/**
 * Each side of a run holds one socket per reader (the clients here, the server in its child), plus
 * a margin for writers, the database and Node itself.
 */
export function fitsOpenFileLimit(readers: number, limit: number | null): boolean {
  return limit === null || readers + 256 <= limit;
}

export const raiseLimitHint =
  'Raise the open-file limit first, e.g. `ulimit -n 16384 && pnpm bench` (as root, or up to the hard limit `ulimit -Hn`).';
