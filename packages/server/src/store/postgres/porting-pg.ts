/** `tx.porting` for PostgreSQL: the same contract as sqlite/porting-sql.ts (store/porting-store.ts). */
import type { ThreadEvent } from '@parley/protocol';
import type { FlagRecord } from '../moderation-store.js';
import type { PendingReward, TransferRecord } from '../ledger-types.js';
import type { ErasureRecord, ImportKey, PortingWriteTx, ReactionRow, ReadSessionRow, ReportRow, RequestRow, VoteRow } from '../porting-store.js';
import { siteKeyPattern, toPendingRecord, toTransferRecord, type PendingRow, type TransferRow } from '../porting-rows.js';
import { isReaction, isVote, toComment, toThread, type CommentRow, type ThreadRow } from '../sqlite/rows.js';
import type { CommentRecord, ThreadRecord } from '../types.js';
import type { Query } from './pg-statements.js';

interface KeyRow {
  site: string;
  source: string;
  source_id: string;
  thread: string;
  comment_id: string;
}
const toKey = (row: KeyRow): ImportKey => ({ site: row.site, source: row.source, sourceId: row.source_id, thread: row.thread, commentId: row.comment_id });

interface ReactionSqlRow {
  thread: string;
  comment: string;
  user_id: string;
  value: string;
}
const toReactions = (rows: ReactionSqlRow[]): ReactionRow[] =>
  rows.flatMap((row) => (isReaction(row.value) ? [{ thread: row.thread, commentId: row.comment, userId: row.user_id, value: row.value }] : []));
const toVotes = (rows: { thread: string; user_id: string; value: string }[]): VoteRow[] =>
  rows.flatMap((row) => (isVote(row.value) ? [{ thread: row.thread, userId: row.user_id, value: row.value }] : []));

// COLLATE "C": byte order, as SQLite compares, so both stores list in the same order (export is byte-stable).
const ESC = "ESCAPE '\\'";

export class PgPorting implements PortingWriteTx {
  constructor(private readonly use: (write: boolean) => Query) {}

  private async rows<R extends object>(write: boolean, text: string, values: unknown[]): Promise<R[]> {
    return (await this.use(write)<R & Record<string, unknown>>(text, values)).rows;
  }

  async importedComment(site: string, source: string, sourceId: string): Promise<ImportKey | null> {
    const [row] = await this.rows<KeyRow>(false, 'SELECT * FROM import_keys WHERE site = $1 AND source = $2 AND source_id = $3', [site, source, sourceId]);
    return row ? toKey(row) : null;
  }

  async importKeysOfThread(thread: string): Promise<ImportKey[]> {
    return (await this.rows<KeyRow>(false, 'SELECT * FROM import_keys WHERE thread = $1 ORDER BY comment_id COLLATE "C"', [thread])).map(toKey);
  }

  async commentIdTaken(id: string): Promise<boolean> {
    return (await this.rows(false, 'SELECT 1 AS taken FROM comments WHERE id = $1', [id])).length > 0;
  }

  async listThreadComments(thread: string, afterSeq: number, limit: number): Promise<CommentRecord[]> {
    return (await this.rows<CommentRow>(false, 'SELECT * FROM comments WHERE thread = $1 AND seq > $2 ORDER BY seq LIMIT $3', [thread, afterSeq, limit])).map(toComment);
  }

  /** Through the thread's comments (never deleted): reactions are keyed by comment [GROW-1]. */
  async listThreadReactions(thread: string): Promise<ReactionRow[]> {
    const text = `SELECT r.thread, r.comment, r.user_id, r.value FROM comments c JOIN reactions r ON r.comment = c.id
      WHERE c.thread = $1 AND r.thread = c.thread ORDER BY r.comment COLLATE "C", r.user_id COLLATE "C"`;
    return toReactions(await this.rows<ReactionSqlRow>(false, text, [thread]));
  }

  async listThreadVotes(thread: string): Promise<VoteRow[]> {
    return toVotes(await this.rows(false, 'SELECT thread, user_id, value FROM votes WHERE thread = $1 ORDER BY user_id COLLATE "C"', [thread]));
  }

  async hiddenBy(thread: string, commentId: string): Promise<string | null> {
    const [row] = await this.rows<{ hidden_by: string }>(false, 'SELECT hidden_by FROM hidden_bodies WHERE thread = $1 AND comment_id = $2', [thread, commentId]);
    return row?.hidden_by ?? null;
  }

  async getThreads(keys: readonly string[]): Promise<ThreadRecord[]> {
    if (keys.length === 0) return [];
    return (await this.rows<ThreadRow>(false, 'SELECT * FROM threads WHERE id = ANY($1::text[])', [keys])).map(toThread);
  }

  async commentsByAuthor(site: string, userId: string): Promise<CommentRecord[]> {
    const text = `SELECT * FROM comments WHERE author_id = $1 AND thread LIKE $2 ${ESC} ORDER BY created_at, seq`;
    return (await this.rows<CommentRow>(false, text, [userId, siteKeyPattern(site)])).map(toComment);
  }

  async reactionsByUser(site: string, userId: string): Promise<ReactionRow[]> {
    const text = `SELECT thread, comment, user_id, value FROM reactions WHERE user_id = $1 AND thread LIKE $2 ${ESC} ORDER BY thread COLLATE "C", comment COLLATE "C"`;
    return toReactions(await this.rows<ReactionSqlRow>(false, text, [userId, siteKeyPattern(site)]));
  }

  async votesByUser(site: string, userId: string): Promise<VoteRow[]> {
    const text = `SELECT thread, user_id, value FROM votes WHERE user_id = $1 AND thread LIKE $2 ${ESC} ORDER BY thread COLLATE "C"`;
    return toVotes(await this.rows(false, text, [userId, siteKeyPattern(site)]));
  }

