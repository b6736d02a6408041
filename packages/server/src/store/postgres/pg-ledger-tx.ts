/**
 * `tx.ledger` of a PostgreSQL transaction (store/ledger-types.ts): balances, transfers, pending
 * rewards, daily counters and reading clocks. Result-less writes go `blind` (HOT-1: with the
 * transaction's next round trip); everything else through `use`, which refuses after the transaction
 * ended (and writes in a read transaction).
 */
import type { LedgerCategory, PnlReport } from '@parley/protocol';
import type { QueryResultRow } from 'pg';
import type {
  CategoryFlows,
  DailyCounter,
  LedgerWriteTx,
  NewPendingReward,
  NewTransfer,
  PendingReward,
  ReadSession,
  ReadingRow,
  ReadingState,
  RewardKind,
  TransferRecord,
  WalletFigures,
  PendingState,
} from '../ledger-types.js';
import { toPendingRecord, toTransferRecord, type PendingRow, type TransferRow } from '../porting-rows.js';
import type { AccountFacts } from './pg-known-accounts.js';
import type { Blind, Query } from './pg-statements.js';
import { readingOf, saveReading } from './pg-reading.js';

/** A balance: a reader's row, or (treasury kind) the sum of its shards (pg-migrations.ts). */
const BALANCE = `SELECT a.id, CASE WHEN a.kind = 'treasury'
    THEN COALESCE((SELECT SUM(s.balance) FROM treasury_shards s WHERE s.account = a.id), 0)::bigint
    ELSE a.balance END AS balance FROM accounts a`;
/** The same balance as one value, for a scalar subquery (`(${BALANCE_VALUE} WHERE a.id = …)`). */
const BALANCE_VALUE = `SELECT CASE WHEN a.kind = 'treasury'
    THEN COALESCE((SELECT SUM(s.balance) FROM treasury_shards s WHERE s.account = a.id), 0)::bigint
    ELSE a.balance END FROM accounts a`;

/** The ledger of one PostgreSQL transaction; `use` refuses after the transaction ended. */
export class PgLedger implements LedgerWriteTx {
  private readonly opened = new Set<string>();
  /** [HOT-9] Accounts this transaction saw or opened, with their `created_at`: the node learns them once it commits. */
  readonly seenAccounts = new Map<string, number>();
  /** [HOT-10] Threads' post authors read ahead with the turn's first statement; dropped when this transaction sets one. */
  readonly authorsAhead = new Map<string, string | null>();

  constructor(
    private readonly use: (write: boolean) => Query,
    private readonly blind: Blind,
    /** Refuses as `use` does (ended, or a write in a read transaction) without sending or invalidating anything. */
    private readonly refuse: (write: boolean) => void = (write) => void use(write),
    /** [HOT-9] The node's known accounts as of this transaction's snapshot; absent, every account is asked for. */
    private readonly facts: () => AccountFacts | undefined = () => undefined,
  ) {}

  /** [HOT-9] The account's `created_at` as this transaction knows it without a statement (its own or the node's facts). */
  private knownCreatedAt(account: string): number | undefined {
    const seen = this.seenAccounts.get(account);
    if (seen !== undefined) return seen;
    const facts = this.facts();
    const known = facts?.known.createdAt(account, facts.tick);
    if (known !== undefined) this.seenAccounts.set(account, known);
    return known;
  }

  private async one<R extends QueryResultRow>(write: boolean, text: string, values: unknown[]): Promise<R | undefined> {
    return (await this.use(write)<R>(text, values)).rows[0];
  }

  async balance(account: string): Promise<number | null> {
    return (await this.one<{ balance: number }>(false, `${BALANCE} WHERE a.id = $1`, [account]))?.balance ?? null;
  }

