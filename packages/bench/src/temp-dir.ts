/**
 * Temp dirs for the servers' databases. They sit in the OS temp dir, which must be a real disk
 * for the fsync figures to mean anything (a tmpfs /tmp would make synchronous=FULL free), so the
 * file system type is reported with the results.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';

let root: string | null = null;

/** One dir per benchmark run, removed at exit however the run ends. */
export function benchTempDir(): string {
  if (root === null) {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
    root = dir;
    onCleanup(`temp dir ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  }
  return root;
}

let nextDb = 1;

/** A fresh SQLite path in the run's temp dir; each server under test starts from an empty database. */
export function freshDbPath(label: string): string {
  return join(benchTempDir(), `${label}-${nextDb++}.db`);
}

/** e.g. "ext4 (/dev/vda)"; "unknown" when `df` is unavailable. */
export function tempFileSystem(): string {
  try {
    const lines = execFileSync('df', ['-T', benchTempDir()], { encoding: 'utf8' }).trim().split('\n');
    const [device, type] = (lines[1] ?? '').split(/\s+/);
    return `${type ?? '?'} (${device ?? '?'})`;
  } catch {
    return 'unknown';
  }
}
