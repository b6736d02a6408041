/**
 * `tx.porting` for SQLite (store/porting-store.ts): import provenance, whole-thread reads for
 * export, a reader's records for readers' rights, erasure. Statements are merged into the store's
 * prepared statements (statements.ts); `use` refuses after the transaction ended, like the tx.
 */
import type { ThreadEvent } from '@parley/protocol';
import type { FlagRecord } from '../moderation-store.js';
import type { PendingReward, TransferRecord } from '../ledger-types.js';
import type { ErasureRecord, ImportKey, PortingWriteTx, ReactionRow, ReadSessionRow, ReportRow, RequestRow, VoteRow } from '../porting-store.js';
import { siteKeyPattern, toPendingRecord, toTransferRecord, type PendingRow, type TransferRow } from '../porting-rows.js';
import type { CommentRecord, ThreadRecord } from '../types.js';
import { isReaction, isVote, toComment, toThread, type CommentRow, type ThreadRow } from './rows.js';
import type { Statements } from './statements.js';

export const portingSql = {
  portImported: 'SELECT * FROM import_keys WHERE site = ? AND source = ? AND source_id = ?',
  portKeysOfThread: 'SELECT * FROM import_keys WHERE thread = ? ORDER BY comment_id',
  portSaveKey: `INSERT INTO import_keys (site, source, source_id, thread, comment_id, at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (site, source, source_id) DO NOTHING`,
  portIdTaken: 'SELECT 1 AS taken FROM comments WHERE id = ?',
  portThreadComments: 'SELECT * FROM comments WHERE thread = ? AND seq > ? ORDER BY seq LIMIT ?',
  // Through the thread's comments (never deleted): reactions are keyed by comment [GROW-1].
  portThreadReactions: `SELECT r.thread, r.comment, r.user, r.value FROM comments c JOIN reactions r ON r.comment = c.id
    WHERE c.thread = ? AND r.thread = c.thread ORDER BY r.comment, r.user`,
  portThreadVotes: 'SELECT thread, user, value FROM votes WHERE thread = ? ORDER BY user',
  portHiddenBy: 'SELECT hidden_by FROM hidden_bodies WHERE thread = ? AND comment_id = ?',
  portGetThreads: 'SELECT * FROM threads WHERE id IN (SELECT value FROM json_each(?))',
  portCommentsByAuthor: "SELECT * FROM comments WHERE author_id = ? AND thread LIKE ? ESCAPE '\\' ORDER BY created_at, seq",
  portReactionsByUser: "SELECT thread, comment, user, value FROM reactions WHERE user = ? AND thread LIKE ? ESCAPE '\\' ORDER BY thread, comment",
  portVotesByUser: "SELECT thread, user, value FROM votes WHERE user = ? AND thread LIKE ? ESCAPE '\\' ORDER BY thread",
  portFlagsByUser: "SELECT thread, comment, user, reason, note, at FROM flags WHERE user = ? AND thread LIKE ? ESCAPE '\\' ORDER BY at",
  portTransfersOf: 'SELECT * FROM transfers WHERE from_account = ? OR to_account = ? ORDER BY id',
  portPendingOf: 'SELECT * FROM pending_rewards WHERE account = ? ORDER BY id',
  portReadSessionsOf: 'SELECT thread, read_ms, credited FROM read_sessions WHERE account = ? ORDER BY thread',
  portReportsOf: 'SELECT thread, bought_at, payload FROM reports WHERE account = ? ORDER BY bought_at, id',
  portRequestsOf: 'SELECT request_id, fingerprint, result, created_at FROM requests WHERE user_id = ? ORDER BY created_at, request_id',
  portGetErasure: 'SELECT * FROM erasures WHERE site = ? AND user_id = ?',
  portEventsForRewrite: 'SELECT payload FROM events WHERE thread = ? AND seq > ? ORDER BY seq LIMIT ?',
  portAnonymise: `UPDATE comments SET author_name = '', author_avatar = NULL
    WHERE author_id = ? AND thread LIKE ? ESCAPE '\\'`,
  // Replies to one erased comment: same thread and root, found through comments_replies.
  portAnonymiseReplyTo: "UPDATE comments SET reply_to_name = '' WHERE thread = ? AND root_id = ? AND depth > 0 AND reply_to_id = ? AND reply_to_name <> ''",
  portForgetHidden: 'DELETE FROM hidden_bodies WHERE thread = ? AND comment_id = ?',
  portRewriteEvent: 'UPDATE events SET payload = ? WHERE thread = ? AND seq = ?',
  portDeleteRequests: 'DELETE FROM requests WHERE user_id = ?',
  portDeleteReadSessions: 'DELETE FROM read_sessions WHERE account = ?',
  portDeleteReadClock: 'DELETE FROM read_clocks WHERE account = ?',
  portSaveErasure: `INSERT INTO erasures (site, user_id, at, by, summary) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (site, user_id) DO NOTHING`,
} as const;

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
  user: string;
  value: string;
}
const toReactions = (rows: ReactionSqlRow[]): ReactionRow[] =>
  rows.flatMap((row) => (isReaction(row.value) ? [{ thread: row.thread, commentId: row.comment, userId: row.user, value: row.value }] : []));
