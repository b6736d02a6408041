/**
 * [DUR-12] Request records appended by rowid (migration 16): where a post's request record lands
 * decides how many pages its COMMIT writes, counted in WAL frames (one per page a COMMIT wrote).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { latestVersion, migrations } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';
import { sql } from './statements.js';

function tempPath(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-requests-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

/** A result as big as a posted comment's (about 600 bytes of JSON). */
const result = (n: number): string => JSON.stringify({ seq: n, comment: { id: `c${n}`, body: 'x'.repeat(480), author: { id: 'someone', name: 'Someone' } } });

/** One COMMIT of `writers` request records, one per writer, after `history` records each: the WAL frames it wrote. */
function framesOfOneCommit(db: Database.Database, path: string, insert: (user: string, request: string, at: number) => void, writers: number, history: number): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const frames = (): number => Math.max(0, (statSync(`${path}-wal`).size - 32) / (pageSize + 24));
  let at = 1_000;
  for (let round = 0; round < history; round++) db.transaction(() => { for (let w = 0; w < writers; w++) insert(`s:writer-${w}`, `req-${round}-${w}`, at++); })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  expect(frames()).toBe(0);
  db.transaction(() => { for (let w = 0; w < writers; w++) insert(`s:writer-${w}`, `req-new-${w}`, at++); })();
  return frames();
}

describe('[DUR-12] request records', () => {
  it('[DUR-12] a hundred writers\' records in one COMMIT write a fraction of the pages the (user, requestId) table did', async () => {
    const path = tempPath('pages.db');
    await SqliteStore.open({ path }).close();
    const db = new Database(path);
    onTestFinished(() => void db.close());
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare(sql.insertRequest);
    const now = framesOfOneCommit(db, path, (user, request, at) => insert.run(user, request, 'f', result(at), at), 100, 30);
    // The layout before migration 16, same records, same order.
    const oldPath = tempPath('old.db');
    const old = new Database(oldPath);
    onTestFinished(() => void old.close());
    old.pragma('journal_mode = WAL');
    old.pragma('wal_autocheckpoint = 0');
    old.exec((migrations[0]?.sql ?? '').slice((migrations[0]?.sql ?? '').indexOf('CREATE TABLE requests')));
    const oldInsert = old.prepare('INSERT INTO requests (user_id, request_id, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?)');
    const before = framesOfOneCommit(old, oldPath, (user, request, at) => oldInsert.run(user, request, 'f', result(at), at), 100, 30);
    // Measured: 2.23 pages a record keyed (user, requestId) WITHOUT ROWID, 0.45 appended.
    expect(before / 100).toBeGreaterThan(1.5);
    expect(now / 100).toBeLessThan(0.8);
  });

  it('[DUR-12] migration 16 keeps every record of a database made before it: a retry still answers, a reuse is still refused, pruning by age still works', async () => {
    const path = tempPath('v15.db');
    const old = new Database(path);
    for (const migration of migrations.filter((m) => m.version <= 15)) old.exec(migration.sql);
    old.pragma('user_version = 15');
    const insert = old.prepare('INSERT INTO requests (user_id, request_id, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?)');
    insert.run('s:u1', 'r1', 'f1', '{"seq":1}', 100);
    insert.run('s:u2', 'r1', 'f2', '{"seq":2}', 300);
    insert.run('s:u1', 'r2', 'f3', 'null', 200);
    old.close();

    const store = SqliteStore.open({ path });
    onTestFinished(() => store.close());
    expect(await store.schemaVersion()).toBe(latestVersion);
    expect(await store.read((tx) => tx.getRequest('s:u1', 'r1'))).toEqual({ fingerprint: 'f1', result: { seq: 1 }, createdAt: 100 });
    expect(await store.read((tx) => tx.getRequest('s:u2', 'r1'))).toEqual({ fingerprint: 'f2', result: { seq: 2 }, createdAt: 300 });
    expect(await store.read((tx) => tx.getRequest('s:u1', 'r2'))).toEqual({ fingerprint: 'f3', result: null, createdAt: 200 });
    await expect(store.write((tx) => tx.saveRequest('s:u1', 'r1', { fingerprint: 'f9', result: 1, createdAt: 400 }))).rejects.toThrow();
    await store.write((tx) => tx.saveRequest('s:u3', 'r1', { fingerprint: 'f4', result: 4, createdAt: 500 }));
    // Copied in the order they were made, so pruning by rowid range keeps exactly the young ones.
    expect(await store.pruneRequests(250)).toBe(2);
    expect(await store.read((tx) => tx.getRequest('s:u1', 'r1'))).toBeNull();
    expect(await store.read((tx) => tx.getRequest('s:u1', 'r2'))).toBeNull();
    expect(await store.read((tx) => tx.getRequest('s:u2', 'r1'))).toMatchObject({ fingerprint: 'f2' });
    expect(await store.read((tx) => tx.getRequest('s:u3', 'r1'))).toMatchObject({ fingerprint: 'f4' });
    expect(await store.pruneRequests(10_000)).toBe(2);
    expect(await store.pruneRequests(10_000)).toBe(0);
  });

  it('[DUR-12] a record made after a clock stepped back is kept until every record before it is old enough', async () => {
    const path = tempPath('clock.db');
    const store = SqliteStore.open({ path });
    onTestFinished(() => store.close());
    await store.write((tx) => tx.saveRequest('u', 'a', { fingerprint: 'f', result: 1, createdAt: 1_000 }));
    await store.write((tx) => tx.saveRequest('u', 'b', { fingerprint: 'f', result: 2, createdAt: 5_000 }));
    await store.write((tx) => tx.saveRequest('u', 'c', { fingerprint: 'f', result: 3, createdAt: 2_000 }));
    // The cut falls after a and c: a goes; c, made after b, waits for b (never pruned early).
    expect(await store.pruneRequests(3_000)).toBe(1);
    expect(await store.read((tx) => tx.getRequest('u', 'c'))).toMatchObject({ result: 3 });
    expect(await store.pruneRequests(6_000)).toBe(2);
  });
});
