import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SerialQueue } from '../serial-queue.js';
import type { ReadTx, Store, WriteTx } from '../types.js';
import { GroupCommitter, type GroupCommitStats } from './group-commit.js';
import { BackgroundCheckpointer, type CheckpointStats } from './checkpointer.js';
import { migrations } from './migrations.js';
import { SqliteTx } from './sqlite-tx.js';
import { WalSync, type SyncFile } from './wal-sync.js';
import { countingStatements, emptyCounts, prepareStatements, type StatementCounts, type Statements } from './statements.js';

export interface SqliteStoreOptions {
  /** A file path (parent directories are created) or `':memory:'`. */
  path: string;
  /** The background checkpointer's thresholds (checkpointer.ts; tests make them small). */
  checkpoint?: { restartFrames?: number; catchUpMs?: number; everyMs?: number };
  /** How the WAL file is synced (wal-sync.ts; tests slow it down to watch who waits). @default fdatasync on libuv's pool */
  syncWal?: SyncFile;
  /**
   * [DUR-10] `full`: SQLite's own `synchronous=FULL`, the sync inside each COMMIT on the event loop;
   * `off-loop`: `synchronous=NORMAL` and the WAL fdatasynced on libuv's pool before anyone hears of a
   * commit — FULL's durability with the loop free meanwhile, which measured no faster on the 2-core
   * machine (2026-12-01: 1,076 vs 956 posts/s over one client thread, 1,124 vs 1,238 over four), so
   * not the default.
   * @default `off-loop` when `PARLEY_SQLITE_SYNC=off-loop` (or `syncWal` is given), else `full`
   */
  sync?: 'off-loop' | 'full';
}

/**
 * The embedded store: one SQLite file, one connection, every transaction through one queue.
 * Write transactions waiting together share one commit (group-commit.ts).
 *
 * Durability: the WAL is synced to disk after every commit before anyone hears of it, as with
 * `synchronous=FULL`, so a write that was acknowledged survives a crash or power loss, not only a
 * process kill. With `sync: 'off-loop'` the sync runs off the event loop instead (wal-sync.ts, DUR-10).
 */
