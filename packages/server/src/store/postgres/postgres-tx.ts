import type { GateTightenings, LedgerCategory, PnlReport, Reaction, ThreadEvent, Vote } from '@parley/protocol';
import pg, { type QueryResultRow } from 'pg';
import type { RootPosition } from '../../domain/cursor.js';
import { siteOfKey } from '../../domain/thread-key.js';
import type { ThreadSettings } from '../identity-store.js';
import { PgPorting } from './porting-pg.js';
import type {
  CategoryFlows,
  DailyCounter,
  LedgerWriteTx,
  NewPendingReward,
  NewTransfer,
  PendingReward,
  PendingState,
  ReadSession,
  RewardKind,
  TransferRecord,
  WalletFigures,
} from '../ledger-types.js';
import type { FlagRecord } from '../moderation-store.js';
import { toJson } from '../../domain/encoded-json.js';
import { ModQueries, modSql } from '../mod-queries.js';
import type { NotesStats } from '../notes-store.js';
import { isReaction, isVote, toComment, toThread, type CommentRow, type ThreadRow } from '../sqlite/rows.js';
import { docColumn, mentionsColumn } from '../sqlite/format-sql.js';
import type { CommentFormat } from '../format-store.js';
import type { Mention } from '../../domain/markdown.js';
import type {
  CommentRecord,
  CountDelta,
  NewComment,
  NewThreadOptions,
  StoredRequest,
  ThreadListPosition,
  ThreadMetaUpdate,
  ThreadRecord,
  WriteTx,
} from '../types.js';
import { PgDeliveries } from './pg-deliveries.js';

/** Runs one statement on the transaction's connection (several, `;`-separated, when `values` is absent). */
export type Query = <R extends QueryResultRow>(text: string, values?: unknown[]) => Promise<{ rows: R[]; rowCount: number }>;

/** A statement whose result the command does not need: sent with the transaction's next round trip (HOT-1). */
export type Blind = (text: string, values: unknown[]) => Promise<void>;

/**
 * A NUL cannot be written into a statement's text (the protocol ends the text at it); such a string
 * goes as a parameter, which PostgreSQL refuses cleanly, as before.
 */
const inlineable = (value: unknown): boolean =>
  value === null ||
  (typeof value === 'string' && !value.includes('\u0000')) ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

/** Whether `inlineStatement` can write these values into a statement (strings, finite numbers, booleans, null). */
export const inlineableValues = (values: readonly unknown[]): boolean => values.every(inlineable);

/**
 * [HOT-1] A statement with its parameters written in as literals (pg's `escapeLiteral`, quoting
 * every value: an untyped literal is typed by its context as a parameter is), so it can travel in
 * one simple-protocol message with others. `$n` inside a quoted string of the text is left alone.
 * Only for values `inlineable` accepts; anything else (arrays, bytes) is sent as a parameter.
 */
export function inlineStatement(text: string, values: readonly unknown[]): string {
  return text.replace(/'(?:[^']|'')*'|\$(\d+)/g, (match: string, n: string | undefined) => {
    if (n === undefined) return match;
    const value = values[Number(n) - 1];
    if (value === undefined || !inlineable(value)) throw new Error(`inlineStatement: $${n} is not an inlineable value`);
    return value === null ? 'NULL' : pg.escapeLiteral(String(value));
  });
}

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

interface SettingsRow {
  site: string;
  gates: string;
  updated_at: number;
}

const toSettings = (row: SettingsRow): ThreadSettings => ({
  site: row.site,
  gates: JSON.parse(row.gates) as GateTightenings,
  updatedAt: row.updated_at,
});

