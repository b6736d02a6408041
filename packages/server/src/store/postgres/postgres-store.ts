import pg from 'pg';
import type { ReadTx, Store, WriteTx } from '../types.js';
import { writeScope } from '../write-scope.js';
import { checkSchema, migrate } from './pg-migrate.js';
import { pruneEvents, pruneRequests } from './pg-prune.js';
import type { PostgresStoreOptions, PostgresWriteStats } from './pg-store-options.js';
import { beginWrite, countConflict, countGate, errorCode, gateFor, isRequestRace, RETRYABLE, type GatePolicy } from './pg-errors.js';
import { KnownAccounts } from './pg-known-accounts.js';
import { ThreadBatches } from './pg-thread-batches.js';
import { TREASURY_SHARDS } from './pg-migration-shard-claim.js';
import { inlineableValues, inlineStatement, lastOf, type Query } from './pg-statements.js';
import { lookEarly, PostgresTx, type EarlyLook } from './postgres-tx.js';

export type { PostgresStoreOptions, PostgresWriteStats } from './pg-store-options.js';

/** The advisory-lock class of threads' turns (the two-key space; migrations use the one-key space). */
const TURN_LOCK_CLASS = 7246618;

/** BIGINT and NUMERIC (SUM of BIGINT) come back as JS numbers: every amount and time here is a safe integer. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/**
 * The PostgreSQL store (DESIGN.md "Storage and scale"): a pool of connections, so transactions of
 * one node and of every other node run side by side.
 *
 * Concurrency contract (SPEC ST-21): every write transaction is SERIALIZABLE and is run again, from
 * the start, on a serialization failure or a deadlock, with a jittered, growing pause between runs.
 * A transaction that lost `turnsAfter` (3) times takes the losers' turn: the `write_gate` table SHARE
 * UPDATE EXCLUSIVE (every write transaction holds it in ROW SHARE, taken in the same round trip as
 * BEGIN, and does not wait for that mode), so writers that keep colliding take turns while first
 * runs go on; one that lost `aloneAfter` (6) times runs alone: it takes the gate EXCLUSIVE, so no
 * writer overlaps it and it cannot lose again — a hot row makes writers take turns instead of
 * starving one of them, and `maxAttempts` is never reached by conflicts alone. `work` may therefore run more than once: all its effects must go
 * through `tx` (it is re-run in a fresh transaction; nothing of a failed run is kept). Reads run
 * in a READ ONLY REPEATABLE READ transaction: one consistent snapshot, never a failure to retry.
 */
