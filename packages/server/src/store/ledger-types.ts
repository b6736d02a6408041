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
  category: LedgerCategory;
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

/** One reader's movements on one thread, per category: money in and money out. */
export type CategoryFlows = Map<LedgerCategory, { in: number; out: number }>;

export interface LedgerReadTx {
  /** null when the account was never opened. */
  balance(account: string): Promise<number | null>;
  flows(account: string, thread: string): Promise<CategoryFlows>;
  /** Original transfers (not reversals) with this ref that no later transfer reverses, oldest first. */
  openTransfers(ref: string): Promise<TransferRecord[]>;
  /** When the reader's one reading clock last ticked (any post, any tab); null before the first beat. */
  readClock(account: string): Promise<number | null>;
  readSession(account: string, thread: string): Promise<ReadSession | null>;
  reports(account: string, thread: string, limit: number): Promise<PnlReport[]>;
  postAuthor(thread: string): Promise<string | null>;
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
  saveReadClock(account: string, lastBeatAt: number): Promise<void>;
  saveReadSession(account: string, thread: string, session: ReadSession): Promise<void>;
  /** `thread` is the thread key; the report carries the public id. */
  saveReport(account: string, thread: string, report: PnlReport): Promise<void>;
  /** Records the post's author (an account id); false when the thread already has one. */
  setPostAuthor(thread: string, account: string, at: number): Promise<boolean>;
}