/** The statements a reader's page runs; each must be one range scan of its index (tested with EXPLAIN). */
export const pageSql = {
  rootsTopFirst: 'SELECT * FROM comments WHERE thread = $1 AND depth = 0 ORDER BY score DESC, seq DESC LIMIT $2',
  rootsTopAfter: 'SELECT * FROM comments WHERE thread = $1 AND depth = 0 AND (score, seq) < ($2, $3) ORDER BY score DESC, seq DESC LIMIT $4',
  rootsNew: 'SELECT * FROM comments WHERE thread = $1 AND depth = 0 AND seq < $2 ORDER BY seq DESC LIMIT $3',
  rootsOld: 'SELECT * FROM comments WHERE thread = $1 AND depth = 0 AND seq > $2 ORDER BY seq ASC LIMIT $3',
  replies: 'SELECT * FROM comments WHERE thread = $1 AND root_id = $2 AND depth > 0 AND seq > $3 ORDER BY seq LIMIT $4',
  listEvents: 'SELECT payload FROM events WHERE thread = $1 AND seq > $2 ORDER BY seq LIMIT $3',
} as const;

/** A balance: a reader's row, or (treasury kind) the sum of its shards (pg-migrations.ts). */
const BALANCE = `SELECT a.id, CASE WHEN a.kind = 'treasury'
    THEN COALESCE((SELECT SUM(s.balance) FROM treasury_shards s WHERE s.account = a.id), 0)::bigint
    ELSE a.balance END AS balance FROM accounts a`;
/** The same balance as one value, for a scalar subquery (`(${BALANCE_VALUE} WHERE a.id = …)`). */
const BALANCE_VALUE = `SELECT CASE WHEN a.kind = 'treasury'
    THEN COALESCE((SELECT SUM(s.balance) FROM treasury_shards s WHERE s.account = a.id), 0)::bigint
    ELSE a.balance END FROM accounts a`;

const NOTE_STATS = `SELECT COUNT(*)::bigint AS updates, COALESCE(SUM(octet_length(body)), 0)::bigint AS bytes,
  COALESCE(MAX(id), 0)::bigint AS version FROM note_updates WHERE thread = $1`;

/** The ledger of one PostgreSQL transaction; `use` refuses after the transaction ended. */
class PgLedger implements LedgerWriteTx {
  private readonly opened = new Set<string>();

  constructor(
    private readonly use: (write: boolean) => Query,
    private readonly blind: Blind,
  ) {}

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
    return rows.map(toTransfer);
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
    return (await this.one<{ account: string }>(false, 'SELECT account FROM post_authors WHERE thread = $1', [thread]))?.account ?? null;
  }

  async accountCreatedAt(account: string): Promise<number | null> {
    return (await this.one<{ created_at: number }>(false, 'SELECT created_at FROM accounts WHERE id = $1', [account]))?.created_at ?? null;
  }

  async transferById(id: number): Promise<TransferRecord | null> {
    const row = await this.one<TransferRow>(false, 'SELECT * FROM transfers WHERE id = $1', [id]);
    return row ? toTransfer(row) : null;
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
    return rows.map(toPending);
  }

  async pendingOfComment(thread: string, comment: string): Promise<PendingReward[]> {
    const { rows } = await this.use(false)<PendingRow>('SELECT * FROM pending_rewards WHERE thread = $1 AND comment = $2 ORDER BY id', [thread, comment]);
    return rows.map(toPending);
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
    return (await this.use(false)<TransferRow>('SELECT * FROM transfers ORDER BY id')).rows.map(toTransfer);
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
    const q = this.use(true);
    if (this.opened.has(account)) return false;
    const { rowCount } = await q('INSERT INTO accounts (id, kind, balance, created_at) VALUES ($1, $2, 0, $3) ON CONFLICT (id) DO NOTHING', [
      account,
      kind,
      at,
    ]);
    this.opened.add(account);
    return rowCount === 1;
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

  async saveReadClock(account: string, lastBeatAt: number): Promise<void> {
    await this.blind(
      `INSERT INTO read_clocks (account, last_beat_at) VALUES ($1, $2)
        ON CONFLICT (account) DO UPDATE SET last_beat_at = EXCLUDED.last_beat_at`,
      [account, lastBeatAt],
    );
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
    const { rowCount } = await this.use(true)(
      'INSERT INTO post_authors (thread, account, published_at) VALUES ($1, $2, $3) ON CONFLICT (thread) DO NOTHING',
      [thread, account, at],
    );
    return rowCount === 1;
  }
}

