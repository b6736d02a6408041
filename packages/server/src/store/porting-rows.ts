/** Row shapes shared by both dialects' porting queries (the column names are the same in both). */
import type { LedgerCategory } from '@parley/protocol';
import type { PendingReward, PendingState, TransferRecord } from './ledger-types.js';

export interface TransferRow {
  id: number | string;
  from_account: string;
  to_account: string;
  amount: number | string;
  category: string;
  thread: string | null;
  ref: string | null;
  request_id: string | null;
  reverses: number | string | null;
  at: number | string;
}

export const toTransferRecord = (row: TransferRow): TransferRecord => ({
  id: Number(row.id),
  from: row.from_account,
  to: row.to_account,
  amount: Number(row.amount),
  category: row.category as LedgerCategory | 'debt' | 'erasure',
  thread: row.thread,
  ref: row.ref,
  requestId: row.request_id,
  reverses: row.reverses === null ? null : Number(row.reverses),
  at: Number(row.at),
});

export interface PendingRow {
  id: number | string;
  site: string;
  account: string;
  category: string;
  thread: string;
  comment: string;
  ref: string;
  amount: number | string;
  created_at: number | string;
  due_at: number | string;
  state: string;
  paid: number | string;
  transfer_id: number | string | null;
  settled_at: number | string | null;
}

export const toPendingRecord = (row: PendingRow): PendingReward => ({
  id: Number(row.id),
  site: row.site,
  account: row.account,
  category: row.category as LedgerCategory,
  thread: row.thread,
  comment: row.comment,
  ref: row.ref,
  amount: Number(row.amount),
  createdAt: Number(row.created_at),
  dueAt: Number(row.due_at),
  state: row.state as PendingState,
  paid: Number(row.paid),
  transferId: row.transfer_id === null ? null : Number(row.transfer_id),
  settledAt: row.settled_at === null ? null : Number(row.settled_at),
});

/** `LIKE` pattern of every thread key of a site (`<site>:…`); a site id never holds `%`, `_` is escaped. */
export const siteKeyPattern = (site: string): string => `${site.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`;
