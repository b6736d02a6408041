/**
 * What a write is about, for a store that can use it (PostgreSQL): the key of the thread whose seq
 * the command advances. Writers of one thread take turns on that key — in this process, then on a
 * PostgreSQL advisory lock across nodes — before their SERIALIZABLE transaction begins, so they
 * queue instead of colliding on the thread's seq row and re-running (CLUSTER-12). SQLite, which runs
 * one write at a time anyway, ignores it. Set by the dispatcher around a command; a write without a
 * scope (seeding, settlement, tests) runs as before.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface WriteScope {
  /** e.g. a thread key `<site>:<id>`. */
  turnKey?: string;
  /**
   * [HOT-7] The request record (SRV-S3) the write will look for, set by the mutation around its
   * write: a store that reads records outside its transactions (PostgreSQL, HOT-3) starts the look
   * when the write is queued, so it is not a round trip of the thread's turn.
   */
  request?: { owner: string; requestId: string };
}

export const writeScope = new AsyncLocalStorage<WriteScope>();