const toVotes = (rows: { thread: string; user: string; value: string }[]): VoteRow[] =>
  rows.flatMap((row) => (isVote(row.value) ? [{ thread: row.thread, userId: row.user, value: row.value }] : []));

export class SqlitePorting implements PortingWriteTx {
  constructor(private readonly use: (write: boolean) => Statements) {}

  async importedComment(site: string, source: string, sourceId: string): Promise<ImportKey | null> {
    const row = this.use(false).portImported.get(site, source, sourceId) as KeyRow | undefined;
    return row ? toKey(row) : null;
  }

  async importKeysOfThread(thread: string): Promise<ImportKey[]> {
    return (this.use(false).portKeysOfThread.all(thread) as KeyRow[]).map(toKey);
  }

  async commentIdTaken(id: string): Promise<boolean> {
    return this.use(false).portIdTaken.get(id) !== undefined;
  }

  async listThreadComments(thread: string, afterSeq: number, limit: number): Promise<CommentRecord[]> {
    return (this.use(false).portThreadComments.all(thread, afterSeq, limit) as CommentRow[]).map(toComment);
  }

  async listThreadReactions(thread: string): Promise<ReactionRow[]> {
    return toReactions(this.use(false).portThreadReactions.all(thread) as ReactionSqlRow[]);
  }

  async listThreadVotes(thread: string): Promise<VoteRow[]> {
    return toVotes(this.use(false).portThreadVotes.all(thread) as { thread: string; user: string; value: string }[]);
  }

  async hiddenBy(thread: string, commentId: string): Promise<string | null> {
    return (this.use(false).portHiddenBy.get(thread, commentId) as { hidden_by: string } | undefined)?.hidden_by ?? null;
  }

  async getThreads(keys: readonly string[]): Promise<ThreadRecord[]> {
    if (keys.length === 0) return [];
    return (this.use(false).portGetThreads.all(JSON.stringify(keys)) as ThreadRow[]).map(toThread);
  }

  async commentsByAuthor(site: string, userId: string): Promise<CommentRecord[]> {
    return (this.use(false).portCommentsByAuthor.all(userId, siteKeyPattern(site)) as CommentRow[]).map(toComment);
  }

  async reactionsByUser(site: string, userId: string): Promise<ReactionRow[]> {
    return toReactions(this.use(false).portReactionsByUser.all(userId, siteKeyPattern(site)) as ReactionSqlRow[]);
  }

  async votesByUser(site: string, userId: string): Promise<VoteRow[]> {
    return toVotes(this.use(false).portVotesByUser.all(userId, siteKeyPattern(site)) as { thread: string; user: string; value: string }[]);
  }

