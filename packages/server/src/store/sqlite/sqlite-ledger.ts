import type { LedgerCategory, PnlReport } from '@parley/protocol';
import type {
  CategoryFlows,
  DailyCounter,
  LedgerWriteTx,
  NewPendingReward,
  PendingReward,
  PendingState,
  RewardKind,
  NewTransfer,
  ReadSession,
  ReadingRow,
  ReadingState,
  TransferRecord,
  WalletFigures,
} from '../ledger-types.js';
import type { Statements } from './statements.js';

interface TransferRow {
  id: number;
  from_account: string;
  to_account: string;
  amount: number;
  category: string;
  thread: string | null;
  ref: string | null;
  request_id: string | null;
  reverses: number | null;
  at: number;
}

const toTransfer = (row: TransferRow): TransferRecord => ({
  id: row.id,
  from: row.from_account,
  to: row.to_account,
  amount: row.amount,
  category: row.category as LedgerCategory | 'debt' | 'erasure',
  thread: row.thread,
  ref: row.ref,
  requestId: row.request_id,
  reverses: row.reverses,
  at: row.at,
});

interface PendingRow {
  id: number;
  site: string;
  account: string;
  category: string;
  thread: string;
  comment: string;
  ref: string;
  amount: number;
  created_at: number;
  due_at: number;
  state: string;
  paid: number;
  transfer_id: number | null;
  settled_at: number | null;
}

const toPending = (row: PendingRow): PendingReward => ({
  id: row.id,
  site: row.site,
  account: row.account,
  category: row.category as LedgerCategory,
  thread: row.thread,
  comment: row.comment,
  ref: row.ref,
  amount: row.amount,
  createdAt: row.created_at,
  dueAt: row.due_at,
  state: row.state as PendingState,
  paid: row.paid,
  transferId: row.transfer_id,
  settledAt: row.settled_at,
});

/** A statement the database refused for a constraint (it undid that statement alone: the transaction goes on). */
const refusedByConstraint = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
};

/**
 * `tx.ledger` for SQLite. It borrows the transaction's statements through `use`, which refuses
 * after the transaction ended (and refuses writes in a read transaction), like the tx itself.
 */
export class SqliteLedger implements LedgerWriteTx {
  /** [DUR-17] Wallets the transaction will send, by account: read with the account's next pending reward. */
  private readonly wanted = new Map<string, { debt: string; day: number }>();
  /** [DUR-17] A wallet read with the last write; answered once, dropped at any later write (`dropAhead`). */
  private ahead: { account: string; debt: string; day: number; figures: WalletFigures } | null = null;

  constructor(private readonly use: (write: boolean) => Statements) {}

  /** The transaction wrote: what was read ahead may be stale. */
  dropAhead(): void {
    this.ahead = null;
  }

  async balance(account: string): Promise<number | null> {
    const row = this.use(false).ledgerBalance.get(account) as { balance: number } | undefined;
    return row ? row.balance : null;
  }

  async flows(account: string, thread: string): Promise<CategoryFlows> {
    const st = this.use(false);
    const flows: CategoryFlows = new Map();
    const entry = (category: string) => {
      const key = category as LedgerCategory;
      let value = flows.get(key);
      if (!value) flows.set(key, (value = { in: 0, out: 0 }));
      return value;
    };
    for (const row of st.ledgerFlowsIn.all(account, thread) as { category: string; total: number }[]) {
      entry(row.category).in += row.total;
    }
    for (const row of st.ledgerFlowsOut.all(account, thread) as { category: string; total: number }[]) {
      entry(row.category).out += row.total;
    }
    return flows;
  }

  async openTransfers(ref: string): Promise<TransferRecord[]> {
    return (this.use(false).ledgerOpenTransfers.all(ref) as TransferRow[]).map(toTransfer);
  }

  async readClock(account: string): Promise<number | null> {
    const row = this.use(false).ledgerReadClock.get(account) as { last_beat_at: number } | undefined;
    return row ? row.last_beat_at : null;
  }

  async readSession(account: string, thread: string): Promise<ReadSession | null> {
    const row = this.use(false).ledgerReadSession.get(account, thread) as
      | { read_ms: number; credited: number }
      | undefined;
    return row ? { readMs: row.read_ms, credited: row.credited } : null;
  }

  async readingOf(accounts: readonly string[], sessions: readonly { account: string; thread: string }[]): Promise<ReadingState> {
    const st = this.use(false);
    const state: ReadingState = { clocks: new Map(), sessions: new Map() };
    for (const account of accounts) {
      const row = st.ledgerReadClock.get(account) as { last_beat_at: number } | undefined;
      if (row) state.clocks.set(account, row.last_beat_at);
    }
    for (const { account, thread } of sessions) {
      const row = st.ledgerReadSession.get(account, thread) as { read_ms: number; credited: number } | undefined;
      if (!row) continue;
      let of = state.sessions.get(account);
      if (!of) state.sessions.set(account, (of = new Map()));
      of.set(thread, { readMs: row.read_ms, credited: row.credited });
    }
    return state;
  }

