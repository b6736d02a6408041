/**
 * [HOT-4] Group commit of one thread's writers on PostgreSQL. Writers of one thread take turns
 * (CLUSTER-12): a turn is the thread's advisory lock, held from the transaction's first round trip
 * to its COMMIT. Taken once a command, a turn is paid once a command: the lock's handoff, BEGIN,
 * COMMIT and its fsync are all inside the serial section, so two nodes on one thread were no faster
 * than one. Here the writes of a node waiting on one thread share ONE transaction — one turn, one
 * COMMIT — and the nodes alternate batches:
 *
 *   - A batch stays open while it runs: a write of its thread arriving meanwhile joins it and runs
 *     after the ones before it, seeing them (seqs stay gapless and in commit order). Once it finds
 *     nobody waiting it closes and commits; writes arriving then form the next batch, which goes to
 *     wait for the lock inside PostgreSQL as soon as this one holds it (HOT-2: one waiter per node and
 *     thread, the COMMIT hands the turn on). At most `maxBatch` writes a batch.
 *   - Each write after the first runs in its own SAVEPOINT, folded into the batch's round trips
 *     (HOT-1): a write that throws is rolled back to it and refused with its error once the batch
 *     committed; the others keep their work. The first runs as a write alone did (a batch of one
 *     costs what a transaction a write did): when it throws, the transaction is rolled back, it is
 *     refused, and the others run in a new one (the turn still held). Nobody else is answered before
 *     the COMMIT: a COMMIT that fails fails them all.
 *   - A serialization failure or deadlock anywhere re-runs the whole batch (nobody was answered, and
 *     a doomed SERIALIZABLE transaction cannot be saved by a savepoint), with the store's pauses and
 *     its losers' turn and its "alone" gate after `turnsAfter` and `aloneAfter` lost runs (ST-21).
 *   - A write's result-less statements travel with the next write's first round trip. When a
 *     message carrying another write's statements fails, whose fault it was is unknown: the batch is
 *     rolled back unanswered and run again "carefully" (each write's SAVEPOINT and its tail on round
 *     trips of their own, so a failure has one owner), and batches of the thread stay careful until
 *     one runs without a failure (as SQLite's DUR-7).
 *   - A write whose request record (HOT-3) turns out to exist — written by an earlier write of the
 *     same batch, or committed meanwhile — is rolled back to its savepoint and run again after the
 *     batch committed, where its lookup finds the record and it answers the first run's result.
 */
import type { PostgresWriteStats } from './postgres-store.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { WriteTx } from '../types.js';
import { beginWrite, countConflict, countGate, errorCode, gateFor, isRequestRace, isRetryable, type GateMode, type GatePolicy } from './pg-errors.js';
import type { KnownAccounts } from './pg-known-accounts.js';
import { inlineableValues, inlineStatement, lastOf, type Query } from './pg-statements.js';
import { PostgresTx, type EarlyLook } from './postgres-tx.js';

/** What a batch needs of its store: connections, counters and the retry policy. */
export interface BatchHost {
  connect(): Promise<pg.PoolClient>;
  readonly stats: PostgresWriteStats;
  /** [HOT-3] Reads of committed rows outside the transaction. */
  readonly committed: Query | undefined;
  readonly maxAttempts: number;
  readonly gate: GatePolicy;
  readonly lockClass: number;
  /** [HOT-9] The node's known accounts: read as of the batch's snapshot, taught what its committed writes saw. */
  readonly known: KnownAccounts | undefined;
}

