/**
 * Group commit (DESIGN.md "Performance, by design"): with `synchronous=FULL` every COMMIT waits for
 * an fsync, and BEGIN/COMMIT dominate a small command's cost. Write transactions that are waiting
 * together run in ONE `BEGIN IMMEDIATE … COMMIT`, each in its own SAVEPOINT:
 *
 *   - a command that throws is rolled back to its savepoint and released; the others keep their work;
 *   - every caller is answered only after the COMMIT succeeded; a failed COMMIT fails them all;
 *     [DUR-10] with the WAL synced off the event loop (wal-sync.ts), only once the COMMIT is on disk
 *     too: the next group runs while the disk flushes, and its callers wait for their own sync;
 *   - the commands run one after another inside the group (never two interleaved across an await),
 *     each seeing the ones before it, so per-thread seqs stay gapless (a rolled-back command's seq
 *     is taken again by the next one).
 *
 * A group is whatever waits when its turn in the serial queue comes, after one event-loop turn, so
 * commands arriving in the same turn (several sockets' packets) share it. At most `maxGroup` a group.
 */
import type Database from 'better-sqlite3';
import type { SerialQueue } from '../serial-queue.js';
import type { SqliteTx } from './sqlite-tx.js';
import type { Statements } from './statements.js';

interface WriteJob {
  work: (tx: SqliteTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { job: WriteJob; ok: true; value: unknown } | { job: WriteJob; ok: false; error: unknown };

export interface GroupCommitStats {
  /** Write transactions committed or rolled back (groups, each one BEGIN … COMMIT). */
  transactions: number;
  /** Write calls those transactions carried to their end (not one refused in a group's first pass). */
  writes: number;
  /** Groups run again with savepoints after a command of theirs failed without (DUR-7). */
  reruns: number;
}

export class GroupCommitter {
  readonly stats: GroupCommitStats = { transactions: 0, writes: 0, reruns: 0 };
  /** After a failure: groups run with savepoints until one runs clean. */
  private careful = false;
  private readonly waiting: WriteJob[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Database.Database,
    private readonly queue: SerialQueue,
    private readonly newTx: () => SqliteTx,
    /** The store's prepared statements (the transaction control ones), as they are now. */
    private readonly statements: () => Statements,
    /**
     * Around each group: wait before its BEGIN (the checkpointer catching up), told after its COMMIT;
     * `durable`, called right after a COMMIT, resolves once every commit so far is on disk (DUR-10):
     * nobody is answered before.
     */
    private readonly hooks: {
      beforeGroup?: () => Promise<void>;
      committed?: () => void;
      durable?: () => Promise<void>;
      /** While the disk flushes the last commit: resolves once it has (DUR-10); null when it is not flushing. */
      syncing?: () => Promise<void> | null;
    } = {},
    /** @default 64 — a cap bounds the latency of the group's last write (the store passes 128). */
    private readonly maxGroup = 64,
  ) {}

  write<T>(work: (tx: SqliteTx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    void this.queue.run(async () => {
      // One event-loop turn: writes from the same I/O round (and their promise chains) join in.
      await new Promise((next) => setImmediate(next));
      // [DUR-10] While the last commit's sync runs, a group of fewer than half the cap waits for it
      // (the loop meanwhile reads and validates what arrives): a small group is a COMMIT that writes
      // its hot pages for few writes, and one under way soon enough to overlap gains nothing.
      const syncing = this.waiting.length < this.maxGroup / 2 ? this.hooks.syncing?.() : null;
      if (syncing) await syncing;
      if (this.hooks.beforeGroup) await this.hooks.beforeGroup();
      this.scheduled = false;
      const group = this.waiting.splice(0, this.maxGroup);
      if (this.waiting.length > 0) this.schedule();
      if (group.length > 0) await this.run(group);
    });
  }

  private async run(jobs: WriteJob[]): Promise<void> {
    let group = jobs;
    if (group.length > 1 && !this.careful) {
      const failure = await this.runWithoutSavepoints(group);
      if (!failure) return;
      // The command that threw is refused with its error, never run again (ST-21); the ones before
      // it run again (their work was rolled back, nobody was answered), the ones after it for the first time.
      // Its error may rest on what earlier groups committed: told once that is on disk, like an answer.
      this.afterDurable(
        () => failure.job.reject(failure.error),
        () => failure.job.reject(failure.error),
      );
      group = group.filter((job) => job !== failure.job);
      this.stats.reruns += 1;
      this.careful = true;
      if (group.length === 0) return;
    }
    this.stats.transactions += 1;
    this.stats.writes += group.length;
    const st = this.statements();
    try {
      st.txBeginImmediate.run();
    } catch (error) {
      for (const job of group) job.reject(error);
      return;
    }
    // One command alone needs no savepoint: its error rolls the whole transaction back.
    const alone = group.length === 1;
    const outcomes: Outcome[] = [];
    for (const [index, job] of group.entries()) {
      const outcome = await this.runOne(st, job, alone);
      outcomes.push(outcome);
      if (!outcome.ok && !this.db.inTransaction) {
        // SQLite ended the whole transaction itself (e.g. an I/O error): the work of the commands
        // before this one is gone, and nobody was answered yet, so they run again in a later group.
        this.waiting.unshift(...group.slice(0, index), ...group.slice(index + 1));
        if (this.waiting.length > 0) this.schedule();
        outcome.job.reject(outcome.error);
        return;
      }
    }
    try {
      if (alone && !outcomes[0]!.ok) st.txRollback.run();
      else st.txCommit.run();
    } catch (error) {
      if (this.db.inTransaction) st.txRollback.run();
      for (const outcome of outcomes) outcome.job.reject(outcome.ok ? error : outcome.error);
      return;
    }
    this.hooks.committed?.();
    if (outcomes.every((outcome) => outcome.ok)) this.careful = false;
    this.afterDurable(
      () => {
        for (const outcome of outcomes) {
          if (outcome.ok) outcome.job.resolve(outcome.value);
          else outcome.job.reject(outcome.error);
        }
      },
      (error) => {
        for (const outcome of outcomes) outcome.job.reject(outcome.ok ? error : outcome.error);
      },
    );
  }

  /** [DUR-10] `answer` once every commit so far is on disk (at once without a `durable` hook); `fail` if it never will be. */
  private afterDurable(answer: () => void, fail: (error: unknown) => void): void {
    const durable = this.hooks.durable?.();
    if (durable) durable.then(answer, fail);
    else answer();
  }

  /**
   * The group in one transaction without savepoints. When a command throws: everything is rolled
   * back, nobody is answered, and the failing command and its error are returned.
   */
  private async runWithoutSavepoints(group: WriteJob[]): Promise<{ job: WriteJob; error: unknown } | null> {
    const st = this.statements();
    this.stats.transactions += 1;
    try {
      st.txBeginImmediate.run();
    } catch (error) {
      this.stats.writes += group.length;
      for (const job of group) job.reject(error);
      return null;
    }
    const values: unknown[] = [];
    for (const job of group) {
      const tx = this.newTx();
      try {
        values.push(await job.work(tx));
      } catch (error) {
        if (this.db.inTransaction) st.txRollback.run();
        return { job, error };
      } finally {
        tx.end();
      }
    }
    this.stats.writes += group.length;
    try {
      st.txCommit.run();
    } catch (error) {
      if (this.db.inTransaction) st.txRollback.run();
      for (const job of group) job.reject(error);
      return null;
    }
    this.hooks.committed?.();
    this.afterDurable(
      () => group.forEach((job, index) => job.resolve(values[index])),
      (error) => group.forEach((job) => job.reject(error)),
    );
    return null;
  }

  private async runOne(st: Statements, job: WriteJob, alone: boolean): Promise<Outcome> {
    if (!alone) st.txSavepoint.run();
    const tx = this.newTx();
    try {
      const value = await job.work(tx);
      if (!alone) st.txRelease.run();
      return { job, ok: true, value };
    } catch (error) {
      if (!alone && this.db.inTransaction) {
        st.txRollbackTo.run();
        st.txRelease.run();
      }
      return { job, ok: false, error };
    } finally {
      tx.end();
    }
  }
}