/**
 * One transaction on one pooled connection. The store opens and ends the transaction; this object
 * refuses to be used after that (and refuses writes in a read transaction), like SqliteTx.
 */
export class PostgresTx implements WriteTx {
  private open = true;
  /** Per thread, the newest note id `listNoteUpdates` returned: what a replacement may delete. */
  private readonly listedNotes = new Map<string, number>();
  /** [HOT-1] Result-less writes, inlined, waiting for the transaction's next round trip. */
  private readonly pending: string[] = [];
  /** [HOT-3] A request record was looked for outside and not found: a duplicate key then means a concurrent run. */
  lookedForRequest = false;
  private readonly savedRequests = new Map<string, StoredRequest>();
  /** Thread settings read along with `getThread` (one round trip for a gate check); dropped when written. */
  private readonly settingsAhead = new Map<string, SettingsRow | null>();
  private readonly blind: Blind = async (text, values) => {
    this.check(true);
    if (this.fold && inlineableValues(values)) this.pending.push(inlineStatement(text, values));
    else await this.run(text, values);
  };
  readonly ledger = new PgLedger((write) => this.check(write), this.blind);
  /** The notification outbox and readers' email preferences (pg-deliveries.ts). */
  readonly deliveries = new PgDeliveries((write) => this.check(write), this.blind);

  readonly mod = new ModQueries(async (write, name, params) => {
    const { rows, rowCount } = await this.check(write)<Record<string, unknown>>(modSql[name], params);
    return { rows, changes: rowCount };
  }, toComment);
  /** Import, export, readers' rights, counts (store/porting-store.ts). */
  readonly porting = new PgPorting((write) => this.check(write));

  constructor(
    private readonly query: Query,
    private readonly writable: boolean,
    /** [HOT-1] Send result-less writes with the next round trip, and read a thread's settings with it. */
    private readonly fold = false,
    /** [HOT-3] Reads of committed rows outside this transaction (request records). */
    private readonly committed?: Query,
  ) {}

  end(): void {
    this.open = false;
  }

  /** The writes still waiting for a round trip, taken (the store sends them with COMMIT). */
  takePending(): string[] {
    return this.pending.splice(0);
  }

  /**
   * Runs a statement, with the writes waiting before it in the same round trip. Folded, a statement
   * whose values can be written in goes as simple-protocol text: PostgreSQL answers one Query message
   * sooner than the extended protocol's Parse/Bind/Describe/Execute/Sync of an unnamed statement
   * (measured: about 130 µs against 240 µs a statement, in a SERIALIZABLE transaction) — in a
   * thread's turn every statement's time is in series.
   */
  private readonly run: Query = async <R extends QueryResultRow>(text: string, values?: unknown[]) => {
    if (this.fold && (values === undefined || inlineableValues(values))) {
      return this.query<R>([...this.pending.splice(0), values === undefined ? text : inlineStatement(text, values)].join(';\n'));
    }
    if (this.pending.length > 0) await this.query(this.pending.splice(0).join(';\n'));
    return this.query<R>(text, values);
  };

  private check(write = false): Query {
    if (!this.open) throw new Error('store transaction used after it ended');
    if (write && !this.writable) throw new Error('write attempted inside a read transaction');
    return this.run;
  }

  private async one<R extends QueryResultRow>(write: boolean, text: string, values: unknown[]): Promise<R | undefined> {
    return (await this.check(write)<R>(text, values)).rows[0];
  }

