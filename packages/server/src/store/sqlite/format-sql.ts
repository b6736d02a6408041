import type { CommentFormat } from '../format-store.js';
import type { Mention } from '../../domain/markdown.js';
import type { Statements } from './statements.js';

/** Formatting statements; merged into the store's prepared statements (statements.ts). */
export const formatSql = {
  findThreadAuthors: `SELECT name_key, user_id, name FROM thread_authors
    WHERE thread = ? AND name_key IN (SELECT value FROM json_each(?))`,
  recordThreadAuthor: `INSERT INTO thread_authors (thread, name_key, user_id, name) VALUES (?, ?, ?, ?)
    ON CONFLICT (thread, name_key) DO UPDATE SET user_id = excluded.user_id, name = excluded.name
    WHERE user_id <> excluded.user_id OR name <> excluded.name`,
  setCommentFormat: 'UPDATE comments SET doc = ?, mentions = ? WHERE thread = ? AND id = ?',
} as const;

/** The stored forms: NULL for "no tree" and "nobody". */
export const docColumn = (doc: CommentFormat['doc'] | undefined): string | null => (doc ? JSON.stringify(doc) : null);
export const mentionsColumn = (mentions: readonly Mention[] | undefined): string | null =>
  mentions && mentions.length > 0 ? JSON.stringify(mentions) : null;

/** The SQLite side of FormatWriteTx; SqliteTx delegates to these with its checked statements. */
export const sqliteFormat = {
  findThreadAuthors(st: Statements, thread: string, keys: readonly string[]): Map<string, Mention> {
    const found = new Map<string, Mention>();
    if (keys.length === 0) return found;
    const rows = st.findThreadAuthors.all(thread, JSON.stringify(keys)) as { name_key: string; user_id: string; name: string }[];
    for (const row of rows) found.set(row.name_key, { id: row.user_id, name: row.name });
    return found;
  },
  recordThreadAuthor(st: Statements, thread: string, key: string, author: Mention): void {
    st.recordThreadAuthor.run(thread, key, author.id, author.name);
  },
  setCommentFormat(st: Statements, thread: string, id: string, format: CommentFormat): void {
    st.setCommentFormat.run(docColumn(format.doc), mentionsColumn(format.mentions), thread, id);
  },
};
