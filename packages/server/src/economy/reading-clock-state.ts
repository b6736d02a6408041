/**
 * One reader's reading clock on this node (reading-clocks.ts), and the small functions over it.
 */
import type { ReadSession } from '../store/ledger-types.js';
import type { BatchSegment } from './reading-batch.js';
import { readEarnings } from './reading.js';
import type { EconomyRules } from './rules.js';

export type Segment = BatchSegment;

export interface AccountClock {
  site: string;
  userId: string;
  /** Not read from the store yet: the first beat on this node reads the durable clock. */
  fresh: boolean;
  /** The reader's previous beat (0: none known — the next beat only starts the clock). */
  lastBeatAt: number;
  /** Reading proven since the last write, in beat order. */
  segments: Segment[];
  /** The durable session per thread, as of this node's last read or write. */
  sessions: Map<string, ReadSession>;
  /** No credit is tried before this (PERF-3). */
  retryCreditAt: number;
  /** The account is open in the store (a read found it, or a write opened it; accounts are never removed). */
  open: boolean;
  /** The last read found rewards pending: a write looks for the due ones (SETTLE-5); none, it need not. */
  pending: boolean;
  /** Beats and writes of this account, one at a time. */
  turn: Promise<unknown>;
  /** When this node last read the reader's balance and pending total (0: never), and the balance it read. */
  readAt: number;
  balance: number;
  /** Reading stopped (READ-5): the next beat starts a new interval, whatever `lastBeatAt` says. */
  stopped: boolean;
  /** [BEAT-20] The tick wrote this reader's reading on this node since the clock was made. */
  swept: boolean;
  /** [BEAT-20] The reader's own share of the first wait, in [0, 1), from a hash of the account. */
  spread: number;
}

/** Whether the reading waiting in memory earns a Twei the durable sessions have not credited. */
export function owesTwei(state: AccountClock, rules: EconomyRules): boolean {
  const waiting = new Map<string, number>();
  for (const segment of state.segments) waiting.set(segment.thread, (waiting.get(segment.thread) ?? 0) + segment.to - segment.from);
  for (const [thread, ms] of waiting) {
    const session = state.sessions.get(thread) ?? { readMs: 0, credited: 0 };
    if (readEarnings(session.readMs + ms, rules) > session.credited) return true;
  }
  return false;
}

export function newClock(account: string, site: string, userId: string): AccountClock {
  return {
    site,
    userId,
    fresh: true,
    lastBeatAt: 0,
    segments: [],
    sessions: new Map(),
    retryCreditAt: 0,
    open: false,
    pending: false,
    turn: Promise.resolve(),
    readAt: 0,
    balance: 0,
    stopped: false,
    swept: false,
    spread: spreadOf(account),
  };
}

/** [BEAT-20] A share in [0, 1) from a stable hash of the account (FNV-1a, then mixed), so a reader keeps theirs. */
export function spreadOf(account: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < account.length; i++) h = Math.imul(h ^ account.charCodeAt(i), 0x01000193);
  // MurmurHash3's finalizer: accounts that differ in their last character get unrelated shares.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 0x100000000;
}

/** Appends a beat's span, extending the last one when it continues it on the same thread. */
export function addSegment(segments: Segment[], segment: Segment): void {
  const last = segments[segments.length - 1];
  if (last && last.thread === segment.thread && last.to === segment.from) last.to = segment.to;
  else segments.push(segment);
}

export function pendingOn(segments: readonly Segment[], thread: string): number {
  let total = 0;
  for (const segment of segments) if (segment.thread === thread) total += segment.to - segment.from;
  return total;
}