  async flows(account: string, thread: string): Promise<CategoryFlows> {
    const q = this.use(false);
    const flows: CategoryFlows = new Map();
    const entry = (category: string) => {
      const key = category as LedgerCategory;
      let value = flows.get(key);
      if (!value) flows.set(key, (value = { in: 0, out: 0 }));
      return value;
    };
    const sum = (column: string) =>
      q<{ category: string; total: number }>(
        `SELECT category, SUM(amount)::bigint AS total FROM transfers WHERE ${column} = $1 AND thread = $2 GROUP BY category ORDER BY category`,
        [account, thread],
      );
    for (const row of (await sum('to_account')).rows) entry(row.category).in += row.total;
    for (const row of (await sum('from_account')).rows) entry(row.category).out += row.total;
    return flows;
  }

  async openTransfers(ref: string): Promise<TransferRecord[]> {
    const { rows } = await this.use(false)<TransferRow>(
      `SELECT * FROM transfers t WHERE ref = $1 AND reverses IS NULL
        AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.reverses = t.id) ORDER BY id`,
      [ref],
    );
    return rows.map(toTransferRecord);
  }

  async readClock(account: string): Promise<number | null> {
    return (await this.one<{ last_beat_at: number }>(false, 'SELECT last_beat_at FROM read_clocks WHERE account = $1', [account]))?.last_beat_at ?? null;
  }

  async readSession(account: string, thread: string): Promise<ReadSession | null> {
    const row = await this.one<{ read_ms: number; credited: number }>(
      false,
      'SELECT read_ms, credited FROM read_sessions WHERE account = $1 AND thread = $2',
      [account, thread],
    );
    return row ? { readMs: row.read_ms, credited: row.credited } : null;
  }

  async reports(account: string, thread: string, limit: number): Promise<PnlReport[]> {
    const { rows } = await this.use(false)<{ payload: string }>(
      'SELECT payload FROM reports WHERE account = $1 AND thread = $2 ORDER BY bought_at DESC, n DESC LIMIT $3',
      [account, thread, limit],
    );
    return rows.map((row) => JSON.parse(row.payload) as PnlReport);
  }

  async postAuthor(thread: string): Promise<string | null> {
    const ahead = this.authorsAhead.get(thread);
    if (ahead !== undefined) {
      this.refuse(false);
      return ahead;
    }
    return (await this.one<{ account: string }>(false, 'SELECT account FROM post_authors WHERE thread = $1', [thread]))?.account ?? null;
  }

  async accountCreatedAt(account: string): Promise<number | null> {
    this.refuse(false);
    const known = this.knownCreatedAt(account);
    if (known !== undefined) return known;
    const createdAt = (await this.one<{ created_at: number }>(false, 'SELECT created_at FROM accounts WHERE id = $1', [account]))?.created_at ?? null;
    if (createdAt !== null) this.seenAccounts.set(account, createdAt);
    return createdAt;
  }

  async transferById(id: number): Promise<TransferRecord | null> {
    const row = await this.one<TransferRow>(false, 'SELECT * FROM transfers WHERE id = $1', [id]);
    return row ? toTransferRecord(row) : null;
  }

  async duePending(now: number, limit: number, account?: string): Promise<PendingReward[]> {
    const q = this.use(false);
    const { rows } =
      account === undefined
        ? await q<PendingRow>(`SELECT * FROM pending_rewards WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at, id LIMIT $2`, [now, limit])
        : await q<PendingRow>(
            `SELECT * FROM pending_rewards WHERE state = 'pending' AND account = $1 AND due_at <= $2 ORDER BY due_at, id LIMIT $3`,
            [account, now, limit],
          );
    return rows.map(toPendingRecord);
  }

  async pendingOfComment(thread: string, comment: string): Promise<PendingReward[]> {
    const { rows } = await this.use(false)<PendingRow>('SELECT * FROM pending_rewards WHERE thread = $1 AND comment = $2 ORDER BY id', [thread, comment]);
    return rows.map(toPendingRecord);
  }

  async pendingTotal(account: string): Promise<number> {
    const row = await this.one<{ total: number }>(
      false,
      `SELECT COALESCE(SUM(amount), 0)::bigint AS total FROM pending_rewards WHERE account = $1 AND state = 'pending'`,
      [account],
    );
    return row?.total ?? 0;
  }