  async flagsByUser(site: string, userId: string): Promise<FlagRecord[]> {
    const rows = this.use(false).portFlagsByUser.all(userId, siteKeyPattern(site)) as (Omit<FlagRecord, 'commentId' | 'userId'> & { comment: string; user: string })[];
    return rows.map((row) => ({ thread: row.thread, commentId: row.comment, userId: row.user, reason: row.reason, note: row.note, at: row.at }));
  }

  async transfersOf(account: string): Promise<TransferRecord[]> {
    return (this.use(false).portTransfersOf.all(account, account) as TransferRow[]).map(toTransferRecord);
  }

  async pendingOf(account: string): Promise<PendingReward[]> {
    return (this.use(false).portPendingOf.all(account) as PendingRow[]).map(toPendingRecord);
  }

  async readSessionsOf(account: string): Promise<ReadSessionRow[]> {
    const rows = this.use(false).portReadSessionsOf.all(account) as { thread: string; read_ms: number; credited: number }[];
    return rows.map((row) => ({ thread: row.thread, readMs: row.read_ms, credited: row.credited }));
  }

  async reportsOf(account: string): Promise<ReportRow[]> {
    const rows = this.use(false).portReportsOf.all(account) as { thread: string; bought_at: number; payload: string }[];
    return rows.map((row) => ({ thread: row.thread, boughtAt: row.bought_at, payload: JSON.parse(row.payload) as unknown }));
  }

  async requestsOf(owner: string): Promise<RequestRow[]> {
    const rows = this.use(false).portRequestsOf.all(owner) as { request_id: string; fingerprint: string; result: string; created_at: number }[];
    return rows.map((row) => ({ requestId: row.request_id, fingerprint: row.fingerprint, result: JSON.parse(row.result) as unknown, createdAt: row.created_at }));
  }

  async getErasure(site: string, userId: string): Promise<ErasureRecord | null> {
    const row = this.use(false).portGetErasure.get(site, userId) as { site: string; user_id: string; at: number; by: string; summary: string } | undefined;
    return row ? { site: row.site, userId: row.user_id, at: row.at, by: row.by, summary: JSON.parse(row.summary) as Record<string, number> } : null;
  }

  async listEventsForRewrite(thread: string, since: number, limit: number): Promise<ThreadEvent[]> {
    return (this.use(false).portEventsForRewrite.all(thread, since, limit) as { payload: string }[]).map((row) => JSON.parse(row.payload) as ThreadEvent);
  }

  async saveImportKey(key: ImportKey, at: number): Promise<boolean> {
    return this.use(true).portSaveKey.run(key.site, key.source, key.sourceId, key.thread, key.commentId, at).changes === 1;
  }

  async anonymiseAuthor(site: string, userId: string): Promise<number> {
    const st = this.use(true);
    const pattern = siteKeyPattern(site);
    for (const c of st.portCommentsByAuthor.all(userId, pattern) as CommentRow[]) st.portAnonymiseReplyTo.run(c.thread, c.root_id, c.id);
    return st.portAnonymise.run(userId, pattern).changes;
  }

  async forgetHiddenBody(thread: string, commentId: string): Promise<void> {
    this.use(true).portForgetHidden.run(thread, commentId);
  }

  async rewriteEvent(thread: string, event: ThreadEvent): Promise<void> {
    this.use(true).portRewriteEvent.run(JSON.stringify(event), thread, event.seq);
  }

  async deleteRequests(owner: string): Promise<number> {
    return this.use(true).portDeleteRequests.run(owner).changes;
  }

  async deleteReadRecords(account: string): Promise<number> {
    const st = this.use(true);
    return st.portDeleteReadSessions.run(account).changes + st.portDeleteReadClock.run(account).changes;
  }

  async saveErasure(record: ErasureRecord): Promise<void> {
    this.use(true).portSaveErasure.run(record.site, record.userId, record.at, record.by, JSON.stringify(record.summary));
  }
}