interface Job {
  work: (tx: WriteTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** The caller's async context (its write scope, …), for its work. */
  inContext: <R>(fn: () => R) => R;
  /** [HOT-7] Its request record, looked for when it was queued. */
  early: EarlyLook | undefined;
}

interface Batch {
  jobs: Job[];
  /** Still taking writes: its runner has not yet found the end of `jobs`. */
  open: boolean;
  started: boolean;
  /** It holds the thread's lock (the next batch may go and wait in PostgreSQL). */
  locked: boolean;
}

/** One thread's batches in this process, in order: the first holds or is taking the lock, the second may wait inside PostgreSQL. */
interface Line {
  batches: Batch[];
  careful: boolean;
}

type Outcome = { job: Job; ok: true; value: unknown } | { job: Job; ok: false; error: unknown } | { job: Job; ok: 'again' };

type RunEnd =
  | { kind: 'committed'; outcomes: Outcome[] }
  | { kind: 'retry'; error: unknown }
  | { kind: 'ambiguous'; error: unknown }
  | { kind: 'failed'; error: unknown }
  /** The batch's first write failed (it runs without a savepoint): the transaction was rolled back, the others run again. */
  | { kind: 'first'; outcome: Outcome };

/** What a connection holds across a batch's runs. */
interface Held {
  client: pg.PoolClient;
  /** The thread's turn key. */
  key: string;
  locked: boolean;
  /** When the lock was seen held (performance.now()), for `stats.turnMs`. */
  since: number;
  broken: Error | undefined;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

export class ThreadBatches {
  private readonly lines = new Map<string, Line>();

  constructor(
    private readonly host: BatchHost,
    /**
     * @default 32 — bounds the wait of a batch's first write and the other nodes' wait for the turn,
     * and keeps a batch's subtransactions under PostgreSQL's 64 cached per backend (past them every
     * snapshot of the database looks into pg_subtrans).
     */
    private readonly maxBatch = 32,
  ) {}