  /** [BEAT-11] One round trip: the balance as `balance` reads it, and the pending total. */
  async balanceAndPending(account: string): Promise<{ balance: number | null; pending: number }> {
    const row = await this.one<{ balance: number | null; pending: number }>(
      false,
      `SELECT (SELECT b.balance FROM (${BALANCE} WHERE a.id = $1) b) AS balance,
        (SELECT COALESCE(SUM(amount), 0)::bigint FROM pending_rewards WHERE account = $1 AND state = 'pending') AS pending`,
      [account],
    );
    return { balance: row?.balance ?? null, pending: row?.pending ?? 0 };
  }

  /**
   * [DUR-6] [HOT-6] The four reads in one statement, one round trip instead of four: in a thread's
   * turn (CLUSTER-12) every round trip is in the thread's serial section. Same snapshot, same rows.
   */
  async walletFigures(account: string, debt: string, day: number): Promise<WalletFigures> {
    const row = await this.one<WalletFigures>(
      false,
      `SELECT COALESCE((${BALANCE_VALUE} WHERE a.id = $1), 0)::bigint AS "balance",
        (SELECT COALESCE(SUM(amount), 0) FROM pending_rewards WHERE account = $1 AND state = 'pending')::bigint AS "pending",
        COALESCE((${BALANCE_VALUE} WHERE a.id = $2), 0)::bigint AS "debtBalance",
        COALESCE((SELECT earned FROM daily_earnings WHERE account = $1 AND day = $3), 0)::bigint AS "earned"`,
      [account, debt, day],
    );
    return { balance: row?.balance ?? 0, pending: row?.pending ?? 0, debtBalance: row?.debtBalance ?? 0, earned: row?.earned ?? 0 };
  }

  async reactionRewarded(site: string, giver: string, target: string, kind: RewardKind): Promise<boolean> {
    const row = await this.one(false, 'SELECT 1 AS hit FROM reaction_rewards WHERE site = $1 AND giver = $2 AND target = $3 AND kind = $4', [site, giver, target, kind]);
    return row !== undefined;
  }

  async pairCount(site: string, giver: string, receiver: string, period: number): Promise<number> {
    const row = await this.one<{ count: number }>(
      false,
      'SELECT count FROM reaction_pairs WHERE site = $1 AND giver = $2 AND receiver = $3 AND period = $4',
      [site, giver, receiver, period],
    );
    return row?.count ?? 0;
  }

  async earnedOn(account: string, day: number): Promise<DailyCounter | null> {
    const row = await this.one<{ earned: number; cap: number }>(false, 'SELECT earned, cap FROM daily_earnings WHERE account = $1 AND day = $2', [account, day]);
    return row ? { amount: row.earned, limit: row.cap } : null;
  }

  async mintedOn(site: string, day: number, shard: number): Promise<DailyCounter | null> {
    const row = await this.one<{ minted: number; budget: number }>(
      false,
      'SELECT minted, budget FROM daily_mint WHERE site = $1 AND day = $2 AND shard = $3',
      [site, day, shard],
    );
    return row ? { amount: row.minted, limit: row.budget } : null;
  }

  async allDailyEarnings(): Promise<{ account: string; day: number; earned: number; cap: number }[]> {
    return (await this.use(false)<{ account: string; day: number; earned: number; cap: number }>(
      'SELECT account, day, earned, cap FROM daily_earnings ORDER BY day, account',
    )).rows;
  }

  async allDailyMint(): Promise<{ site: string; day: number; shard: number; minted: number; budget: number }[]> {
    return (await this.use(false)<{ site: string; day: number; shard: number; minted: number; budget: number }>(
      'SELECT site, day, shard, minted, budget FROM daily_mint ORDER BY day, site, shard',
    )).rows;
  }

  async allTransfers(): Promise<TransferRecord[]> {
    return (await this.use(false)<TransferRow>('SELECT * FROM transfers ORDER BY id')).rows.map(toTransferRecord);
  }