  async flagsByUser(site: string, userId: string): Promise<FlagRecord[]> {
    const text = `SELECT thread, comment, user_id, reason, note, at FROM flags WHERE user_id = $1 AND thread LIKE $2 ${ESC} ORDER BY at`;
    const rows = await this.rows<{ thread: string; comment: string; user_id: string; reason: FlagRecord['reason']; note: string | null; at: number }>(false, text, [
      userId,
      siteKeyPattern(site),
    ]);
    return rows.map((row) => ({ thread: row.thread, commentId: row.comment, userId: row.user_id, reason: row.reason, note: row.note, at: Number(row.at) }));
  }

  async transfersOf(account: string): Promise<TransferRecord[]> {
    return (await this.rows<TransferRow>(false, 'SELECT * FROM transfers WHERE from_account = $1 OR to_account = $1 ORDER BY id', [account])).map(toTransferRecord);
  }

  async pendingOf(account: string): Promise<PendingReward[]> {
    return (await this.rows<PendingRow>(false, 'SELECT * FROM pending_rewards WHERE account = $1 ORDER BY id', [account])).map(toPendingRecord);
  }

  async readSessionsOf(account: string): Promise<ReadSessionRow[]> {
    const rows = await this.rows<{ thread: string; read_ms: number; credited: number }>(
      false,
      'SELECT thread, read_ms, credited FROM read_sessions WHERE account = $1 ORDER BY thread COLLATE "C"',
      [account],
    );
    return rows.map((row) => ({ thread: row.thread, readMs: Number(row.read_ms), credited: Number(row.credited) }));
  }

  async reportsOf(account: string): Promise<ReportRow[]> {
    const rows = await this.rows<{ thread: string; bought_at: number; payload: string }>(false, 'SELECT thread, bought_at, payload FROM reports WHERE account = $1 ORDER BY bought_at, n', [
      account,
    ]);
    return rows.map((row) => ({ thread: row.thread, boughtAt: Number(row.bought_at), payload: JSON.parse(row.payload) as unknown }));
  }

  async requestsOf(owner: string): Promise<RequestRow[]> {
    const rows = await this.rows<{ request_id: string; fingerprint: string; result: string; created_at: number }>(
      false,
      'SELECT request_id, fingerprint, result, created_at FROM requests WHERE user_id = $1 ORDER BY created_at, request_id COLLATE "C"',
      [owner],
    );
    return rows.map((row) => ({ requestId: row.request_id, fingerprint: row.fingerprint, result: JSON.parse(row.result) as unknown, createdAt: Number(row.created_at) }));
  }

  async getErasure(site: string, userId: string): Promise<ErasureRecord | null> {
    const [row] = await this.rows<{ site: string; user_id: string; at: number; by_whom: string; summary: string }>(
      false,
      'SELECT * FROM erasures WHERE site = $1 AND user_id = $2',
      [site, userId],
    );
    return row ? { site: row.site, userId: row.user_id, at: Number(row.at), by: row.by_whom, summary: JSON.parse(row.summary) as Record<string, number> } : null;
  }

  async listEventsForRewrite(thread: string, since: number, limit: number): Promise<ThreadEvent[]> {
    const rows = await this.rows<{ payload: string }>(false, 'SELECT payload FROM events WHERE thread = $1 AND seq > $2 ORDER BY seq LIMIT $3', [thread, since, limit]);
    return rows.map((row) => JSON.parse(row.payload) as ThreadEvent);
  }

  async saveImportKey(key: ImportKey, at: number): Promise<boolean> {
    const { rowCount } = await this.use(true)(
      `INSERT INTO import_keys (site, source, source_id, thread, comment_id, at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (site, source, source_id) DO NOTHING`,
      [key.site, key.source, key.sourceId, key.thread, key.commentId, at],
    );
    return rowCount === 1;
  }

  async anonymiseAuthor(site: string, userId: string): Promise<number> {
    const q = this.use(true);
    const pattern = siteKeyPattern(site);
    await q(
      `UPDATE comments SET reply_to_name = '' WHERE thread LIKE $1 ${ESC}
        AND reply_to_id IN (SELECT id FROM comments WHERE author_id = $2 AND thread LIKE $1 ${ESC})`,
      [pattern, userId],
    );
    const { rowCount } = await q(`UPDATE comments SET author_name = '', author_avatar = NULL WHERE author_id = $1 AND thread LIKE $2 ${ESC}`, [userId, pattern]);
    return rowCount;
  }

  async forgetHiddenBody(thread: string, commentId: string): Promise<void> {
    await this.use(true)('DELETE FROM hidden_bodies WHERE thread = $1 AND comment_id = $2', [thread, commentId]);
  }

  async rewriteEvent(thread: string, event: ThreadEvent): Promise<void> {
    await this.use(true)('UPDATE events SET payload = $1 WHERE thread = $2 AND seq = $3', [JSON.stringify(event), thread, event.seq]);
  }

  async deleteRequests(owner: string): Promise<number> {
    return (await this.use(true)('DELETE FROM requests WHERE user_id = $1', [owner])).rowCount;
  }

  async deleteReadRecords(account: string): Promise<number> {
    const q = this.use(true);
    return (await q('DELETE FROM read_sessions WHERE account = $1', [account])).rowCount + (await q('DELETE FROM read_clocks WHERE account = $1', [account])).rowCount;
  }

  async saveErasure(record: ErasureRecord): Promise<void> {
    await this.use(true)(
      `INSERT INTO erasures (site, user_id, at, by_whom, summary) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (site, user_id) DO NOTHING`,
      [record.site, record.userId, record.at, record.by, JSON.stringify(record.summary)],
    );
  }
}
