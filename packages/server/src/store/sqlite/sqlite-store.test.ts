import { describeDeliveryConformance } from '../delivery-conformance.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { describeStoreConformance } from '../store-conformance.js';
import { describeNotesConformance } from '../notes-conformance.js';
import { describeFormatConformance } from '../format-conformance.js';
import { latestVersion } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';
import { sql } from './statements.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describeStoreConformance('sqlite in memory', async () => SqliteStore.open({ path: ':memory:' }));
describeStoreConformance('sqlite file', async () => SqliteStore.open({ path: join(tempDir(), 'parley.db') }));
describeNotesConformance('sqlite in memory', async () => SqliteStore.open({ path: ':memory:' }));
describeDeliveryConformance('sqlite file', async () => SqliteStore.open({ path: join(tempDir(), 'parley.db') }));
describeFormatConformance('sqlite in memory', async () => SqliteStore.open({ path: ':memory:' }));

describe('SqliteStore on disk', () => {
  it('creates missing directories, uses WAL, and migrates to the latest version', async () => {
    const path = join(tempDir(), 'nested', 'deeper', 'parley.db');
    const store = SqliteStore.open({ path });
    expect(await store.schemaVersion()).toBe(latestVersion);
    await store.close();
    const raw = new Database(path, { readonly: true });
    onTestFinished(() => void raw.close());
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['comments', 'events', 'reactions', 'requests', 'threads', 'votes']));
  });

  it('keeps committed data across reopen and does not re-run migrations', async () => {
    const path = join(tempDir(), 'parley.db');
    const first = SqliteStore.open({ path });
    await first.write(async (tx) => {
      await tx.ensureThread('t', 'T', null, 1);
      await tx.nextSeq('t');
    });
    await first.close();
    const second = SqliteStore.open({ path });
    onTestFinished(() => second.close());
    expect(await second.read((tx) => tx.getThread('t'))).toMatchObject({ title: 'T', seq: 1 });
    expect(await second.schemaVersion()).toBe(latestVersion);
  });

  it('uses an index for every page query, never a sort or a scan of the comments table', async () => {
    const path = join(tempDir(), 'plan.db');
    await SqliteStore.open({ path }).close();
    const db = new Database(path, { readonly: true });
    onTestFinished(() => void db.close());
    for (const name of ['rootsTopAfter', 'rootsTopFirst', 'rootsNew', 'rootsOld', 'replies'] as const) {
      const text = sql[name];
      const params = Array.from({ length: text.split('?').length - 1 }, () => 0);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[])
        .map((row) => row.detail)
        .join('; ');
      expect({ name, plan }).toEqual({ name, plan: expect.stringMatching(/USING INDEX comments_/) });
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });
});

describe('SqliteStore single connection (not the store contract)', () => {
  it('[ST-3] write transactions run one at a time, even across awaits', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    onTestFinished(() => store.close());
    const log: string[] = [];
    const slow = store.write(async () => {
      log.push('slow:start');
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push('slow:end');
    });
    const fast = store.write(async () => {
      log.push('fast:start');
    });
    const read = store.read(async () => {
      log.push('read');
    });
    await Promise.all([slow, fast, read]);
    expect(log).toEqual(['slow:start', 'slow:end', 'fast:start', 'read']);
  });
});

describe('SqliteStore group commit', () => {
  /** Three writes issued in one turn, so they share one transaction; the middle one throws. */
  function threeWrites(store: SqliteStore, during?: () => void) {
    const first = store.write(async (tx) => {
      await tx.ensureThread('a', null, null, 1);
      return tx.nextSeq('t');
    });
    const middle = store.write(async (tx) => {
      await tx.ensureThread('b', null, null, 1);
      await tx.nextSeq('t');
      throw new Error('the middle command fails');
    });
    const last = store.write(async (tx) => {
      during?.();
      await tx.ensureThread('c', null, null, 1);
      return tx.nextSeq('t');
    });
    return { first, middle, last };
  }

  it('[DUR-7] a command that throws in a group is rolled back alone; the others commit, seq stays gapless', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    onTestFinished(() => store.close());
    await store.write((tx) => tx.ensureThread('t', null, null, 1));
    const before = store.writeStats;
    const { first, middle, last } = threeWrites(store);
    await expect(middle).rejects.toThrow('the middle command fails');
    expect([await first, await last]).toEqual([1, 2]);
    // First without savepoints, rolled back whole at the failure; then the other two, with one each.
    expect(store.writeStats).toEqual({ transactions: before.transactions + 2, writes: before.writes + 2, reruns: before.reruns + 1 });
    expect(await store.read((tx) => Promise.all(['a', 'b', 'c', 't'].map((id) => tx.getThread(id))))).toMatchObject([
      { id: 'a' },
      null,
      { id: 'c' },
      { id: 't', seq: 2 },
    ]);
  });

  it('answers every caller only after the COMMIT: another connection sees the row when the promise resolves', async () => {
    const path = join(tempDir(), 'group.db');
    const store = SqliteStore.open({ path });
    onTestFinished(() => store.close());
    await store.write((tx) => tx.ensureThread('t', null, null, 1));
    const other = new Database(path, { readonly: true });
    onTestFinished(() => void other.close());
    const visible = (id: string): boolean => other.prepare('SELECT 1 FROM threads WHERE id = ?').get(id) !== undefined;

    let firstVisibleBeforeCommit: boolean | null = null;
    const { first, middle, last } = threeWrites(store, () => {
      // Runs after the first command finished, inside the same open transaction.
      firstVisibleBeforeCommit = visible('a');
    });
    // Handled now: the refusal may come a turn before the others' answers (DUR-10: they wait for the rerun's sync).
    const refused = middle.catch(() => undefined);
    const seenOnResolve = await Promise.all([first.then(() => visible('a')), last.then(() => visible('c'))]);
    await refused;
    expect(firstVisibleBeforeCommit).toBe(false);
    expect(seenOnResolve).toEqual([true, true]);
    expect(visible('b')).toBe(false);
  });

  it('[DUR-7] caps a group at 128 writes and runs the rest in the next', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    onTestFinished(() => store.close());
    await store.write((tx) => tx.ensureThread('t', null, null, 1));
    const before = store.writeStats;
    const seqs = await Promise.all(Array.from({ length: 200 }, () => store.write((tx) => tx.nextSeq('t'))));
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(store.writeStats).toEqual({ transactions: before.transactions + 2, writes: before.writes + 200, reruns: before.reruns });
  });
});