  async allReports(): Promise<{ account: string; report: PnlReport }[]> {
    const { rows } = await this.use(false)<{ account: string; payload: string }>('SELECT account, payload FROM reports ORDER BY n');
    return rows.map((row) => ({ account: row.account, report: JSON.parse(row.payload) as PnlReport }));
  }

  async allBalances(): Promise<Map<string, number>> {
    const { rows } = await this.use(false)<{ id: string; balance: number }>(BALANCE);
    return new Map(rows.map((row) => [row.id, row.balance]));
  }

  /**
   * [HOT-1] An account this transaction already opened (or found open) exists for the rest of it —
   * accounts are never deleted — so asking again costs no statement: a post opens its author's
   * account for the tribute and again for the pending reward.
   */
  async openAccount(account: string, kind: 'reader' | 'treasury', at: number): Promise<boolean> {
    this.refuse(true);
    if (this.opened.has(account)) return false;
    // [HOT-9] Known to exist before this snapshot: the INSERT would change nothing.
    if (this.knownCreatedAt(account) !== undefined) {
      this.opened.add(account);
      return false;
    }
    const q = this.use(true);
    if (this.facts() === undefined) {
      const { rowCount } = await q('INSERT INTO accounts (id, kind, balance, created_at) VALUES ($1, $2, 0, $3) ON CONFLICT (id) DO NOTHING', [
        account,
        kind,
        at,
      ]);
      this.opened.add(account);
      return rowCount === 1;
    }
    // The same INSERT, and the account's `created_at` for the node to learn, in one statement
    // (the outer SELECT sees the snapshot before the INSERT: an account that was there).
    const { rows } = await q<{ inserted: number | null; existing: number | null }>(
      `WITH opened AS (INSERT INTO accounts (id, kind, balance, created_at) VALUES ($1, $2, 0, $3) ON CONFLICT (id) DO NOTHING RETURNING created_at)
        SELECT (SELECT created_at FROM opened) AS inserted, (SELECT created_at FROM accounts WHERE id = $1) AS existing`,
      [account, kind, at],
    );
    const { inserted, existing } = rows[0] ?? { inserted: null, existing: null };
    this.opened.add(account);
    const createdAt = inserted ?? existing;
    if (createdAt !== null) this.seenAccounts.set(account, createdAt);
    return inserted !== null;
  }