  async getThread(id: string): Promise<ThreadRecord | null> {
    if (!this.fold) {
      const row = await this.one<ThreadRow>(false, 'SELECT * FROM threads WHERE id = $1', [id]);
      return row ? toThread(row) : null;
    }
    // The gate check reads the thread and then its settings: both in one round trip (HOT-1).
    const row = await this.one<ThreadRow & { s_site: string | null; s_gates: string | null; s_updated_at: number | null }>(
      false,
      `SELECT t.*, s.site AS s_site, s.gates AS s_gates, s.updated_at AS s_updated_at
        FROM threads t LEFT JOIN thread_settings s ON s.thread = t.id WHERE t.id = $1`,
      [id],
    );
    if (!row) return null;
    const { s_site: site, s_gates: gates, s_updated_at: updatedAt, ...thread } = row;
    this.settingsAhead.set(id, site === null || gates === null || updatedAt === null ? null : { site, gates, updated_at: updatedAt });
    return toThread(thread);
  }

  async getComment(thread: string, id: string): Promise<CommentRecord | null> {
    const row = await this.one<CommentRow>(false, 'SELECT * FROM comments WHERE id = $1 AND thread = $2', [id, thread]);
    return row ? toComment(row) : null;
  }

  async listRoots(thread: string, sort: RootPosition['sort'], after: RootPosition | null, limit: number): Promise<CommentRecord[]> {
    const q = this.check();
    let result;
    if (sort === 'top') {
      result =
        after?.sort === 'top'
          ? await q<CommentRow>(
              pageSql.rootsTopAfter,
              [thread, after.score, after.seq, limit],
            )
          : await q<CommentRow>(pageSql.rootsTopFirst, [thread, limit]);
    } else if (sort === 'new') {
      result = await q<CommentRow>(pageSql.rootsNew, [
        thread,
        after ? after.seq : Number.MAX_SAFE_INTEGER,
        limit,
      ]);
    } else {
      result = await q<CommentRow>(pageSql.rootsOld, [
        thread,
        after ? after.seq : -1,
        limit,
      ]);
    }
    return result.rows.map(toComment);
  }

  async listReplies(thread: string, rootId: string, afterSeq: number | null, limit: number): Promise<CommentRecord[]> {
    const { rows } = await this.check()<CommentRow>(
      pageSql.replies,
      [thread, rootId, afterSeq ?? -1, limit],
    );
    return rows.map(toComment);
  }

  async listEvents(thread: string, since: number, limit: number): Promise<ThreadEvent[]> {
    const { rows } = await this.check()<{ payload: string }>(pageSql.listEvents, [
      thread,
      since,
      limit,
    ]);
    return rows.map((row) => JSON.parse(row.payload) as ThreadEvent);
  }

  async getReactions(thread: string, userId: string, commentIds: readonly string[]): Promise<Map<string, Reaction>> {
    const q = this.check();
    const reactions = new Map<string, Reaction>();
    if (commentIds.length === 0) return reactions;
    const { rows } = await q<{ comment: string; value: string }>(
      'SELECT comment, value FROM reactions WHERE thread = $1 AND user_id = $2 AND comment = ANY($3::text[])',
      [thread, userId, [...commentIds]],
    );
    for (const row of rows) if (isReaction(row.value)) reactions.set(row.comment, row.value);
    return reactions;
  }

  async getVote(thread: string, userId: string): Promise<Vote | null> {
    const row = await this.one<{ value: string }>(false, 'SELECT value FROM votes WHERE thread = $1 AND user_id = $2', [thread, userId]);
    return row && isVote(row.value) ? row.value : null;
  }