  async reports(account: string, thread: string, limit: number): Promise<PnlReport[]> {
    const rows = this.use(false).ledgerReports.all(account, thread, limit) as { payload: string }[];
    return rows.map((row) => JSON.parse(row.payload) as PnlReport);
  }

  async postAuthor(thread: string): Promise<string | null> {
    const row = this.use(false).ledgerPostAuthor.get(thread) as { account: string } | undefined;
    return row ? row.account : null;
  }

  async accountCreatedAt(account: string): Promise<number | null> {
    const row = this.use(false).ledgerAccountCreatedAt.get(account) as { created_at: number } | undefined;
    return row ? row.created_at : null;
  }

  async transferById(id: number): Promise<TransferRecord | null> {
    const row = this.use(false).ledgerTransferById.get(id) as TransferRow | undefined;
    return row ? toTransfer(row) : null;
  }

  async duePending(now: number, limit: number, account?: string): Promise<PendingReward[]> {
    const st = this.use(false);
    const rows = account === undefined ? st.ledgerDuePending.all(now, limit) : st.ledgerDuePendingOf.all(account, now, limit);
    return (rows as PendingRow[]).map(toPending);
  }

  async pendingOfComment(thread: string, comment: string): Promise<PendingReward[]> {
    return (this.use(false).ledgerPendingOfComment.all(thread, comment) as PendingRow[]).map(toPending);
  }

  async pendingTotal(account: string): Promise<number> {
    return (this.use(false).ledgerPendingTotal.get(account) as { total: number }).total;
  }

  async balanceAndPending(account: string): Promise<{ balance: number | null; pending: number }> {
    return this.use(false).ledgerBalanceAndPending.get({ account }) as { balance: number | null; pending: number };
  }

  async walletFigures(account: string, debt: string, day: number): Promise<WalletFigures> {
    const ahead = this.ahead;
    if (ahead && ahead.account === account && ahead.debt === debt && ahead.day === day) {
      this.ahead = null;
      return ahead.figures;
    }
    return this.use(false).ledgerWallet.get({ account, debt, day }) as WalletFigures;
  }

  wantWallet(account: string, debt: string, day: number): void {
    this.wanted.set(account, { debt, day });
  }

  /**
   * [DUR-17] A pending reward whose id nobody needs: when its reader's wallet is wanted, the insert
   * reads that wallet too (one statement, not two) and keeps it for `walletFigures`.
   */
  async queuePending(r: NewPendingReward): Promise<void> {
    const wanted = this.wanted.get(r.account);
    if (!wanted) {
      await this.addPending(r);
      return;
    }
    const { debt, day } = wanted;
    const figures = this.use(true).ledgerAddPendingWithWallet.get(
      ...[r.site, r.account, r.category, r.thread, r.comment, r.ref, r.amount, r.createdAt, r.dueAt],
      ...[r.account, r.account, debt, r.account, day],
    ) as WalletFigures;
    this.ahead = { account: r.account, debt, day, figures };
  }

  async reactionRewarded(site: string, giver: string, target: string, kind: RewardKind): Promise<boolean> {
    return this.use(false).ledgerReactionRewarded.get(site, giver, target, kind) !== undefined;
  }

  async pairCount(site: string, giver: string, receiver: string, period: number): Promise<number> {
    const row = this.use(false).ledgerPairCount.get(site, giver, receiver, period) as { count: number } | undefined;
    return row ? row.count : 0;
  }

  async earnedOn(account: string, day: number): Promise<DailyCounter | null> {
    const row = this.use(false).ledgerEarnedOn.get(account, day) as { earned: number; cap: number } | undefined;
    return row ? { amount: row.earned, limit: row.cap } : null;
  }

  async mintedOn(site: string, day: number, shard: number): Promise<DailyCounter | null> {
    const row = this.use(false).ledgerMintedOn.get(site, day, shard) as { minted: number; budget: number } | undefined;
    return row ? { amount: row.minted, limit: row.budget } : null;
  }

  async allDailyEarnings(): Promise<{ account: string; day: number; earned: number; cap: number }[]> {
    return this.use(false).ledgerAllDailyEarnings.all() as { account: string; day: number; earned: number; cap: number }[];
  }

  async allDailyMint(): Promise<{ site: string; day: number; shard: number; minted: number; budget: number }[]> {
    return this.use(false).ledgerAllDailyMint.all() as { site: string; day: number; shard: number; minted: number; budget: number }[];
  }