  async transfer(t: NewTransfer): Promise<TransferRecord> {
    const row = await this.one<{ id: number }>(
      true,
      `INSERT INTO transfers (from_account, to_account, amount, category, thread, ref, request_id, reverses, at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [t.from, t.to, t.amount, t.category, t.thread, t.ref, t.requestId, t.reverses, t.at],
    );
    return { ...t, id: row!.id };
  }

  /** [HOT-12] The transfer, only when the reader's balance covers it: the check is the statement's WHERE. */
  async transferIfCovered(t: NewTransfer): Promise<TransferRecord | null> {
    const row = await this.one<{ id: number }>(
      true,
      `INSERT INTO transfers (from_account, to_account, amount, category, thread, ref, request_id, reverses, at)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM accounts WHERE id = $1 AND kind = 'reader' AND balance >= $3 RETURNING id`,
      [t.from, t.to, t.amount, t.category, t.thread, t.ref, t.requestId, t.reverses, t.at],
    );
    return row ? { ...t, id: row.id } : null;
  }

  async saveReadClock(account: string, lastBeatAt: number): Promise<void> {
    await this.blind(
      `INSERT INTO read_clocks (account, last_beat_at) VALUES ($1, $2)
        ON CONFLICT (account) DO UPDATE SET last_beat_at = EXCLUDED.last_beat_at`,
      [account, lastBeatAt],
    );
  }

  readingOf(accounts: readonly string[], sessions: readonly { account: string; thread: string }[]): Promise<ReadingState> {
    return readingOf(this.use(false), accounts, sessions);
  }

  saveReading(clocks: readonly { account: string; lastBeatAt: number }[], sessions: readonly ReadingRow[]): Promise<void> {
    this.refuse(true);
    return saveReading(this.blind, clocks, sessions);
  }

  async saveReadSession(account: string, thread: string, s: ReadSession): Promise<void> {
    await this.blind(
      `INSERT INTO read_sessions (account, thread, read_ms, credited) VALUES ($1, $2, $3, $4)
        ON CONFLICT (account, thread) DO UPDATE SET read_ms = EXCLUDED.read_ms, credited = EXCLUDED.credited`,
      [account, thread, s.readMs, s.credited],
    );
  }

  async saveReport(account: string, thread: string, report: PnlReport): Promise<void> {
    await this.blind('INSERT INTO reports (id, account, thread, bought_at, payload) VALUES ($1, $2, $3, $4, $5)', [
      report.id,
      account,
      thread,
      report.boughtAt,
      JSON.stringify(report),
    ]);
  }

  async addPending(r: NewPendingReward): Promise<number> {
    const row = await this.one<{ id: number }>(
      true,
      `INSERT INTO pending_rewards (site, account, category, thread, comment, ref, amount, created_at, due_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [r.site, r.account, r.category, r.thread, r.comment, r.ref, r.amount, r.createdAt, r.dueAt],
    );
    return row!.id;
  }

  /** [HOT-12] A pending reward whose id nobody needs now: with the transaction's next round trip (HOT-1). */
  async queuePending(r: NewPendingReward): Promise<void> {
    await this.blind(
      `INSERT INTO pending_rewards (site, account, category, thread, comment, ref, amount, created_at, due_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [r.site, r.account, r.category, r.thread, r.comment, r.ref, r.amount, r.createdAt, r.dueAt],
    );
  }

  async setPendingState(id: number, from: PendingState, to: PendingState, paid: number, transferId: number | null, at: number): Promise<boolean> {
    const { rowCount } = await this.use(true)(
      `UPDATE pending_rewards SET state = $3, paid = $4, transfer_id = coalesce($5, transfer_id), settled_at = $6
        WHERE id = $1 AND state = $2`,
      [id, from, to, paid, transferId, at],
    );
    return rowCount === 1;
  }

  async recordReactionReward(site: string, giver: string, target: string, kind: RewardKind, at: number): Promise<boolean> {
    const { rowCount } = await this.use(true)(
      `INSERT INTO reaction_rewards (site, giver, target, kind, at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (site, giver, target, kind) DO NOTHING`,
      [site, giver, target, kind, at],
    );
    return rowCount === 1;
  }

  async bumpPair(site: string, giver: string, receiver: string, period: number): Promise<number> {
    const row = await this.one<{ count: number }>(
      true,
      `INSERT INTO reaction_pairs (site, giver, receiver, period, count) VALUES ($1, $2, $3, $4, 1)
        ON CONFLICT (site, giver, receiver, period) DO UPDATE SET count = reaction_pairs.count + 1 RETURNING count`,
      [site, giver, receiver, period],
    );
    return row!.count;
  }

  async addEarned(account: string, day: number, amount: number, cap: number): Promise<void> {
    await this.blind(
      `INSERT INTO daily_earnings (account, day, earned, cap) VALUES ($1, $2, $3, $4)
        ON CONFLICT (account, day) DO UPDATE SET earned = daily_earnings.earned + EXCLUDED.earned, cap = EXCLUDED.cap`,
      [account, day, amount, cap],
    );
  }

  async addMinted(site: string, day: number, shard: number, amount: number, budget: number): Promise<void> {
    await this.blind(
      `INSERT INTO daily_mint (site, day, shard, minted, budget) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (site, day, shard) DO UPDATE SET minted = daily_mint.minted + EXCLUDED.minted, budget = EXCLUDED.budget`,
      [site, day, shard, amount, budget],
    );
  }

  async setPostAuthor(thread: string, account: string, at: number): Promise<boolean> {
    this.authorsAhead.clear();
    const { rowCount } = await this.use(true)(
      'INSERT INTO post_authors (thread, account, published_at) VALUES ($1, $2, $3) ON CONFLICT (thread) DO NOTHING',
      [thread, account, at],
    );
    return rowCount === 1;
  }
}
