/** What the parent may ask of the Parley server child (server-child.ts), and with what. */

export interface ParleyChildConfig {
  dbPath: string;
  secret: string;
  siteId: string;
  /** The page origin the site allows: every client sends it. */
  origin: string;
  /** Threads the host creates (published) before the server answers. */
  threads: string[];
}

export interface TokenRequest {
  sub: string;
  name: string;
  lvl: number;
}

export interface SeedRequest {
  thread: string;
  count: number;
  /** Share of comments that are replies to an earlier root, so pages carry replies as real ones do. */
  replyShare: number;
  concurrency: number;
}

import type { ClosedLoopResult, CpuShare } from './closed-loop.js';

export interface DispatchPostsResult extends ClosedLoopResult {
  serverCpu: CpuShare;
}

export interface DispatchPostsRequest {
  thread: string;
  writers: number;
  seconds: number;
  /** Makes the run's request ids its own (a second run on the same thread must not retry the first's). */
  tag?: string;
}

/**
 * The SQLite store's counters (store/sqlite: `writeStats`, `statementCounts`): write calls and the
 * transactions (COMMITs) that carried them; statements run while counting was on (`countStatements`).
 */
export interface StoreStats {
  writes: number;
  transactions: number;
  statements: { total: number; control: number; byName: Record<string, { runs: number; ms: number }> };
  /** The write groups' waits for the checkpointer to catch up (DUR-1), and the WAL syncs off the loop (DUR-10, null: SQLite's own). */
  catchUps: number;
  catchUpMs: number;
  walSyncs: number | null;
}

/** Turns the store's statement counting on (afresh; `time` also times each statement) or off. */
export type CountStatementsRequest = { time: boolean } | false;

export interface ActionCostsRequest {
  thread: string;
  samples: number;
  /** Makes the run's user ids and request ids its own. */
  tag: string;
  /**
   * Count the WAL frames (pages) each action's COMMIT wrote instead of timing (wal-frames.ts): the
   * file is read after every action, so this run's CPU figures are not the actions' alone.
   */
  pages?: boolean;
}

export interface ActionCost {
  action: string;
  samples: number;
  cpuMicrosPerAction: number;
  wallMsMedian: number;
  /** With `pages`: WAL frames written per action (0 for an action that writes nothing). */
  pagesPerAction?: number;
}