  async addPending(r: NewPendingReward): Promise<number> {
    return Number(this.use(true).ledgerAddPending.run(r.site, r.account, r.category, r.thread, r.comment, r.ref, r.amount, r.createdAt, r.dueAt).lastInsertRowid);
  }

  async setPendingState(id: number, from: PendingState, to: PendingState, paid: number, transferId: number | null, at: number): Promise<boolean> {
    return this.use(true).ledgerSetPendingState.run({ id, from, to, paid, transferId, at }).changes === 1;
  }

  async recordReactionReward(site: string, giver: string, target: string, kind: RewardKind, at: number): Promise<boolean> {
    return this.use(true).ledgerRecordReactionReward.run(site, giver, target, kind, at).changes === 1;
  }

  async bumpPair(site: string, giver: string, receiver: string, period: number): Promise<number> {
    return (this.use(true).ledgerBumpPair.get(site, giver, receiver, period) as { count: number }).count;
  }

  async addEarned(account: string, day: number, amount: number, cap: number): Promise<void> {
    this.use(true).ledgerAddEarned.run({ account, day, amount, cap });
  }

  async addMinted(site: string, day: number, shard: number, amount: number, budget: number): Promise<void> {
    this.use(true).ledgerAddMinted.run({ site, day, shard, amount, budget });
  }

  async allTransfers(): Promise<TransferRecord[]> {
    return (this.use(false).ledgerAllTransfers.all() as TransferRow[]).map(toTransfer);
  }

  async allReports(): Promise<{ account: string; report: PnlReport }[]> {
    const rows = this.use(false).ledgerAllReports.all() as { account: string; payload: string }[];
    return rows.map((row) => ({ account: row.account, report: JSON.parse(row.payload) as PnlReport }));
  }

  async allBalances(): Promise<Map<string, number>> {
    const rows = this.use(false).ledgerAllBalances.all() as { id: string; balance: number }[];
    return new Map(rows.map((row) => [row.id, row.balance]));
  }

  async openAccount(account: string, kind: 'reader' | 'treasury', at: number): Promise<boolean> {
    return this.use(true).ledgerOpenAccount.run(account, kind, at).changes === 1;
  }

  /**
   * [DUR-17] The transfer, only when the reader's balance covers it: inserted as it is, and refused
   * by the database when it does not — the trigger's UPDATE breaks the reader's CHECK (balance >= 0,
   * LED-2), or an account that was never opened breaks the foreign key — which undoes the statement
   * and nothing else (null: nothing moved; the book then reads the balance and refuses, or opens the
   * account). Not an INSERT … SELECT with the check in its WHERE: with a row trigger on `transfers`
   * SQLite runs that SELECT into a temporary table first, and it cost more than the read it saved.
   * `from` is a reader's account (a treasury may go negative: nothing would refuse it).
   */
  async transferIfCovered(t: NewTransfer): Promise<TransferRecord | null> {
    const insert = this.use(true).ledgerInsertTransfer;
    try {
      const id = insert.run(t.from, t.to, t.amount, t.category, t.thread ?? null, t.ref ?? null, t.requestId ?? null, t.reverses ?? null, t.at).lastInsertRowid;
      return { ...t, id: Number(id) };
    } catch (error) {
      if (refusedByConstraint(error)) return null;
      throw error;
    }
  }

  async transfer(t: NewTransfer): Promise<TransferRecord> {
    const id = this.use(true).ledgerInsertTransfer.run(t.from, t.to, t.amount, t.category, t.thread ?? null, t.ref ?? null, t.requestId ?? null, t.reverses ?? null, t.at).lastInsertRowid;
    return { ...t, id: Number(id) };
  }

  async saveReadClock(account: string, lastBeatAt: number): Promise<void> {
    this.use(true).ledgerSaveReadClock.run(account, lastBeatAt);
  }

  async saveReadSession(account: string, thread: string, s: ReadSession): Promise<void> {
    this.use(true).ledgerSaveReadSession.run(account, thread, s.readMs, s.credited);
  }

  async saveReading(clocks: readonly { account: string; lastBeatAt: number }[], sessions: readonly ReadingRow[]): Promise<void> {
    const st = this.use(true);
    for (const clock of clocks) st.ledgerSaveReadClock.run(clock.account, clock.lastBeatAt);
    for (const { account, thread, session } of sessions) st.ledgerSaveReadSession.run(account, thread, session.readMs, session.credited);
  }

  async saveReport(account: string, thread: string, report: PnlReport): Promise<void> {
    this.use(true).ledgerSaveReport.run(report.id, account, thread, report.boughtAt, JSON.stringify(report));
  }

  async setPostAuthor(thread: string, account: string, at: number): Promise<boolean> {
    return this.use(true).ledgerSetPostAuthor.run(thread, account, at).changes === 1;
  }
}
