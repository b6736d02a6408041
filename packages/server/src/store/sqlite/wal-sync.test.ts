import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { syncFile, type SyncFile } from './wal-sync.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-wal-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The real fdatasync, held until the test lets each one go: the disk's flush made as slow as the test likes. */
function heldSyncs() {
  const held: (() => void)[] = [];
  let fail: Error | null = null;
  const sync: SyncFile = async (fd) => {
    await new Promise<void>((resolve) => held.push(resolve));
    if (fail) throw fail;
    await syncFile(fd);
  };
  return {
    sync,
    get waiting(): number {
      return held.length;
    },
    release(): void {
      held.shift()?.();
    },
    failNext(error: Error): void {
      fail = error;
    },
  };
}

/** Lets every callback and microtask that is ready run (not a sync held by the test). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
/** Waits until `check` passes (a released sync still has the real disk's flush to do). */
const until = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 10_000, interval: 5 });

async function openHeld() {
  const path = join(tempDir(), 'wal.db');
  const syncs = heldSyncs();
  const store = SqliteStore.open({ path, syncWal: syncs.sync });
  onTestFinished(async () => {
    while (syncs.waiting > 0) syncs.release();
    await store.close().catch(() => undefined);
  });
  return { path, store, syncs };
}

/** Follows a promise: `done` once it settled, and how. */
function watch<T>(promise: Promise<T>) {
  const state = { done: false, value: undefined as T | undefined, error: undefined as unknown };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

describe('SqliteStore WAL synced off the event loop', () => {
  it('[DUR-10] the store syncs the WAL file itself after each COMMIT; an in-memory database has none to sync', async () => {
    const path = join(tempDir(), 'wal.db');
    const store = SqliteStore.open({ path, sync: 'off-loop' });
    onTestFinished(() => store.close());
    const before = store.walSyncs ?? 0;
    await store.write((tx) => tx.ensureThread('t', null, null, 1));
    expect(store.walSyncs).toBe(before + 1);
    // An in-memory database has no WAL: SQLite's own COMMIT is all there is.
    const memory = SqliteStore.open({ path: ':memory:' });
    onTestFinished(() => memory.close());
    expect(memory.walSyncs).toBeNull();
  });

  it('[DUR-10] by default the store keeps SQLite\'s own synchronous=FULL, the sync inside each COMMIT', async () => {
    const path = join(tempDir(), 'full.db');
    const store = SqliteStore.open({ path });
    onTestFinished(() => store.close());
    await store.write((tx) => tx.ensureThread('t', null, null, 1));
    expect(store.walSyncs).toBeNull();
    expect(await store.read((tx) => tx.getThread('t'))).toMatchObject({ id: 't' });
    // Off the loop, for comparison: the store's own syncs.
    const offLoop = SqliteStore.open({ path: join(tempDir(), 'off.db'), sync: 'off-loop' });
    onTestFinished(() => offLoop.close());
    expect(offLoop.walSyncs).toBe(0);
  });

  it('[DUR-10] a write is answered only after the sync that followed its COMMIT returned, though the commit is visible before', async () => {
    const { path, store, syncs } = await openHeld();
    const write = watch(store.write((tx) => tx.ensureThread('t', 'T', null, 1)));
    await settle();
    // Committed (another connection reads it), not yet on disk: nobody is told.
    const other = new Database(path, { readonly: true });
    onTestFinished(() => void other.close());
    expect(other.prepare('SELECT title FROM threads WHERE id = ?').get('t')).toEqual({ title: 'T' });
    expect(syncs.waiting).toBe(1);
    expect(write.done).toBe(false);
    syncs.release();
    await until(() => expect(write).toMatchObject({ done: true, error: undefined }));
  });

  it('[DUR-10] a group of half the cap runs while the disk flushes, and its callers wait for a sync of their own; answers go out in commit order', async () => {
    const { store, syncs } = await openHeld();
    const created = store.write((tx) => tx.ensureThread('t', null, null, 1));
    await until(() => expect(syncs.waiting).toBe(1));
    syncs.release();
    await created;
    const order: number[] = [];
    const first = watch(store.write((tx) => tx.nextSeq('t')).then((seq) => (order.push(seq), seq)));
    await until(() => expect(syncs.waiting).toBe(1));
    let ran = 0;
    const next = Array.from({ length: 64 }, () =>
      watch(
        store
          .write(async (tx) => {
            ran += 1;
            return tx.nextSeq('t');
          })
          .then((seq) => (order.push(seq), seq)),
      ),
    );
    // The next group runs and commits while the first one's sync is still held…
    await until(() => expect(ran).toBe(64));
    await settle();
    expect([first.done, next.some((write) => write.done)]).toEqual([false, false]);
    // …and the first sync does not cover it: it needs the next one.
    syncs.release();
    await until(() => expect(first.done).toBe(true));
    await until(() => expect(syncs.waiting).toBe(1));
    expect(next.some((write) => write.done)).toBe(false);
    syncs.release();
    await until(() => expect(next.every((write) => write.done)).toBe(true));
    expect(order).toEqual(Array.from({ length: 65 }, (_, n) => n + 1));
  });

  it('[DUR-10] a smaller group waits for the running sync before its BEGIN, then runs', async () => {
    const { store, syncs } = await openHeld();
    const created = watch(store.write((tx) => tx.ensureThread('t', null, null, 1)));
    await until(() => expect(syncs.waiting).toBe(1));
    let ran = false;
    const small = watch(
      store.write(async (tx) => {
        ran = true;
        return tx.nextSeq('t');
      }),
    );
    await settle();
    expect([created.done, ran]).toEqual([false, false]);
    syncs.release();
    await until(() => expect(ran).toBe(true));
    await until(() => expect(syncs.waiting).toBe(1));
    syncs.release();
    await until(() => expect(small).toMatchObject({ done: true, value: 1 }));
  });

  it('[DUR-10] a read that could see a commit whose sync still runs is answered after that sync; one that began before it is not held', async () => {
    const { store, syncs } = await openHeld();
    const early = watch(store.read((tx) => tx.getThread('t')));
    const write = watch(store.write((tx) => tx.ensureThread('t', 'T', null, 1)));
    await settle();
    expect(early).toMatchObject({ done: true, value: null });
    const late = watch(store.read((tx) => tx.getThread('t')));
    await settle();
    expect([write.done, late.done]).toEqual([false, false]);
    syncs.release();
    await until(() => expect(late).toMatchObject({ done: true, value: { id: 't', title: 'T' } }));
    expect(write.done).toBe(true);
  });

  it('[DUR-10] a failed sync answers none of its commits and refuses every later call; a reopened store reads what the disk has', async () => {
    const { path, store, syncs } = await openHeld();
    const write = watch(store.write((tx) => tx.ensureThread('t', null, null, 1)));
    await settle();
    syncs.failNext(new Error('EIO: the disk went away'));
    syncs.release();
    await until(() => expect(write.done).toBe(true));
    expect(String(write.error)).toMatch(/could not be synced.*EIO/);
    await expect(store.write((tx) => tx.ensureThread('u', null, null, 1))).rejects.toThrow(/could not be synced/);
    await expect(store.read((tx) => tx.getThread('t'))).rejects.toThrow(/could not be synced/);
    await store.close();
    const reopened = SqliteStore.open({ path });
    onTestFinished(() => reopened.close());
    // This disk did keep the frames (the sync was refused, not the write): the row is there, and never was confirmed.
    expect(await reopened.read((tx) => tx.getThread('u'))).toBeNull();
  });
});
