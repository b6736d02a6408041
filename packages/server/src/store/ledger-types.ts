/**
 * The ledger part of the storage contract, reached as `tx.ledger` inside a store transaction, so
 * money moves in the SAME transaction as the action that moves it (DESIGN.md "Twei economy").
 * Rules the store guarantees (tests in ledger-conformance.ts):
 *   [LED-1] balances change only through `transfer`; all balances sum to zero;
 *   [LED-2] a reader's balance never goes below zero — a transfer that would make it refuses (throws);
 *   [LED-3] transfers are append-only; a transfer is reversed at most once.
 */
import type { LedgerCategory, PnlReport } from '@parley/protocol';

export interface NewTransfer {
  from: string;
  to: string;
  /** Whole Twei, > 0. */
  amount: number;
  /**
   * `debt`: a loan to a reader who owes more than they have, or a repayment (DEBT-1); never a PnL line.
   * `erasure`: an erased reader's balance returned to the site treasury, or their debt written off (RIGHTS-5).
   */
  category: LedgerCategory | 'debt' | 'erasure';
  thread: string | null;
  /** What the money is for, so an undo can find it: e.g. `react:<thread>:<comment>:<user>`. */
  ref: string | null;
  requestId: string | null;
  /** The transfer this one undoes. */
  reverses: number | null;
  at: number;
}

export interface TransferRecord extends NewTransfer {
  id: number;
}

export interface ReadSession {
  readMs: number;
  /** Twei already paid for this reading. */
  credited: number;
}

/** [BEAT-19] A reader's reading on one thread, as several are read or saved at once. */
export interface ReadingRow {
  account: string;
  thread: string;
  session: ReadSession;
}

/** [BEAT-19] What a batch of readers' durable reading is: each account's clock, each (account, thread)'s session. */
export interface ReadingState {
  /** Absent: the account has no clock yet. */
  clocks: Map<string, number>;
  /** By account, then thread; absent: no session yet. */
  sessions: Map<string, Map<string, ReadSession>>;
}

/** One reader's movements on one thread, per category: money in and money out. */
export type CategoryFlows = Map<LedgerCategory, { in: number; out: number }>;

/** A reward tied to a comment, waiting for the comment to survive the settlement window (SETTLE-1). */
export interface NewPendingReward {
  site: string;
  account: string;
  category: LedgerCategory;
  thread: string;
  comment: string;
  ref: string;
  amount: number;
  createdAt: number;
  dueAt: number;
}

export type PendingState = 'pending' | 'paid' | 'cancelled' | 'reversed';

export interface PendingReward extends NewPendingReward {
  id: number;
  state: PendingState;
  /** What the settlement really paid (the caps may cut it); 0 until paid. */
  paid: number;
  transferId: number | null;
  settledAt: number | null;
}

/** The reaction kinds that pay or cost once per giver and target, ever (REACT-1). */
export type RewardKind = 'like' | 'dislike' | 'plus' | 'minus';

/** A per-day counter with the limit in force when it last moved (caps, CAP-1 / CAP-2). */
export interface DailyCounter {
  amount: number;
  limit: number;
}

export interface WalletFigures {
  balance: number;
  pending: number;
  debtBalance: number;
  earned: number;
}

