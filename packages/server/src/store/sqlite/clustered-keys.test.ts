/**
 * Costs that do not grow with the data (issue 10 item 3, SPEC GROW): where a new row lands in its
 * B-tree decides how many pages its COMMIT writes. A row that goes among older rows packed full
 * makes SQLite split or rebalance the page with its siblings (three or four pages to the WAL); one
 * that goes beside other new rows writes one. Counted in WAL frames, one per page a COMMIT wrote.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { timeOrderedId } from '../../commands/context.js';
import { latestVersion, migrations } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';
import { sql } from './statements.js';

const day = 24 * 60 * 60 * 1000;

/** A migrated database file, and a connection to it that never checkpoints: its WAL only grows. */
async function migratedFile(): Promise<{ db: Database.Database; walFrames: () => number }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-grow-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'grow.db');
  await SqliteStore.open({ path }).close();
  const db = new Database(path);
  onTestFinished(() => void db.close());
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  // The WAL's 32-byte header, then per frame a 24-byte header and the page.
  const walFrames = (): number => Math.max(0, (statSync(`${path}-wal`).size - 32) / (pageSize + 24));
  return { db, walFrames };
}

describe('[GROW-1] reactions keyed by comment', () => {
  it('[GROW-1] a like writes about one reactions page however many older reactions its thread has', async () => {
    const { db, walFrames } = await migratedFile();
    const upsert = db.prepare(sql.upsertReaction);
    const thread = 'site:grown-thread';
    // A month of the thread's history: 20,000 likes by 2,000 readers on 400 comments, bulk-inserted
    // in key order (SQLite packs such pages full), then checkpointed: the WAL starts empty.
    const oldComments = Array.from({ length: 400 }, (_, n) => timeOrderedId(Date.now() - 30 * day + n * 60_000));
    db.transaction(() => {
      for (let n = 0; n < 20_000; n++) upsert.run(thread, oldComments[n % 400], `reader-${(n * 7919) % 2000}`, 'like');
    })();
    // The closed store's checkpoint worker may still hold the file for a moment: truncate until done.
    for (let tries = 0; tries < 100; tries++) {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result?.busy === 0 && walFrames() === 0) break;
      await new Promise((next) => setTimeout(next, 20));
    }
    expect(walFrames()).toBe(0);
    // Today: 200 readers, in no order of their ids, like a new comment, one COMMIT each.
    const fresh = timeOrderedId(Date.now());
    const likes = 200;
    for (let n = 0; n < likes; n++) db.transaction(() => upsert.run(thread, fresh, `reader-${(n * 7919) % 2000}`, 'like'))();
    expect(db.prepare('SELECT count(*) FROM reactions WHERE comment = ?').pluck().get(fresh)).toBe(likes);
    // Keyed (thread, user, comment), each like went among that reader's old likes: 1.48 pages a like (1.19 now).
    expect(walFrames() / likes).toBeLessThan(1.3);
  });

  it('[GROW-1] migration 15 keeps every reaction of a database made before it, and a thread still lists its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-grow-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'v13.db');
    const old = new Database(path);
    for (const migration of migrations.filter((m) => m.version <= 13)) old.exec(migration.sql);
    old.pragma('user_version = 13');
    old.exec("INSERT INTO threads (id, site, origin, title, url, created_at) VALUES ('s:a', 's', 'admin', 'A', 'https://s/a', 1), ('s:b', 's', 'admin', 'B', 'https://s/b', 1)");
    const comment = old.prepare(`INSERT INTO comments (id, thread, root_id, depth, seq, author_id, author_name, author_level, body, created_at)
      VALUES (?, ?, ?, 0, ?, 'w', 'W', 1, 'x', 1)`);
    comment.run('c1', 's:a', 'c1', 1);
    comment.run('c2', 's:a', 'c2', 2);
    comment.run('c3', 's:b', 'c3', 1);
    const react = old.prepare('INSERT INTO reactions (thread, comment, user, value) VALUES (?, ?, ?, ?)');
    react.run('s:a', 'c1', 'u1', 'like');
    react.run('s:a', 'c2', 'u1', 'dislike');
    react.run('s:a', 'c1', 'u2', 'like');
    react.run('s:b', 'c3', 'u1', 'like');
    old.close();

    const store = SqliteStore.open({ path });
    onTestFinished(() => store.close());
    expect(await store.schemaVersion()).toBe(latestVersion);
    const mine = await store.read(async (tx) => tx.getReactions('s:a', 'u1', ['c1', 'c2', 'c3']));
    expect([...mine.entries()].sort()).toEqual([['c1', 'like'], ['c2', 'dislike']]);
    const listed = await store.read(async (tx) => tx.porting.listThreadReactions('s:a'));
    expect(listed.map((r) => [r.commentId, r.userId, r.value])).toEqual([['c1', 'u1', 'like'], ['c1', 'u2', 'like'], ['c2', 'u1', 'dislike']]);
    // A second like of the same comment by the same reader changes it, as before.
    await store.write(async (tx) => tx.setReaction('s:a', 'c1', 'u1', 'dislike'));
    expect((await store.read(async (tx) => tx.getReactions('s:a', 'u1', ['c1']))).get('c1')).toBe('dislike');
  });
});