  write<T>(key: string, work: (tx: WriteTx) => Promise<T>, early?: EarlyLook): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue(key, { work, resolve: resolve as (value: unknown) => void, reject, inContext: AsyncLocalStorage.snapshot(), early });
    });
  }

  private enqueue(key: string, job: Job): void {
    let line = this.lines.get(key);
    if (!line) this.lines.set(key, (line = { batches: [], careful: false }));
    const last = line.batches.at(-1);
    if (last?.open && last.jobs.length < this.maxBatch) {
      last.jobs.push(job);
      return;
    }
    line.batches.push({ jobs: [job], open: true, started: false, locked: false });
    this.startReady(key, line);
  }

  /** The first batch runs; the second goes to wait in PostgreSQL once the first holds the lock (HOT-2). */
  private startReady(key: string, line: Line): void {
    const [first, second] = line.batches;
    if (first && !first.started) this.start(key, line, first);
    if (first?.locked && second && !second.started) this.start(key, line, second);
  }

  private start(key: string, line: Line, batch: Batch): void {
    batch.started = true;
    void this.run(key, line, batch).finally(() => {
      batch.open = false;
      line.batches.splice(line.batches.indexOf(batch), 1);
      if (line.batches.length > 0) this.startReady(key, line);
      else if (!line.careful && this.lines.get(key) === line) this.lines.delete(key);
    });
  }

  private async run(key: string, line: Line, batch: Batch): Promise<void> {
    const { stats } = this.host;
    let client: pg.PoolClient;
    try {
      client = await this.host.connect();
    } catch (error) {
      batch.open = false;
      for (const job of batch.jobs) job.reject(error);
      return;
    }
    const held: Held = { client, key, locked: false, since: 0, broken: undefined };
    const lit = pg.escapeLiteral(key);
    const lockSql = `SELECT pg_advisory_lock(${this.host.lockClass}, hashtext(${lit}))`;
    const unlockSql = `SELECT pg_advisory_unlock(${this.host.lockClass}, hashtext(${lit}))`;
    const onLocked = (): void => {
      if (batch.locked) return;
      batch.locked = true;
      held.since = performance.now();
      stats.turns += 1;
      this.startReady(key, line);
    };
    stats.transactions += 1;
    stats.batches += 1;
    let end: RunEnd | undefined;
    const again: Job[] = [];
    /** Writes answered before the batch ended (a first write refused). */
    let shifted = 0;
    try {
      for (let attempt = 1; ; attempt++) {
        const gate = gateFor(attempt, this.host.gate);
        countGate(stats, gate);
        end = await this.once(held, batch, line.careful, gate, lockSql, unlockSql, onLocked);
        if (end.kind === 'first') {
          // Answered now (a refusal is final, as a write alone), or run after this batch; the rest run on.
          batch.jobs.shift();
          shifted += 1;
          if (end.outcome.ok === 'again') again.push(end.outcome.job);
          else if (end.outcome.ok === false) end.outcome.job.reject(end.outcome.error);
          attempt -= 1;
          if (held.broken) break;
          if (batch.jobs.length > 0) continue;
          // Closed in the same turn as it was found empty: a write arriving now goes to the next batch.
          batch.open = false;
          break;
        }
        if (end.kind === 'committed' || end.kind === 'failed' || held.broken) break;
        if (end.kind === 'ambiguous') {
          // Not a conflict: the same run, carefully, so the failure finds its owner.
          stats.carefulReruns += 1;
          line.careful = true;
          attempt -= 1;
          continue;
        }
        if (attempt >= this.host.maxAttempts) break;
        stats.retries += batch.jobs.length;
        // Jittered and growing, so the transactions that collided do not collide again in step.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
      }
    } finally {
      batch.open = false;
      // A broken connection is destroyed (its lock ends with its session); else the lock is given back.
      if (held.broken === undefined && held.locked) {
        stats.roundTrips += 1;
        await client.query(unlockSql).then(
          () => (stats.turnMs += performance.now() - held.since),
          (error: unknown) => {
            held.broken = asError(error);
          },
        );
      }
      client.release(held.broken);
    }
    stats.batchedWrites += batch.jobs.length + shifted;
    for (const job of again) this.enqueue(key, job);
    if (end === undefined || end.kind === 'first') {
      if (batch.jobs.length > 0) for (const job of batch.jobs) job.reject(held.broken ?? new Error('thread batch ended unanswered'));
      return;
    }
    if (end.kind !== 'committed') {
      for (const job of batch.jobs) job.reject(end.error);
      return;
    }
    if (end.outcomes.every((outcome) => outcome.ok === true)) line.careful = false;
    for (const outcome of end.outcomes) {
      if (outcome.ok === 'again') this.enqueue(key, outcome.job);
      else if (outcome.ok) outcome.job.resolve(outcome.value);
      else outcome.job.reject(outcome.error);
    }
  }

  /** One run of the batch in one transaction: each write in its savepoint, then COMMIT (and the unlock). */
  private async once(
    held: Held,
    batch: Batch,
    careful: boolean,
    gate: GateMode,
    lockSql: string,
    unlockSql: string,
    onLocked: () => void,
  ): Promise<RunEnd> {
    const { stats } = this.host;
    const { client } = held;
    // The turn lock, then `COMMIT` ending the implicit block it ran in, so the SERIALIZABLE snapshot is taken after the wait (HOT-2).
    const carry: string[] = [...(held.locked ? [] : [lockSql, 'COMMIT']), beginWrite(gate)];
    /** How many of `carry`'s statements are not the current write's own (the prelude, the write before's tail). */
    let foreign = carry.length;
    let begun = false;
    let retryable = false;
    // Of the current write:
    let requestRace = false;
    let failedForeign = false;
    let sentOwn = false;

    const send = async (text: string, values?: unknown[]): Promise<pg.QueryResult | pg.QueryResult[]> => {
      const carried = foreign > 0;
      foreign = 0;
      stats.roundTrips += 1;
      if (!begun) {
        begun = true;
        // Whatever this message's fate, the lock may be held now: it is given back (a no-op when it is not).
        held.locked = true;
      }
      try {
        const result = (await client.query(text, values)) as pg.QueryResult | pg.QueryResult[];
        onLocked();
        // Several statements in one message: the last one's result is the asked-for one (lastOf).
        return result;
      } catch (error) {
        if (isRetryable(error)) {
          retryable = true;
          countConflict(stats.conflicts, text, error);
          if (errorCode(error) === '40P01') stats.deadlocks += 1;
        }
        if (isRequestRace(error)) requestRace = true;
        if (carried) failedForeign = true;
        throw error;
      }
    };
    const flush = async (): Promise<void> => {
      if (carry.length > 0) await send(carry.splice(0).join(';\n'));
    };
    const query: Query = async (text, values) => {
      sentOwn = true;
      if (values === undefined || inlineableValues(values)) {
        const result = await send([...carry.splice(0), values === undefined ? text : inlineStatement(text, values)].join(';\n'));
        return lastOf(result);
      }
      await flush();
      const result = await send(text, values);
      return lastOf(result);
    };
    const rollback = async (): Promise<void> => {
      if (!begun) return;
      await client.query('ROLLBACK').catch((error: unknown) => {
        held.broken = asError(error);
      });
    };

    const outcomes: Outcome[] = [];
    // [HOT-9] Taken before the batch's first statement: every write of the batch shares its snapshot.
    const known = this.host.known;
    const facts = known && { known, tick: known.tick() };
    /** Accounts the batch's kept writes saw or opened: the node learns them once it commits. */
    const seen: Map<string, number>[] = [];
    for (let index = 0; ; index++) {
      const job = batch.jobs[index];
      if (job === undefined) break;
      requestRace = false;
      failedForeign = false;
      sentOwn = false;
      // The first write runs without a savepoint, as a write alone (the prelude's failure is its
      // own): a batch of one costs what a transaction a write did.
      const savepoint = index > 0;
      foreign = savepoint ? carry.length : 0;
      if (savepoint) carry.push('SAVEPOINT w');
      if (careful && savepoint) {
        try {
          await flush();
        } catch (error) {
          await rollback();
          return { kind: retryable ? 'retry' : 'failed', error };
        }
      }
      const tx = new PostgresTx(query, true, true, this.host.committed, job.early, held.key, facts);
      try {
        const value = await job.inContext(() => job.work(tx));
        // Ended before its tail is taken: a call `work` left running cannot slip a statement in.
        tx.end();
        carry.push(...tx.takePending(), ...(savepoint ? ['RELEASE SAVEPOINT w'] : []));
        foreign = carry.length;
        // In a careful run, the write's tail is its own round trip: a failure there is its own.
        if (careful) {
          sentOwn = true;
          await flush();
        }
        if (retryable) throw new Error('a statement of the write lost a serialization conflict');
        outcomes.push({ job, ok: true, value });
        seen.push(tx.ledger.seenAccounts);
      } catch (error) {
        tx.end();
        tx.takePending();
        if (retryable) {
          await rollback();
          return { kind: 'retry', error };
        }
        if (!savepoint) {
          await rollback();
          return { kind: 'first', outcome: requestRace && tx.lookedForRequest ? { job, ok: 'again' } : { job, ok: false, error } };
        }
        if (failedForeign && !careful) {
          await rollback();
          return { kind: 'ambiguous', error };
        }
        if (sentOwn || careful) {
          // Its savepoint was sent: back to it, and on with the others.
          carry.splice(0);
          try {
            await send('ROLLBACK TO SAVEPOINT w; RELEASE SAVEPOINT w');
          } catch (rollbackError) {
            await rollback();
            return { kind: retryable ? 'retry' : 'failed', error: rollbackError };
          }
        } else {
          // Nothing of it was sent: its savepoint is taken back unsent.
          carry.pop();
        }
        outcomes.push(requestRace && tx.lookedForRequest ? { job, ok: 'again' } : { job, ok: false, error });
      }
    }
    // Closed in the same turn as the end of `jobs` was found: a write arriving now goes to the next batch.
    batch.open = false;
    try {
      foreign = carry.length;
      await send([...carry.splice(0), 'COMMIT', unlockSql].join(';\n'));
      for (const accounts of seen) known?.learn(accounts);
      held.locked = false;
      stats.turnMs += performance.now() - held.since;
    } catch (error) {
      if (!careful && failedForeign && !retryable) {
        await rollback();
        return { kind: 'ambiguous', error };
      }
      await rollback();
      return { kind: retryable ? 'retry' : 'failed', error };
    }
    return { kind: 'committed', outcomes };
  }
}
