/**
 * What every PostgreSQL transaction object holds (postgres-tx.ts builds on it): the connection's
 * query function and its folding of result-less writes into the next round trip (HOT-1), the
 * ledger, deliveries, moderation and porting queries, and the identity, moderation and notes
 * statements of WriteTx. The store opens and ends the transaction; this refuses to be used after
 * that (and refuses writes in a read transaction), like SqliteTx.
 */
import type { GateTightenings } from '@parley/protocol';
import type { QueryResultRow } from 'pg';
import type { Mention } from '../../domain/markdown.js';
import type { CommentFormat } from '../format-store.js';
import type { ThreadSettings } from '../identity-store.js';
import { ModQueries, modSql } from '../mod-queries.js';
import type { FlagRecord } from '../moderation-store.js';
import type { NotesStats } from '../notes-store.js';
import { docColumn, mentionsColumn } from '../sqlite/format-sql.js';
import { toComment } from '../sqlite/rows.js';
import { PgDeliveries } from './pg-deliveries.js';
import type { AccountFacts } from './pg-known-accounts.js';
import { PgLedger } from './pg-ledger-tx.js';
import { inlineableValues, inlineStatement, type Blind, type Query, type Result } from './pg-statements.js';
import { PgPorting } from './porting-pg.js';

export interface SettingsRow {
  site: string;
  gates: string;
  updated_at: number;
}

export const toSettings = (row: SettingsRow): ThreadSettings => ({
  site: row.site,
  gates: JSON.parse(row.gates) as GateTightenings,
  updatedAt: row.updated_at,
});

const NOTE_STATS = `SELECT COUNT(*)::bigint AS updates, COALESCE(SUM(octet_length(body)), 0)::bigint AS bytes,
  COALESCE(MAX(id), 0)::bigint AS version FROM note_updates WHERE thread = $1`;

/** The transaction's plumbing and its identity, moderation and notes statements; `PostgresTx` adds threads and comments. */
export abstract class PgTxBase {
  protected open = true;
  /** Per thread, the newest note id `listNoteUpdates` returned: what a replacement may delete. */
  protected readonly listedNotes = new Map<string, number>();
  /** [HOT-1] Result-less writes, inlined, waiting for the transaction's next round trip. */
  protected readonly pending: string[] = [];
  /** Thread settings read along with `getThread` (one round trip for a gate check); dropped when written. */
  protected readonly settingsAhead = new Map<string, SettingsRow | null>();
  /**
   * [HOT-8] Reads to send with the transaction's first statement, and their answers by statement
   * text: a statement asked for again, word for word, before the first write is answered from here.
   */
  protected readonly readAhead: string[] = [];
  private readonly readBefore = new Map<string, Result>();
  /**
   * [HOT-10] Reads ahead whose answer is kept by a typed hook instead (valid past the first write,
   * until the one statement that could change it): by statement text.
   */
  protected readonly aheadHooks = new Map<string, (answer: Result) => void>();
  protected readonly blind: Blind = async (text, values) => {
    this.check(true);
    if (this.fold && inlineableValues(values)) this.pending.push(inlineStatement(text, values));
    else await this.run(text, values);
  };
  readonly ledger = new PgLedger(
    (write) => this.check(write),
    this.blind,
    (write) => this.refuse(write),
    () => this.facts,
  );
  /** The notification outbox and readers' email preferences (pg-deliveries.ts). */
  readonly deliveries = new PgDeliveries((write) => this.check(write), this.blind);

  readonly mod = new ModQueries(async (write, name, params) => {
    const { rows, rowCount } = await this.check(write)<Record<string, unknown>>(modSql[name], params);
    return { rows, changes: rowCount };
  }, toComment);
  /** Import, export, readers' rights, counts (store/porting-store.ts). */
  readonly porting = new PgPorting((write) => this.check(write));

  constructor(
    protected readonly query: Query,
    protected readonly writable: boolean,
    /** [HOT-1] Send result-less writes with the next round trip, and read a thread's settings with it. */
    protected readonly fold = false,
    /** [HOT-3] Reads of committed rows outside this transaction (request records). */
    protected readonly committed?: Query,
    /** [HOT-9] The node's known accounts as of this transaction's snapshot. */
    protected readonly facts?: AccountFacts,
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
  protected readonly run: Query = async <R extends QueryResultRow>(text: string, values?: unknown[]) => {
    if (this.fold && (values === undefined || inlineableValues(values))) {
      const statement = values === undefined ? text : inlineStatement(text, values);
      const known = this.readBefore.get(statement);
      if (known) return known as { rows: R[]; rowCount: number };
      const ahead = this.readAhead.splice(0);
      const result = await this.query<R>([...this.pending.splice(0), ...ahead, statement].join(';\n'));
      const earlier = result.earlier ?? [];
      ahead.forEach((read, i) => {
        const answer = earlier[earlier.length - ahead.length + i];
        if (!answer) return;
        const hook = this.aheadHooks.get(read);
        if (hook) hook(answer);
        else this.readBefore.set(read, answer);
      });
      return result;
    }
    if (this.pending.length > 0) await this.query(this.pending.splice(0).join(';\n'));
    return this.query<R>(text, values);
  };

  /** Refuses a use after the transaction ended, and a write in a read transaction; sends and forgets nothing. */
  protected refuse(write = false): void {
    if (!this.open) throw new Error('store transaction used after it ended');
    if (write && !this.writable) throw new Error('write attempted inside a read transaction');
  }

  protected check(write = false): Query {
    this.refuse(write);
    if (write) {
      // [HOT-8] What was read ahead holds until the transaction's first write.
      this.readAhead.length = 0;
      this.readBefore.clear();
    }
    return this.run;
  }

  protected async one<R extends QueryResultRow>(write: boolean, text: string, values: unknown[]): Promise<R | undefined> {
    return (await this.check(write)<R>(text, values)).rows[0];
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
