/** What a PostgresStore is opened with, and what its write path counts (postgres-store.ts). */

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database` */
  url: string;
  /** Connections in the pool. @default 10 */
  poolSize?: number;
  /** Runs of one write transaction before a serialization failure is given up. @default 10 */
  maxAttempts?: number;
  /** [ST-21] Runs that may lose to a concurrent writer before the next ones take the losers' turn (one loser at a time; first runs go on beside it). @default 3, and never above `aloneAfter` */
  turnsAfter?: number;
  /** [ST-21] Runs after which the next one runs alone (no writer overlaps it). @default 6 */
  aloneAfter?: number;
  /** A schema of its own (created when missing), e.g. one per test or per deployment. @default the role's search_path */
  schema?: string;
  /** Session settings for every connection, e.g. `{ statement_timeout: '5s' }`. */
  settings?: Record<string, string>;
  /**
   * Apply missing migrations on open. `false` (read-only tools: `parley audit`) changes nothing and
   * refuses a database whose schema is missing or not the latest, saying so. @default true
   */
  migrate?: boolean;
  /**
   * [HOT-1] [HOT-2] Fold round trips: a thread's turn is taken in the round trip that begins the
   * transaction and given back in the one that commits it, result-less writes travel with the next
   * statement or the COMMIT, and the next writer of a thread already waits inside PostgreSQL.
   * `false` sends every statement on its own, as before (the hot-rows bench's comparison). @default true
   */
  foldRoundTrips?: boolean;
  /**
   * [HOT-4] Writers of one thread waiting together on a node share one transaction (one turn, one
   * COMMIT), each in a savepoint (pg-thread-batches.ts). Only folded. `false`: a turn a write, as
   * before (the hot-rows bench's comparison). @default true
   */
  groupTurns?: boolean;
}

/** What the write path did, for the benchmark and tests. */
export interface PostgresWriteStats {
  /** Write transactions committed or given up. */
  transactions: number;
  /** Extra runs after a serialization failure (40001) or deadlock (40P01). */
  retries: number;
  /** Runs PostgreSQL ended as a deadlock victim (40P01): none when accounts are locked in one order. */
  deadlocks: number;
  /** [ST-21] Runs in the losers' turn (the write gate SHARE UPDATE EXCLUSIVE), after losing `turnsAfter` times. */
  losers: number;
  /** Runs that took the write gate exclusively, after losing `aloneAfter` times. */
  alone: number;
  /** Writes that took their thread's turn first (a write scope, CLUSTER-12). */
  turns: number;
  /** Round trips of write transactions (BEGIN, statements, COMMIT, turn locks): what a turn is made of. */
  roundTrips: number;
  /** [HOT-4] Batches of one thread's writes (one transaction each), and the writes they carried. */
  batches: number;
  batchedWrites: number;
  /** Batches run again with a round trip per savepoint, after a failure whose write was unknown. */
  carefulReruns: number;
  /** [HOT-7] Request records looked for when their write was queued (answered before its turn), and those looked for during a write. */
  earlyLooks: number;
  lateLooks: number;
  /** Milliseconds threads' turns were held (from the reply that took the lock to the one that gave it back): the serial section. */
  turnMs: number;
  /**
   * Retryable failures by where they struck — the failing statement's start (the last one of a
   * message) and PostgreSQL's reason — for finding what writers collide on (the hot-rows bench).
   */
  conflicts: Map<string, number>;
}
