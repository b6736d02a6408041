import type { Database, Statement } from 'better-sqlite3';
import { identitySql } from './identity-sql.js';
import { ledgerSql } from './ledger-sql.js';
import { moderationSql } from './moderation-sql.js';
import { notifySql } from './notify-sql.js';
import { modSql } from '../mod-queries.js';

/** The shared moderation statements, `$n` → `?` (each is used once, in order). */
const modSqlite = Object.fromEntries(Object.entries(modSql).map(([name, text]) => [`mod_${name}`, text.replace(/\$\d+/g, '?')])) as {
  [K in keyof typeof modSql as `mod_${K}`]: string;
};
import { portingSql } from './porting-sql.js';
import { formatSql } from './format-sql.js';

/** Every statement the SQLite store runs, by name. */
export const sql = {
  ...ledgerSql,
  ...identitySql,
  ...moderationSql,
  ...notifySql,
  ...modSqlite,
  ...portingSql,
  ...formatSql,
  getThread: 'SELECT * FROM threads WHERE id = ?',
  // [DUR-11] A gate check reads the thread and then its settings: both in one statement.
  getThreadWithSettings: `SELECT t.*, s.site AS s_site, s.gates AS s_gates, s.updated_at AS s_updated_at
    FROM threads t LEFT JOIN thread_settings s ON s.thread = t.id WHERE t.id = ?`,
  // [DUR-15] A post's gate reads in one: the author's ban, the thread with its settings, both policies.
  readAheadGate: `SELECT t.*, s.site AS s_site, s.gates AS s_gates, s.updated_at AS s_updated_at,
      b.kind AS b_kind, b.until_at AS b_until_at, b.reason AS b_reason, b.by_id AS b_by_id, b.by_name AS b_by_name, b.at AS b_at,
      (SELECT policy FROM moderation_settings WHERE site = @site AND thread = @siteScope) AS p_site,
      (SELECT policy FROM moderation_settings WHERE site = @site AND thread = @thread) AS p_thread
    FROM threads t LEFT JOIN thread_settings s ON s.thread = t.id
      LEFT JOIN bans b ON b.site = @site AND b.user_id = @user
    WHERE t.id = @thread`,
  insertThread: `INSERT INTO threads (id, site, origin, title, url, created_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO NOTHING`,
  updateThreadMeta: `UPDATE threads SET title = coalesce(@title, title), url = coalesce(@url, url),
    claim_iat = coalesce(@claimIat, claim_iat) WHERE id = @id`,
  publishThread: 'UPDATE threads SET published_at = ? WHERE id = ? AND published_at IS NULL',
  listThreadsFirst: 'SELECT * FROM threads WHERE site = ? ORDER BY created_at DESC, id DESC LIMIT ?',
  listThreadsAfter: `SELECT * FROM threads WHERE site = ? AND (created_at, id) < (?, ?)
    ORDER BY created_at DESC, id DESC LIMIT ?`,
  nextSeq: 'UPDATE threads SET seq = seq + 1 WHERE id = ? RETURNING seq',
  nextSeqCounting: `UPDATE threads
    SET seq = seq + 1, comment_count = comment_count + @comments, plus = plus + @plus, minus = minus + @minus
    WHERE id = @thread RETURNING seq`,
  adjustThreadCounts: `UPDATE threads
    SET comment_count = comment_count + @comments, plus = plus + @plus, minus = minus + @minus
    WHERE id = @thread RETURNING *`,

  getComment: 'SELECT * FROM comments WHERE id = ? AND thread = ?',
  insertComment: `INSERT INTO comments (id, thread, root_id, parent_id, reply_to_id, reply_to_name, depth, seq,
      author_id, author_name, author_avatar, author_level, body, created_at, doc, mentions)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  setCommentBody: 'UPDATE comments SET body = ?, edited_at = ? WHERE thread = ? AND id = ?',
  markCommentDeleted: "UPDATE comments SET body = '', doc = NULL, mentions = NULL, deleted_at = ? WHERE thread = ? AND id = ?",
  adjustReplyCount: 'UPDATE comments SET reply_count = reply_count + ? WHERE thread = ? AND id = ?',
  adjustReactionCounts: `UPDATE comments SET likes = likes + ?, dislikes = dislikes + ?
    WHERE thread = ? AND id = ? RETURNING likes, dislikes`,

  // Row-value comparisons keep each page a single range scan of the matching partial index.
  rootsTopFirst: 'SELECT * FROM comments WHERE thread = ? AND depth = 0 ORDER BY score DESC, seq DESC LIMIT ?',
  rootsTopAfter: `SELECT * FROM comments WHERE thread = ? AND depth = 0 AND (score, seq) < (?, ?)
    ORDER BY score DESC, seq DESC LIMIT ?`,
  rootsNew: 'SELECT * FROM comments WHERE thread = ? AND depth = 0 AND seq < ? ORDER BY seq DESC LIMIT ?',
  rootsOld: 'SELECT * FROM comments WHERE thread = ? AND depth = 0 AND seq > ? ORDER BY seq ASC LIMIT ?',
  replies: 'SELECT * FROM comments WHERE thread = ? AND root_id = ? AND depth > 0 AND seq > ? ORDER BY seq LIMIT ?',

  listEvents: 'SELECT payload FROM events WHERE thread = ? AND seq > ? ORDER BY seq LIMIT ?',
  appendEvent: 'INSERT INTO events (thread, seq, type, payload, at) VALUES (?, ?, ?, ?, ?)',

  // Keyed (comment, user) [GROW-1]: the reader's reaction to each listed comment, one key each.
  getReactions: `SELECT comment, value FROM reactions
    WHERE thread = ? AND user = ? AND comment IN (SELECT value FROM json_each(?))`,
  upsertReaction: `INSERT INTO reactions (thread, comment, user, value) VALUES (?, ?, ?, ?)
    ON CONFLICT (comment, user) DO UPDATE SET value = excluded.value`,
  deleteReaction: 'DELETE FROM reactions WHERE thread = ? AND comment = ? AND user = ?',

  getVote: 'SELECT value FROM votes WHERE thread = ? AND user = ?',
  upsertVote: `INSERT INTO votes (thread, user, value) VALUES (?, ?, ?)
    ON CONFLICT (thread, user) DO UPDATE SET value = excluded.value`,
  deleteVote: 'DELETE FROM votes WHERE thread = ? AND user = ?',

  getRequest: 'SELECT fingerprint, result, created_at FROM requests WHERE user_id = ? AND request_id = ?',
  insertRequest: 'INSERT INTO requests (user_id, request_id, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?)',
  // [DUR-12] Rowids follow the order records were made: every record before the first one made at
  // or after the cut goes (a clock that stepped back keeps a record longer, never shorter). The
  // subquery reads the rows it deletes, and one more.
  pruneRequests: `DELETE FROM requests WHERE id < coalesce(
    (SELECT id FROM requests WHERE created_at >= ? ORDER BY id LIMIT 1), (SELECT max(id) + 1 FROM requests), 0)`,
  pruneEventsThreads: 'SELECT id, seq FROM threads WHERE id > ? ORDER BY id LIMIT ?',
  pruneEventsOf: 'DELETE FROM events WHERE thread = ? AND seq <= ?',

  listNoteUpdates: 'SELECT id, body FROM note_updates WHERE thread = ? ORDER BY id',
  noteStats: `SELECT COUNT(*) AS updates, COALESCE(SUM(length(body)), 0) AS bytes, COALESCE(MAX(id), 0) AS version
    FROM note_updates WHERE thread = ?`,
  insertNoteUpdate: 'INSERT INTO note_updates (thread, body, at) VALUES (?, ?, ?)',
  // By id range: a compaction deletes only the rows it listed and merged (SPEC ST-26).
  deleteNoteUpdates: 'DELETE FROM note_updates WHERE thread = ? AND id <= ?',

  // Transaction control, prepared like the rest (group-commit.ts): `exec` would parse the text on every call.
  // A read transaction's own BEGIN and COMMIT, so statement counts tell them from the writes'.
  txReadBegin: 'BEGIN',
  txReadCommit: 'COMMIT',
  txBeginImmediate: 'BEGIN IMMEDIATE',
  txCommit: 'COMMIT',
  txRollback: 'ROLLBACK',
  txSavepoint: 'SAVEPOINT command',
  txRelease: 'RELEASE command',
  txRollbackTo: 'ROLLBACK TO command',
} as const;

export type StatementName = keyof typeof sql;
export type Statements = Record<StatementName, Statement>;

/** Prepared once per connection: parsing SQL on every call would dominate small transactions. */
export function prepareStatements(db: Database): Statements {
  const entries = Object.entries(sql).map(([name, text]) => [name, db.prepare(text)] as const);
  return Object.fromEntries(entries) as Statements;
}

/** How many times each statement ran (and, when timed, the ms it took), by name; names that never ran are absent. */
export interface StatementCounts {
  /** Every statement run, transaction control (`tx…`) included. */
  total: number;
  /** Of `total`, BEGIN / COMMIT / ROLLBACK / SAVEPOINT / RELEASE. */
  control: number;
  byName: Record<string, { runs: number; ms: number }>;
}

export const emptyCounts = (): StatementCounts => ({ total: 0, control: 0, byName: {} });

/**
 * The same statements, each run counted into `counts` (and timed when `time`): for the benchmark
 * and the statement-count tests, never on by default — a wrapper per call costs what it measures.
 */
export function countingStatements(st: Statements, counts: StatementCounts, time: boolean): Statements {
  const wrap = (name: string, statement: Statement): Statement => {
    const control = name.startsWith('tx');
    const counted =
      <A extends unknown[], R>(call: (...args: A) => R) =>
      (...args: A): R => {
        counts.total += 1;
        if (control) counts.control += 1;
        const entry = (counts.byName[name] ??= { runs: 0, ms: 0 });
        entry.runs += 1;
        if (!time) return call(...args);
        const started = performance.now();
        try {
          return call(...args);
        } finally {
          entry.ms += performance.now() - started;
        }
      };
    return {
      reader: statement.reader,
      source: statement.source,
      run: counted((...args: unknown[]) => statement.run(...args)),
      get: counted((...args: unknown[]) => statement.get(...args)),
      all: counted((...args: unknown[]) => statement.all(...args)),
      iterate: counted((...args: unknown[]) => statement.iterate(...args)),
    } as unknown as Statement;
  };
  return Object.fromEntries(Object.entries(st).map(([name, statement]) => [name, wrap(name, statement)])) as Statements;
}
