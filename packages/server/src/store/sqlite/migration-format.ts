import type { Migration } from './migrations.js';

/**
 * Migration 10 — comment formatting (SPEC MD-6, MD-7). A comment row keeps its parsed tree (`doc`,
 * JSON; NULL when the body is plain paragraphs or withheld) and whom it mentions (`mentions`, JSON
 * `[{ id, name }]`), both computed once when the comment is written, never per reader.
 * `thread_authors` indexes the names a thread's authors commented under by (thread, name key), so
 * an `@Name` is a primary-key lookup. It is filled from the comments already stored; their keys are
 * lowered by SQLite's ASCII `lower`, so an older non-ASCII name is found again once its author
 * comments anew (or when it is the name of the comment being answered).
 */
export const formatMigration: Migration = {
  version: 10,
  name: 'comment formatting and mentions',
  sql: `
ALTER TABLE comments ADD COLUMN doc TEXT;
ALTER TABLE comments ADD COLUMN mentions TEXT;

CREATE TABLE thread_authors (
  thread   TEXT NOT NULL,
  name_key TEXT NOT NULL,
  user_id  TEXT NOT NULL,
  name     TEXT NOT NULL,
  PRIMARY KEY (thread, name_key)
) STRICT, WITHOUT ROWID;

INSERT INTO thread_authors (thread, name_key, user_id, name)
  SELECT thread, lower(trim(author_name)), author_id, author_name FROM comments WHERE trim(author_name) <> ''
  ON CONFLICT (thread, name_key) DO NOTHING;
`,
};
