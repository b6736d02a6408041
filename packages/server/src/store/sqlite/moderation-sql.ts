import type { FlagReason } from '@parley/protocol';
import type { FlagRecord } from '../moderation-store.js';
import type { Statements } from './statements.js';

/** Moderation statements; merged into the store's prepared statements (statements.ts). */
export const moderationSql = {
  insertFlag: `INSERT INTO flags (thread, comment, user, reason, note, at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (comment, user) DO NOTHING`,
  countFlag: 'UPDATE comments SET flag_count = flag_count + 1 WHERE thread = ? AND id = ? RETURNING flag_count',
  getFlagCount: 'SELECT flag_count FROM comments WHERE thread = ? AND id = ?',
  listFlags: 'SELECT thread, comment, user, reason, note, at FROM flags WHERE thread = ? AND comment = ? ORDER BY at, user',
  getHiddenBody: 'SELECT body FROM hidden_bodies WHERE thread = ? AND comment_id = ?',
} as const;

interface FlagRow {
  thread: string;
  comment: string;
  user: string;
  reason: FlagReason;
  note: string | null;
  at: number;
}

/** The SQLite side of ModerationWriteTx; SqliteTx delegates to these with its checked statements. */
export const sqliteModeration = {
  addFlag(st: Statements, flag: FlagRecord): { added: boolean; flags: number } {
    const { changes } = st.insertFlag.run(flag.thread, flag.commentId, flag.userId, flag.reason, flag.note, flag.at);
    if (changes === 1) {
      const row = st.countFlag.get(flag.thread, flag.commentId) as { flag_count: number } | undefined;
      if (!row) throw new Error(`addFlag: comment ${flag.commentId} does not exist`);
      return { added: true, flags: row.flag_count };
    }
    const row = st.getFlagCount.get(flag.thread, flag.commentId) as { flag_count: number } | undefined;
    return { added: false, flags: row?.flag_count ?? 0 };
  },
  listFlags(st: Statements, thread: string, commentId: string): FlagRecord[] {
    return (st.listFlags.all(thread, commentId) as FlagRow[]).map((row) => ({
      thread: row.thread,
      commentId: row.comment,
      userId: row.user,
      reason: row.reason,
      note: row.note,
      at: row.at,
    }));
  },
  getHiddenBody(st: Statements, thread: string, commentId: string): string | null {
    return (st.getHiddenBody.get(thread, commentId) as { body: string } | undefined)?.body ?? null;
  },
};
