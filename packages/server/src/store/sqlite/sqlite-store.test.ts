import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { describeStoreConformance } from '../store-conformance.js';
import { describeNotesConformance } from '../notes-conformance.js';
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