  /**
   * [HOT-3] In a write transaction, the request record is read outside it, as committed now: a
   * record is written once and never changed, so one found is the answer, and one not found yet
   * but committed meanwhile by a concurrent run makes this run's insert fail on the key, which
   * re-runs it (postgres-store.ts). Read inside, its index page would carry a predicate lock that
   * every other writer's record lands in — the commonest serialization failure of writers on
   * threads of their own.
   */
  async getRequest(userId: string, requestId: string): Promise<StoredRequest | null> {
    this.check();
    const saved = this.savedRequests.get(`${userId}\n${requestId}`);
    if (saved) return saved;
    const text = 'SELECT fingerprint, result, created_at FROM requests WHERE user_id = $1 AND request_id = $2';
    const row = (await (this.committed ?? this.run)<{ fingerprint: string; result: string; created_at: number }>(text, [userId, requestId])).rows[0];
    if (!row && this.committed) this.lookedForRequest = true;
    return row ? { fingerprint: row.fingerprint, result: JSON.parse(row.result), createdAt: row.created_at } : null;
  }

  async listThreads(site: string, after: ThreadListPosition | null, limit: number): Promise<ThreadRecord[]> {
    const q = this.check();
    const { rows } = after
      ? await q<ThreadRow>(
          'SELECT * FROM threads WHERE site = $1 AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT $4',
          [site, after.createdAt, after.id, limit],
        )
      : await q<ThreadRow>('SELECT * FROM threads WHERE site = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [site, limit]);
    return rows.map(toThread);
  }

  async ensureThread(id: string, title: string | null, url: string | null, at: number, options: NewThreadOptions = {}): Promise<ThreadRecord> {
    const q = this.check(true);
    await q('INSERT INTO threads (id, site, origin, title, url, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING', [
      id,
      options.site ?? siteOfKey(id),
      options.origin ?? 'admin',
      title,
      url,
      at,
    ]);
    return toThread((await q<ThreadRow>('SELECT * FROM threads WHERE id = $1', [id])).rows[0]!);
  }

  async updateThread(id: string, meta: ThreadMetaUpdate): Promise<ThreadRecord | null> {
    const row = await this.one<ThreadRow>(
      true,
      `UPDATE threads SET title = coalesce($2, title), url = coalesce($3, url), claim_iat = coalesce($4, claim_iat)
        WHERE id = $1 RETURNING *`,
      [id, meta.title ?? null, meta.url ?? null, meta.claimIat ?? null],
    );
    return row ? toThread(row) : null;
  }

  async publishThread(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.check(true)('UPDATE threads SET published_at = $2 WHERE id = $1 AND published_at IS NULL', [id, at]);
    return rowCount === 1;
  }

  async nextSeq(thread: string, counts?: CountDelta): Promise<number> {
    const row = counts
      ? await this.one<{ seq: number }>(
          true,
          'UPDATE threads SET seq = seq + 1, comment_count = comment_count + $2, plus = plus + $3, minus = minus + $4 WHERE id = $1 RETURNING seq',
          [thread, counts.comments ?? 0, counts.plus ?? 0, counts.minus ?? 0],
        )
      : await this.one<{ seq: number }>(true, 'UPDATE threads SET seq = seq + 1 WHERE id = $1 RETURNING seq', [thread]);
    if (!row) throw new Error(`nextSeq: thread ${thread} does not exist`);
    return row.seq;
  }

  async appendEvent(thread: string, event: ThreadEvent): Promise<void> {
    await this.blind('INSERT INTO events (thread, seq, type, payload, at) VALUES ($1, $2, $3, $4, $5)', [
      thread,
      event.seq,
      event.type,
      toJson(event),
      event.at,
    ]);
  }

  async adjustThreadCounts(thread: string, delta: CountDelta): Promise<ThreadRecord> {
    const row = await this.one<ThreadRow>(
      true,
      'UPDATE threads SET comment_count = comment_count + $2, plus = plus + $3, minus = minus + $4 WHERE id = $1 RETURNING *',
      [thread, delta.comments ?? 0, delta.plus ?? 0, delta.minus ?? 0],
    );
    if (!row) throw new Error(`adjustThreadCounts: thread ${thread} does not exist`);
    return toThread(row);
  }

  async insertComment(c: NewComment): Promise<CommentRecord> {
    const row = await this.one<CommentRow>(
      true,
      `INSERT INTO comments (id, thread, root_id, parent_id, reply_to_id, reply_to_name, depth, seq,
          author_id, author_name, author_avatar, author_level, body, created_at, doc, mentions)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING *`,
      [
        c.id,
        c.thread,
        c.rootId,
        c.parentId,
        c.replyToId,
        c.replyToName,
        c.depth,
        c.seq,
        c.author.id,
        c.author.name,
        c.author.avatar,
        c.author.level,
        c.body,
        c.createdAt,
        docColumn(c.doc),
        mentionsColumn(c.mentions),
      ],
    );
    return toComment(row!);
  }

  async setCommentBody(thread: string, id: string, body: string, editedAt: number): Promise<void> {
    await this.blind('UPDATE comments SET body = $1, edited_at = $2 WHERE thread = $3 AND id = $4', [body, editedAt, thread, id]);
  }

  async markCommentDeleted(thread: string, id: string, deletedAt: number): Promise<void> {
    await this.blind("UPDATE comments SET body = '', doc = NULL, mentions = NULL, deleted_at = $1 WHERE thread = $2 AND id = $3", [deletedAt, thread, id]);
  }

  async adjustReplyCount(thread: string, rootId: string, delta: number): Promise<void> {
    await this.blind('UPDATE comments SET reply_count = reply_count + $1 WHERE thread = $2 AND id = $3', [delta, thread, rootId]);
  }

  async adjustReactionCounts(thread: string, id: string, likes: number, dislikes: number): Promise<{ likes: number; dislikes: number }> {
    const row = await this.one<{ likes: number; dislikes: number }>(
      true,
      'UPDATE comments SET likes = likes + $1, dislikes = dislikes + $2 WHERE thread = $3 AND id = $4 RETURNING likes, dislikes',
      [likes, dislikes, thread, id],
    );
    if (!row) throw new Error(`adjustReactionCounts: comment ${id} does not exist`);
    return row;
  }

  async setReaction(thread: string, commentId: string, userId: string, value: Reaction | null): Promise<void> {
    if (value) {
      await this.blind(
        `INSERT INTO reactions (thread, comment, user_id, value) VALUES ($1, $2, $3, $4)
          ON CONFLICT (comment, user_id) DO UPDATE SET value = EXCLUDED.value`,
        [thread, commentId, userId, value],
      );
    } else {
      await this.blind('DELETE FROM reactions WHERE thread = $1 AND comment = $2 AND user_id = $3', [thread, commentId, userId]);
    }
  }

  async setVote(thread: string, userId: string, value: Vote | null): Promise<void> {
    if (value) {
      await this.blind('INSERT INTO votes (thread, user_id, value) VALUES ($1, $2, $3) ON CONFLICT (thread, user_id) DO UPDATE SET value = EXCLUDED.value', [
        thread,
        userId,
        value,
      ]);
    } else {
      await this.blind('DELETE FROM votes WHERE thread = $1 AND user_id = $2', [thread, userId]);
    }
  }

  async saveRequest(userId: string, requestId: string, request: StoredRequest): Promise<void> {
    // What this transaction saved, it sees (its own write is not committed yet for the outside read).
    if (this.committed) this.savedRequests.set(`${userId}\n${requestId}`, { ...request, result: JSON.parse(JSON.stringify(request.result ?? null)) as unknown });
    await this.blind('INSERT INTO requests (user_id, request_id, fingerprint, result, created_at) VALUES ($1, $2, $3, $4, $5)', [
      userId,
      requestId,
      request.fingerprint,
      toJson(request.result),
      request.createdAt,
    ]);
  }

  // Identity.

  async getThreadSettings(thread: string): Promise<ThreadSettings | null> {
    const ahead = this.settingsAhead.get(thread);
    if (ahead !== undefined) {
      this.check();
      return ahead && toSettings(ahead);
    }
    const row = await this.one<SettingsRow>(false, 'SELECT site, gates, updated_at FROM thread_settings WHERE thread = $1', [thread]);
    return row ? toSettings(row) : null;
  }

  async getXp(site: string, userId: string): Promise<number> {
    return (await this.one<{ xp: number }>(false, 'SELECT xp FROM user_xp WHERE site = $1 AND user_id = $2', [site, userId]))?.xp ?? 0;
  }

  async recordThreadSettings(thread: string, site: string, gates: GateTightenings, at: number): Promise<ThreadSettings> {
    this.settingsAhead.delete(thread);
    const q = this.check(true);
    await q('INSERT INTO thread_settings (thread, site, gates, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (thread) DO NOTHING', [
      thread,
      site,
      JSON.stringify(gates),
      at,
    ]);
    return toSettings((await q<SettingsRow>('SELECT site, gates, updated_at FROM thread_settings WHERE thread = $1', [thread])).rows[0]!);
  }

  async setThreadGates(thread: string, site: string, gates: GateTightenings, at: number): Promise<ThreadSettings> {
    this.settingsAhead.delete(thread);
    const row = await this.one<SettingsRow>(
      true,
      `INSERT INTO thread_settings (thread, site, gates, updated_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (thread) DO UPDATE SET gates = EXCLUDED.gates, updated_at = EXCLUDED.updated_at RETURNING site, gates, updated_at`,
      [thread, site, JSON.stringify(gates), at],
    );
    return toSettings(row!);
  }

  async addXp(site: string, userId: string, amount: number): Promise<number> {
    const q = this.check(true);
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error(`addXp: amount must be a positive integer, got ${amount}`);
    const { rows } = await q<{ xp: number }>(
      'INSERT INTO user_xp (site, user_id, xp) VALUES ($1, $2, $3) ON CONFLICT (site, user_id) DO UPDATE SET xp = user_xp.xp + EXCLUDED.xp RETURNING xp',
      [site, userId, amount],
    );
    return rows[0]!.xp;
  }

  async hideComment(thread: string, id: string, by: string, at: number): Promise<void> {
    const q = this.check(true);
    await q(
      `INSERT INTO hidden_bodies (thread, comment_id, body, hidden_by)
        SELECT thread, id, body, $1 FROM comments WHERE thread = $2 AND id = $3`,
      [by, thread, id],
    );
    await q("UPDATE comments SET body = '', doc = NULL, hidden_at = $1 WHERE thread = $2 AND id = $3", [at, thread, id]);
  }

  async showComment(thread: string, id: string): Promise<string> {
    const q = this.check(true);
    const { rows } = await q<{ body: string }>('DELETE FROM hidden_bodies WHERE thread = $1 AND comment_id = $2 RETURNING body', [thread, id]);
    const body = rows[0]?.body ?? '';
    await q('UPDATE comments SET body = $1, hidden_at = NULL WHERE thread = $2 AND id = $3', [body, thread, id]);
    return body;
  }

  // Moderation.

  async addFlag(flag: FlagRecord): Promise<{ added: boolean; flags: number }> {
    const q = this.check(true);
    const { rowCount } = await q(
      `INSERT INTO flags (thread, comment, user_id, reason, note, at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (comment, user_id) DO NOTHING`,
      [flag.thread, flag.commentId, flag.userId, flag.reason, flag.note, flag.at],
    );
    if (rowCount === 1) {
      const { rows } = await q<{ flag_count: number }>(
        'UPDATE comments SET flag_count = flag_count + 1 WHERE thread = $1 AND id = $2 RETURNING flag_count',
        [flag.thread, flag.commentId],
      );
      if (!rows[0]) throw new Error(`addFlag: comment ${flag.commentId} does not exist`);
      return { added: true, flags: rows[0].flag_count };
    }
    const { rows } = await q<{ flag_count: number }>('SELECT flag_count FROM comments WHERE thread = $1 AND id = $2', [flag.thread, flag.commentId]);
    return { added: false, flags: rows[0]?.flag_count ?? 0 };
  }

  async listFlags(thread: string, commentId: string): Promise<FlagRecord[]> {
    const { rows } = await this.check()<{ thread: string; comment: string; user_id: string; reason: FlagRecord['reason']; note: string | null; at: number }>(
      'SELECT thread, comment, user_id, reason, note, at FROM flags WHERE thread = $1 AND comment = $2 ORDER BY at, user_id',
      [thread, commentId],
    );
    return rows.map((row) => ({ thread: row.thread, commentId: row.comment, userId: row.user_id, reason: row.reason, note: row.note, at: row.at }));
  }

  async findThreadAuthors(thread: string, keys: readonly string[]): Promise<Map<string, Mention>> {
    const found = new Map<string, Mention>();
    if (keys.length === 0) return found;
    const { rows } = await this.check()<{ name_key: string; user_id: string; name: string }>(
      'SELECT name_key, user_id, name FROM thread_authors WHERE thread = $1 AND name_key = ANY($2::text[])',
      [thread, [...keys]],
    );
    for (const row of rows) found.set(row.name_key, { id: row.user_id, name: row.name });
    return found;
  }

  async recordThreadAuthor(thread: string, key: string, author: Mention): Promise<void> {
    await this.blind(
      `INSERT INTO thread_authors (thread, name_key, user_id, name) VALUES ($1, $2, $3, $4)
        ON CONFLICT (thread, name_key) DO UPDATE SET user_id = EXCLUDED.user_id, name = EXCLUDED.name
        WHERE thread_authors.user_id <> EXCLUDED.user_id OR thread_authors.name <> EXCLUDED.name`,
      [thread, key, author.id, author.name],
    );
  }

  async setCommentFormat(thread: string, id: string, format: CommentFormat): Promise<void> {
    await this.blind('UPDATE comments SET doc = $1, mentions = $2 WHERE thread = $3 AND id = $4', [
      docColumn(format.doc),
      mentionsColumn(format.mentions),
      thread,
      id,
    ]);
  }

  async getHiddenBody(thread: string, commentId: string): Promise<string | null> {
    return (await this.one<{ body: string }>(false, 'SELECT body FROM hidden_bodies WHERE thread = $1 AND comment_id = $2', [thread, commentId]))?.body ?? null;
  }

  // Notes.

  async listNoteUpdates(thread: string): Promise<Uint8Array[]> {
    const { rows } = await this.check()<{ id: number; body: Buffer }>('SELECT id, body FROM note_updates WHERE thread = $1 ORDER BY id', [thread]);
    const last = rows.at(-1);
    if (last) this.listedNotes.set(thread, Math.max(this.listedNotes.get(thread) ?? 0, last.id));
    return rows.map((row) => row.body);
  }

  async noteStats(thread: string): Promise<NotesStats> {
    return (await this.check()<NotesStats & QueryResultRow>(NOTE_STATS, [thread])).rows[0]!;
  }

  async appendNoteUpdate(thread: string, update: Uint8Array, at: number): Promise<NotesStats> {
    const q = this.check(true);
    await q('INSERT INTO note_updates (thread, body, at) VALUES ($1, $2, $3)', [thread, Buffer.from(update), at]);
    return (await q<NotesStats & QueryResultRow>(NOTE_STATS, [thread])).rows[0]!;
  }

  async replaceNoteUpdates(thread: string, merged: Uint8Array, at: number): Promise<void> {
    const q = this.check(true);
    // By id range: only the rows this transaction listed (and merged); a row appended since stays.
    const upTo = this.listedNotes.get(thread) ?? (await q<{ version: number }>(NOTE_STATS, [thread])).rows[0]!.version;
    await q('DELETE FROM note_updates WHERE thread = $1 AND id <= $2', [thread, upTo]);
    await q('INSERT INTO note_updates (thread, body, at) VALUES ($1, $2, $3)', [thread, Buffer.from(merged), at]);
  }
}