export class PostgresStore implements Store {
  readonly stats: PostgresWriteStats = {
    transactions: 0,
    retries: 0,
    losers: 0,
    alone: 0,
    deadlocks: 0,
    turns: 0,
    roundTrips: 0,
    batches: 0,
    batchedWrites: 0,
    carefulReruns: 0,
    turnMs: 0,
    earlyLooks: 0,
    lateLooks: 0,
    conflicts: new Map(),
  };
  /** [HOT-4] One thread's writers batched in one transaction a turn; absent when not grouping. */
  private readonly batches: ThreadBatches | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per turn key, the last writer in line: resolves once it may be followed (CLUSTER-12, HOT-2). */
  private readonly turns = new Map<string, Promise<unknown>>();
  /** [HOT-9] Ledger accounts known to exist (folded only: unfolded, every account is asked for, as before). */
  readonly knownAccounts: KnownAccounts | undefined;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly maxAttempts: number,
    private readonly gate: GatePolicy,
    private readonly fold: boolean,
    /** Committed-state reads outside any transaction (HOT-3); absent unfolded. */
    private readonly outside: pg.Pool | undefined,
    group: boolean,
  ) {
    const committed = this.committedQuery();
    this.knownAccounts = fold ? new KnownAccounts() : undefined;
    const known = this.knownAccounts;
    this.batches = group
      ? new ThreadBatches({ connect: () => this.connect(), stats: this.stats, committed, maxAttempts, gate, lockClass: TURN_LOCK_CLASS, known })
      : undefined;
  }

  /** [HOT-3] A query of the committed state, outside any transaction. */
  private committedQuery(during = true): Query | undefined {
    const outside = this.outside;
    return outside
      ? async (text, values) => {
          if (during) this.stats.lateLooks += 1;
          const result = await outside.query(text, values);
          return lastOf(result);
        }
      : undefined;
  }

  /** Connects, migrates (one node at a time, under an advisory lock) and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
      throw new Error(`PostgresStore: schema must be a plain lower-case identifier, got ${JSON.stringify(options.schema)}`);
    }
    const settings = { ...(options.schema !== undefined && { search_path: options.schema }), ...options.settings };
    for (const [name, value] of Object.entries(settings)) {
      if (!/^[a-z_.]+$/.test(name) || !/^[\w.:/-]+$/.test(value)) throw new Error(`PostgresStore: unsafe setting ${name}=${value}`);
    }
    const startup = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`).join(' ');
    const poolOf = (max: number): pg.Pool => {
      const made = new pg.Pool({
        connectionString: options.url,
        max,
        types,
        // A database that does not answer fails the start (or `parley migrate`) instead of hanging it.
        connectionTimeoutMillis: 10_000,
        ...(startup !== '' && { options: startup }),
      });
      // An idle connection that dies (a restarted server) must not crash the process.
      made.on('error', () => undefined);
      return made;
    };
    const pool = poolOf(options.poolSize ?? 10);
    try {
      if (options.migrate === false) await checkSchema(pool);
      else await migrate(pool, options.schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    // [HOT-3] Request records are looked up outside the write transactions, on connections of their
    // own (never the pool's: a transaction waiting for a pool connection could wait for itself).
    const fold = options.foldRoundTrips ?? true;
    const group = fold && (options.groupTurns ?? true);
    const aloneAfter = options.aloneAfter ?? 6;
    const gate = { turnsAfter: Math.min(options.turnsAfter ?? 3, aloneAfter), aloneAfter };
    return new PostgresStore(pool, options.maxAttempts ?? 10, gate, fold, fold ? poolOf(2) : undefined, group);
  }

  /**
   * [ST-27] Each connection of the pool writes its own treasury shard (migration 18): when first
   * checked out it claims the first free one — a session advisory lock, so no connection of any
   * node holds it too — from this node's start (random, then in turn). Awaited before the
   * connection's first transaction; one round trip.
   */
  private readonly sharded = new WeakSet<pg.PoolClient>();
  private nextShard = Math.floor(Math.random() * TREASURY_SHARDS);

  private async connect(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    if (!this.sharded.has(client)) {
      try {
        await client.query(`SELECT treasury_shard_claim(${this.nextShard++ % TREASURY_SHARDS})`);
      } catch (error) {
        client.release(error instanceof Error ? error : true);
        throw error;
      }
      this.sharded.add(client);
    }
    return client;
  }

  read<T>(work: (tx: ReadTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return this.track(this.once('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', false, work).then((run) => {
      if (!run.ok) throw run.error;
      return run.value;
    }));
  }

  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const scope = writeScope.getStore();
    // [HOT-7] The request record is looked for now, while the write waits for its turn.
    const committed = scope?.request ? this.committedQuery(false) : undefined;
    const early = committed && scope?.request ? lookEarly(committed, scope.request.owner, scope.request.requestId, () => (this.stats.earlyLooks += 1)) : undefined;
    const turnKey = scope?.turnKey;
    if (turnKey === undefined) return this.track(this.writeWithRetries(work, undefined, early));
    return this.track(this.batches ? this.batches.write(turnKey, work, early) : this.inTurn(turnKey, work, early));
  }

  /**
   * [CLUSTER-12] Writers of one thread take turns: across nodes on a session advisory lock taken on
   * the writer's own connection BEFORE its transaction begins — the snapshot is then taken after the
   * previous writer committed, so the thread's seq row no longer makes them collide and re-run. The
   * lock is taken outside any transaction, so it takes part in no lock cycle, and one connection
   * serves the lock and every run; a connection that broke or failed to unlock is destroyed, which
   * frees the lock.
   *
   * [HOT-2] The turn costs no round trip of its own: the lock travels with BEGIN (`SELECT
   * pg_advisory_lock(…); COMMIT; BEGIN …` — the COMMIT ends the implicit block, so the SERIALIZABLE
   * snapshot is taken after the wait) and the unlock with COMMIT. In this process the writers of a
   * key queue on a promise chain, and the next one is let go as soon as the one before HOLDS the
   * lock: it checks out its connection and waits inside PostgreSQL, which hands it the lock the
   * moment the holder commits — no round trip through this process between two turns, and at most
   * one connection per node waits for a thread. Unfolded (`foldRoundTrips: false`), a writer waits
   * for the one before to finish, then locks and unlocks on round trips of their own.
   */
  private async inTurn<T>(key: string, work: (tx: WriteTx) => Promise<T>, early?: EarlyLook): Promise<T> {
    const previous = this.turns.get(key) ?? Promise.resolve();
    let letNextGo!: () => void;
    const mine = new Promise<void>((resolve) => (letNextGo = resolve));
    const tail = this.fold ? mine : previous.then(() => mine);
    this.turns.set(key, tail);
    await previous;
    try {
      const client = await this.connect();
      const lockSql = `SELECT pg_advisory_lock(${TURN_LOCK_CLASS}, hashtext(${pg.escapeLiteral(key)}))`;
      const unlockSql = `SELECT pg_advisory_unlock(${TURN_LOCK_CLASS}, hashtext(${pg.escapeLiteral(key)}))`;
      const held: HeldConnection = { client, key, broken: undefined, locked: false, since: 0, lockSql, unlockSql, onLocked: this.fold ? letNextGo : undefined };
      try {
        if (!this.fold) {
          this.stats.roundTrips += 1;
          await client.query(lockSql);
          held.locked = true;
          held.since = performance.now();
          this.stats.turns += 1;
        }
        const value = await this.writeWithRetries(work, held, early);
        return value;
      } finally {
        // A broken connection is destroyed (its lock ends with its session); else the lock is given back.
        if (held.broken === undefined && held.locked) {
          this.stats.roundTrips += 1;
          await client.query(unlockSql).then(
            () => (this.stats.turnMs += performance.now() - held.since),
            (error: unknown) => {
              held.broken = error instanceof Error ? error : new Error(String(error));
            },
          );
        }
        client.release(held.broken);
      }
    } finally {
      letNextGo();
      if (this.turns.get(key) === tail) this.turns.delete(key);
    }
  }

  pruneRequests(before: number): Promise<number> {
    return pruneRequests(this.pool, before);
  }

  pruneEvents(keepPerThread: number): Promise<number> {
    return pruneEvents(this.pool, keepPerThread);
  }

  async schemaVersion(): Promise<number> {
    const { rows } = await this.pool.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    return rows[0]?.version ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await Promise.all([this.pool.end(), this.outside?.end()]);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const done = () => this.inFlight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  private async writeWithRetries<T>(work: (tx: WriteTx) => Promise<T>, held?: HeldConnection, early?: EarlyLook): Promise<T> {
    this.stats.transactions += 1;
    for (let attempt = 1; ; attempt++) {
      const gate = gateFor(attempt, this.gate);
      countGate(this.stats, gate);
      const run = await this.once(beginWrite(gate), true, work, held, early);
      if (run.ok) return run.value;
      // A held connection in an unknown state cannot run again: it is destroyed, its lock with it.
      if (held?.broken) throw run.error;
      if (!run.retryable || attempt >= this.maxAttempts) throw run.error;
      this.stats.retries += 1;
      // Jittered and growing, so the transactions that collided do not collide again in step.
      const pause = Math.random() * Math.min(50, 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /**
   * One run of `work` in one transaction; `retryable` when any statement failed with a retryable
   * SQLSTATE. Folded (HOT-1, HOT-2), BEGIN — with the thread's turn lock before it on a first run —
   * is not a round trip of its own: it travels with the transaction's first statement (or its
   * COMMIT), and the turn's unlock travels with the COMMIT.
   */
  private async once<T>(
    begin: string,
    writable: boolean,
    work: (tx: PostgresTx) => Promise<T>,
    held?: HeldConnection,
    early?: EarlyLook,
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown; retryable: boolean }> {
    const client = held?.client ?? (await this.connect());
    let retryable = false;
    let requestRace = false;
    let broken: unknown = undefined;
    // The turn lock, then `COMMIT` ending the implicit block it ran in, so the SERIALIZABLE snapshot is taken after the wait.
    const locking = held !== undefined && !held.locked;
    let prelude: string | undefined = locking ? `${held.lockSql};\nCOMMIT;\n${begin}` : begin;
    let begun = false;
    const send = async (text: string, values?: unknown[]): Promise<pg.QueryResult | pg.QueryResult[]> => {
      if (writable) this.stats.roundTrips += 1;
      try {
        const result = (await client.query(text, values)) as pg.QueryResult | pg.QueryResult[];
        // Several statements in one message: the last one's result is the asked-for one (lastOf).
        return result;
      } catch (error) {
        // A command may catch a database error and throw its own; the SQLSTATE still decides.
        if (isRequestRace(error)) requestRace = true;
        if (RETRYABLE.has(errorCode(error) ?? '')) {
          retryable = true;
          countConflict(this.stats.conflicts, text, error);
        }
        if (errorCode(error) === '40P01') this.stats.deadlocks += 1;
        throw error;
      }
    };
    const started = (): void => {
      begun = true;
      if (locking) {
        held.locked = true;
        held.since = performance.now();
        this.stats.turns += 1;
        held.onLocked?.();
      }
    };
    const query: Query = async (text, values) => {
      if (prelude !== undefined) {
        const first = prelude;
        prelude = undefined;
        if (values === undefined || inlineableValues(values)) {
          // Whatever this message's fate, the lock may be held now: it is given back (a no-op when it is not).
          if (locking) held.locked = true;
          begun = true;
          const result = await send(`${first};\n${values === undefined ? text : inlineStatement(text, values)}`);
          started();
          return lastOf(result);
        }
        await send(first);
        started();
      }
      const result = await send(text, values);
      return lastOf(result);
    };
    const committed = writable ? this.committedQuery() : undefined;
    // [HOT-9] The tick before the first statement: the node's facts learned before it, the snapshot sees.
    const known = writable ? this.knownAccounts : undefined;
    const tx = new PostgresTx(query, writable, this.fold, committed, early, held?.key, known && { known, tick: known.tick() });
    try {
      if (!this.fold) {
        const first = prelude!;
        prelude = undefined;
        await send(first);
        started();
      }
      try {
        const value = await work(tx);
        const unlocking = held !== undefined && this.fold;
        const pending = tx.takePending();
        // Ended before COMMIT is sent: a call `work` left running cannot slip a statement in.
        tx.end();
        await query([...pending, 'COMMIT', ...(unlocking ? [held.unlockSql] : [])].join(';\n'));
        known?.learn(tx.ledger.seenAccounts);
        if (unlocking) {
          held.locked = false;
          this.stats.turnMs += performance.now() - held.since;
        }
        return { ok: true, value };
      } catch (error) {
        tx.end();
        // Nothing was sent (the work failed before its first statement): no transaction to roll back.
        if (begun) {
          await client.query('ROLLBACK').catch((rollbackError: unknown) => {
            broken = rollbackError;
          });
        }
        // [HOT-3] A request record committed meanwhile by a concurrent run: the next run finds it.
        if (requestRace && tx.lookedForRequest) {
          retryable = true;
          countConflict(this.stats.conflicts, 'INSERT INTO requests', error);
        }
        return { ok: false, error, retryable };
      }
    } catch (error) {
      broken = error;
      return { ok: false, error, retryable: RETRYABLE.has(errorCode(error) ?? '') };
    } finally {
      tx.end();
      // A connection whose BEGIN (unfolded) or ROLLBACK failed is in an unknown state: destroy it.
      const destroy = broken === undefined ? undefined : broken instanceof Error ? broken : new Error(String(broken));
      if (held) held.broken = destroy;
      else client.release(destroy);
    }
  }
}

/** A connection a write holds across its runs (its thread's turn, CLUSTER-12); `broken` once it must be destroyed. */
interface HeldConnection {
  client: pg.PoolClient;
  /** The thread's turn key. */
  key: string;
  broken: Error | undefined;
  /** Whether this connection holds the thread's advisory lock now. */
  locked: boolean;
  /** When the lock was seen held (performance.now()), for `stats.turnMs`. */
  since: number;
  lockSql: string;
  unlockSql: string;
  /** Called once the lock is held (HOT-2: the next writer in this process may go and wait in PostgreSQL). */
  onLocked: (() => void) | undefined;
}