export class SqliteStore implements Store {
  /** One writer at a time: the turns of CLUSTER-12 are PostgreSQL's (store/write-scope.ts). */
  readonly ignoresWriteScope = true;
  private readonly queue = new SerialQueue();
  /** The prepared statements; while statements are counted, the counting wrappers of them. */
  private st: Statements;
  private readonly prepared: Statements;
  private counts: StatementCounts | null = null;
  private readonly groups: GroupCommitter;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly checkpointer: BackgroundCheckpointer | null,
    /** Null: SQLite syncs inside each COMMIT (`synchronous=FULL`: in memory, or the WAL could not be opened). */
    private readonly wal: { sync: WalSync; fd: number } | null,
  ) {
    this.prepared = this.st = prepareStatements(db);
    const walSync = wal?.sync;
    this.groups = new GroupCommitter(db, this.queue, () => new SqliteTx(this.st, true), () => this.st, {
      ...(checkpointer && { beforeGroup: () => checkpointer.beforeWrite() }),
      committed: () => {
        walSync?.commit();
        checkpointer?.committed();
      },
      ...(walSync && { durable: () => walSync.durable(), syncing: () => walSync.running() }),
    }, WRITES_PER_GROUP);
  }

  /** Syncs of the WAL run off the event loop (DUR-10); null when SQLite syncs inside each COMMIT. */
  get walSyncs(): number | null {
    return this.wal ? this.wal.sync.syncs : null;
  }

  /** The background checkpointer's figures (DUR-1); null for an in-memory database or when it could not start. */
  get checkpointStats(): Readonly<CheckpointStats> | null {
    return this.checkpointer ? { ...this.checkpointer.stats } : null;
  }

  /** How many write calls shared how many transactions (for the benchmark and tests). */
  get writeStats(): Readonly<GroupCommitStats> {
    return { ...this.groups.stats };
  }

  /**
   * Counts every statement run from now on (transaction control included), timed too when `time`;
   * `false` stops. Each call starts the counts afresh. For the benchmark and the statement-count
   * tests: a transaction opened after this call is counted, one already open is not.
   */
  countStatements(options: { time?: boolean } | false): void {
    if (options === false) {
      this.counts = null;
      this.st = this.prepared;
      return;
    }
    this.counts = emptyCounts();
    this.st = countingStatements(this.prepared, this.counts, options.time ?? false);
  }

  /** What ran since `countStatements` was called (all zero when it was not). */
  get statementCounts(): StatementCounts {
    const counts = this.counts ?? emptyCounts();
    return { ...counts, byName: structuredClone(counts.byName) };
  }

  /** Opens (creating if needed) and migrates the database. */
  static open(options: SqliteStoreOptions): SqliteStore {
    const inMemory = options.path === ':memory:';
    if (!inMemory) mkdirSync(dirname(resolve(options.path)), { recursive: true });
    const db = new Database(options.path);
    try {
      if (!inMemory) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // Another process (a `parley migrate`, a second server by mistake) may hold the write lock
      // briefly; waiting beats failing a reader's comment with SQLITE_BUSY.
      db.pragma('busy_timeout = 5000');
      // [DUR-7] Statement journals (savepoints) and temporary tables in memory, not in temp files:
      // they never outlive the transaction, and a file cost a write() per page journalled.
      db.pragma('temp_store = MEMORY');
      migrate(db);
      const literalFull = (options.sync ?? (options.syncWal || process.env.PARLEY_SQLITE_SYNC === 'off-loop' ? 'off-loop' : 'full')) === 'full';
      const wal = inMemory || literalFull ? null : syncingOffTheLoop(db, resolve(options.path), options.syncWal);
      return new SqliteStore(db, inMemory ? null : BackgroundCheckpointer.start(db, resolve(options.path), options.checkpoint), wal);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  read<T>(work: (tx: ReadTx) => Promise<T>): Promise<T> {
    // Checked at enqueue time: work queued before close() still runs to completion.
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const wal = this.wal?.sync;
    if (wal?.failed) return Promise.reject(wal.failed);
    let seen = 0;
    const read = this.queue.run(async () => {
      seen = wal?.commits ?? 0;
      const st = this.st;
      const tx = new SqliteTx(st, false);
      st.txReadBegin.run();
      try {
        const result = await work(tx);
        st.txReadCommit.run();
        return result;
      } catch (error) {
        if (this.db.inTransaction) st.txRollback.run();
        throw error;
      } finally {
        tx.end();
      }
    });
    if (!wal) return read;
    // [DUR-10] What a read saw is told only once it is on disk: a commit whose sync is still running
    // is not yet anyone's to see (a snapshot must never show a seq that a crash would hand out again).
    return read.then(
      (value) => wal.durable(seen).then(() => value),
      (error: unknown) => wal.durable(seen).then(() => Promise.reject(error), () => Promise.reject(error)),
    );
  }

  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (this.wal?.sync.failed) return Promise.reject(this.wal.sync.failed);
    // BEGIN IMMEDIATE (in the group) takes the write lock up front, so a transaction cannot fail
    // half-way with BUSY when it first writes after reading.
    return this.groups.write(work);
  }

  pruneRequests(before: number): Promise<number> {
    return this.write(async () => this.st.pruneRequests.run(before).changes);
  }

  async pruneEvents(keepPerThread: number): Promise<number> {
    let after = '';
    let removed = 0;
    for (;;) {
      const page = await this.write(async () => {
        const threads = this.st.pruneEventsThreads.all(after, PRUNE_PAGE) as { id: string; seq: number }[];
        let deleted = 0;
        for (const thread of threads) if (thread.seq > keepPerThread) deleted += this.st.pruneEventsOf.run(thread.id, thread.seq - keepPerThread).changes;
        return { last: threads.at(-1)?.id, full: threads.length === PRUNE_PAGE, deleted };
      });
      removed += page.deleted;
      if (!page.full || page.last === undefined) return removed;
      after = page.last;
    }
  }

  schemaVersion(): Promise<number> {
    return this.queue.run(async () => readVersion(this.db));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Let queued transactions finish: each was (or will be) acknowledged to someone. A group may
    // queue the next one while it runs, hence the loop.
    while (this.queue.size > 0) await this.queue.drain();
    await this.wal?.sync.idle();
    await this.checkpointer?.close();
    this.db.close();
    if (this.wal) closeSync(this.wal.fd);
  }
}

/**
 * [DUR-7] At most this many write calls a COMMIT. 64 → 128 cut the CPU of a sustained post by ~10 %
 * (a group's hot pages — the thread's row, index tails, the treasury — are written to the WAL once
 * for twice the posts) at ~150 µs of commands a write: a group of 128 holds the writer ~20 ms.
 */
const WRITES_PER_GROUP = 128;

/** Threads per pruning transaction: short enough not to hold the writer up for long. */
const PRUNE_PAGE = 100;

/**
 * [DUR-10] For a WAL database file: the writer's COMMITs stop syncing (`synchronous=NORMAL`) and the
 * store syncs the WAL file itself, off the event loop, before anyone hears of a commit. Null (SQLite
 * keeps syncing inside each COMMIT, `synchronous=FULL`) when the database is not in WAL mode or its
 * WAL file cannot be opened.
 */
function syncingOffTheLoop(db: Database.Database, path: string, sync: SyncFile | undefined): { sync: WalSync; fd: number } | null {
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') return null;
  let fd: number;
  try {
    // Migrations ran, so the WAL exists; SQLite keeps it while this connection is open (wal-sync.ts).
    fd = openSync(`${path}-wal`, 'r');
  } catch {
    return null;
  }
  db.pragma('synchronous = NORMAL');
  return { sync: new WalSync(fd, sync), fd };
}

function readVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database.Database): void {
  const current = readVersion(db);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw new Error(`migration ${migration.version} (${migration.name}) failed: ${String(error)}`, { cause: error });
    }
  }
}