export interface LedgerReadTx {
  /** null when the account was never opened. */
  balance(account: string): Promise<number | null>;
  flows(account: string, thread: string): Promise<CategoryFlows>;
  /** Original transfers (not reversals) with this ref that no later transfer reverses, oldest first. */
  openTransfers(ref: string): Promise<TransferRecord[]>;
  /** When the reader's one reading clock last ticked (any post, any tab); null before the first beat. */
  readClock(account: string): Promise<number | null>;
  readSession(account: string, thread: string): Promise<ReadSession | null>;
  /**
   * [BEAT-19] `readClock` of every account in `accounts` and `readSession` of every pair in
   * `sessions`, in one read (one round trip on PostgreSQL) — the reading tick's batch.
   */
  readingOf(accounts: readonly string[], sessions: readonly { account: string; thread: string }[]): Promise<ReadingState>;
  reports(account: string, thread: string, limit: number): Promise<PnlReport[]>;
  postAuthor(thread: string): Promise<string | null>;
  /** When the account was opened; null when it never was. */
  accountCreatedAt(account: string): Promise<number | null>;
  transferById(id: number): Promise<TransferRecord | null>;
  /** Pending rewards due at `now`, oldest first; only `account`'s when given. */
  duePending(now: number, limit: number, account?: string): Promise<PendingReward[]>;
  /** Every pending-reward row of one comment, any state. */
  pendingOfComment(thread: string, comment: string): Promise<PendingReward[]>;
  /** Sum of a reader's rewards still pending. */
  pendingTotal(account: string): Promise<number>;
  /** [BEAT-11] `balance` and `pendingTotal` of one account in one read (a heartbeat's). */
  balanceAndPending(account: string): Promise<{ balance: number | null; pending: number }>;
  /**
   * [DUR-6] What a wallet update shows, in one read: the account's balance (0 unopened), its pending
   * total, the balance of its debt account `debtAccount` (≤ 0; 0 unopened), and what it earned on `day`.
   */
  walletFigures(account: string, debtAccount: string, day: number): Promise<WalletFigures>;
  /** True when this giver already gave this kind of reaction to this target, ever. */
  reactionRewarded(site: string, giver: string, target: string, kind: RewardKind): Promise<boolean>;
  /** Reactions `giver` gave `receiver` in `period`. */
  pairCount(site: string, giver: string, receiver: string, period: number): Promise<number>;
  earnedOn(account: string, day: number): Promise<DailyCounter | null>;
  mintedOn(site: string, day: number, shard: number): Promise<DailyCounter | null>;
  /** Every daily earning counter: for audits. */
  allDailyEarnings(): Promise<{ account: string; day: number; earned: number; cap: number }[]>;
  /** Every daily mint counter: for audits. */
  allDailyMint(): Promise<{ site: string; day: number; shard: number; minted: number; budget: number }[]>;
  /** Every transfer, in order: for audits and tests. */
  allTransfers(): Promise<TransferRecord[]>;
  /** Every bought report with its reader's account: for audits. */
  allReports(): Promise<{ account: string; report: PnlReport }[]>;
  /** Every account's balance: for audits and tests. */
  allBalances(): Promise<Map<string, number>>;
}

export interface LedgerWriteTx extends LedgerReadTx {
  /** Opens the account with balance 0; false when it already existed. */
  openAccount(account: string, kind: 'reader' | 'treasury', at: number): Promise<boolean>;
  transfer(transfer: NewTransfer): Promise<TransferRecord>;
  /**
   * [HOT-12] Optional (PostgreSQL): the transfer, only when `from` is a reader's account whose
   * balance covers it — the balance check in the same statement, one round trip instead of a read
   * and then the transfer; null when it does not (or the account does not exist): nothing moved.
   * A store without it is asked for the balance and then the transfer. `from` is a reader's
   * account: SQLite's (DUR-17) lets its balance CHECK refuse, and a treasury has none.
   */
  transferIfCovered?(transfer: NewTransfer): Promise<TransferRecord | null>;
  saveReadClock(account: string, lastBeatAt: number): Promise<void>;
  saveReadSession(account: string, thread: string, session: ReadSession): Promise<void>;
  /**
   * [BEAT-19] `saveReadClock` and `saveReadSession` of many readers at once: one statement for all
   * on PostgreSQL (sent with the transaction's next round trip, HOT-1), one prepared statement
   * reused on SQLite.
   */
  saveReading(clocks: readonly { account: string; lastBeatAt: number }[], sessions: readonly ReadingRow[]): Promise<void>;
  /** `thread` is the thread key; the report carries the public id. */
  saveReport(account: string, thread: string, report: PnlReport): Promise<void>;
  addPending(reward: NewPendingReward): Promise<number>;
  /**
   * [HOT-12] Optional (PostgreSQL): `addPending` for a caller that does not need the row's id — a
   * store may send it with the transaction's next statement (HOT-1). Absent, `addPending` is used.
   */
  queuePending?(reward: NewPendingReward): Promise<void>;
  /**
   * [DUR-17] Optional (SQLite): the wallet of `account` (with its debt account, earnings of `day`)
   * will be read at the end of this transaction; a store may read it with the account's next
   * queued pending reward, in the same statement, and answer `walletFigures` from that once, unless
   * anything is written in between.
   */
  wantWallet?(account: string, debt: string, day: number): void;
  /** Moves a row from `from` to `to`; false when it was not in `from` (someone settled it first). */
  setPendingState(id: number, from: PendingState, to: PendingState, paid: number, transferId: number | null, at: number): Promise<boolean>;
  /** Records the first reaction of this kind by giver on target; false when it was recorded before. */
  recordReactionReward(site: string, giver: string, target: string, kind: RewardKind, at: number): Promise<boolean>;
  /** Adds one to the pair's count for the period; returns the new count. */
  bumpPair(site: string, giver: string, receiver: string, period: number): Promise<number>;
  addEarned(account: string, day: number, amount: number, cap: number): Promise<void>;
  addMinted(site: string, day: number, shard: number, amount: number, budget: number): Promise<void>;
  /** Records the post's author (an account id); false when the thread already has one. */
  setPostAuthor(thread: string, account: string, at: number): Promise<boolean>;
}
