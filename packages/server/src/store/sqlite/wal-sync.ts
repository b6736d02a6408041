/**
 * [DUR-10] The WAL's fsync off the event loop, with the durability of `synchronous=FULL`.
 *
 * With FULL, SQLite fsyncs the WAL inside every COMMIT: the event loop's thread sits in the kernel
 * for the disk's flush (milliseconds), and nothing else runs meanwhile — no socket is read, no
 * command of the next group is run. Here the writer's connection runs `synchronous=NORMAL` (a
 * COMMIT appends its frames to the WAL and returns; WAL-mode NORMAL differs from FULL in exactly
 * that one sync) and this class fdatasyncs the WAL file on libuv's thread pool instead. Invariants:
 *
 *   - nobody hears of a commit before the sync that followed it returned: a write's caller is
 *     answered, a read's caller given what it read, only once every commit made before it was
 *     durable (`durable(upTo)`), exactly when FULL would have answered — the next group may run
 *     meanwhile, but what it returns waits for its own sync, which covers everything before it;
 *   - one sync at a time: commits made while one runs share the next (a second group commit, of
 *     fsyncs), and syncs complete in commit order, so answers go out in commit order;
 *   - a failed sync fails the store for good: its commits may or may not be on disk (after a failed
 *     fsync Linux may drop the dirty pages), so neither they nor anything after them is answered as
 *     durable, and every later call is refused with that error — a restart reads what the disk has;
 *   - the WAL file is the one SQLite writes: it is created with the database and never removed while
 *     the store's connection is open (SQLite deletes it only when its last connection closes); a
 *     sync that finds the file unlinked fails the store rather than sync a file nobody writes.
 *
 * Checkpoints are unchanged: the checkpointer's connection (synchronous=FULL) syncs the WAL before
 * it copies frames and the database file after, and a WAL that restarts syncs its new header.
 */
import { fdatasync, fstat } from 'node:fs';

/** One fdatasync of the file open as `fd`, and a check that it is still linked. */
export type SyncFile = (fd: number) => Promise<void>;

export const syncFile: SyncFile = (fd) =>
  new Promise<void>((resolve, reject) => {
    fdatasync(fd, (error) => {
      if (error) return reject(error);
      fstat(fd, (statError, stats) => {
        if (statError) reject(statError);
        else if (stats.nlink === 0) reject(new Error('the SQLite WAL file was removed while the store had it open'));
        else resolve();
      });
    });
  });

interface Waiter {
  upTo: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const done: Promise<void> = Promise.resolve();

export class WalSync {
  /** COMMITs made, and of them known to be on disk. */
  private committed = 0;
  private synced = 0;
  private inFlight = false;
  /** Told when the running sync returns. */
  private returned: (() => void)[] = [];
  private failure: Error | null = null;
  private readonly waiting: Waiter[] = [];
  /** Syncs run (for the tests and the benchmark). */
  syncs = 0;

  constructor(
    private readonly fd: number,
    private readonly sync: SyncFile = syncFile,
  ) {}

  /** Called right after each COMMIT; returns the commit's number. */
  commit(): number {
    return ++this.committed;
  }

  /** The number of the last COMMIT made. */
  get commits(): number {
    return this.committed;
  }

  /** Why the store can no longer answer anyone, once a sync failed. */
  get failed(): Error | null {
    return this.failure;
  }

  /** Resolves once commits 1…`upTo` (by default every one made so far) are on disk. */
  durable(upTo: number = this.committed): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (upTo <= this.synced) return done;
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ upTo, resolve, reject });
      this.start();
    });
  }

  /** While a sync runs: resolves when it returned (whether or not it succeeded); null when none runs. */
  running(): Promise<void> | null {
    if (!this.inFlight) return null;
    return new Promise<void>((resolve) => this.returned.push(resolve));
  }

  /** Resolves when no sync runs and nobody waits (closing). */
  async idle(): Promise<void> {
    while (this.inFlight || this.waiting.length > 0) await this.durable().catch(() => undefined);
  }

  private start(): void {
    if (this.inFlight) return;
    this.inFlight = true;
    const upTo = this.committed;
    this.syncs += 1;
    this.sync(this.fd).then(
      () => {
        this.inFlight = false;
        this.synced = upTo;
        for (const tell of this.returned.splice(0)) tell();
        const ready = this.waiting.filter((waiter) => waiter.upTo <= upTo);
        if (ready.length > 0) {
          const left = this.waiting.filter((waiter) => waiter.upTo > upTo);
          this.waiting.length = 0;
          this.waiting.push(...left);
        }
        for (const waiter of ready) waiter.resolve();
        if (this.waiting.length > 0) this.start();
      },
      (error: unknown) => {
        this.inFlight = false;
        for (const tell of this.returned.splice(0)) tell();
        this.failure = new Error(`the SQLite WAL could not be synced to disk; nothing since the last sync is confirmed (restart the server): ${String(error)}`, { cause: error });
        for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
      },
    );
  }
}
