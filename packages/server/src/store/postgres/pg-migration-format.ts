import type { PgMigration } from './pg-migrations.js';

/** Migration 10 — comment formatting and mentions; as SQLite's migration-format.ts. */
export const pgFormatMigration: PgMigration = {
  version: 10,
  name: 'comment formatting and mentions',
  // As SQLite's migration 10 (migration-format.ts); TEXT holding JSON, read by the same row mapper.
  sql: `
ALTER TABLE comments ADD COLUMN doc TEXT;
ALTER TABLE comments ADD COLUMN mentions TEXT;

CREATE TABLE thread_authors (
  thread   TEXT NOT NULL,
  name_key TEXT NOT NULL,
  user_id  TEXT NOT NULL,
  name     TEXT NOT NULL,
  PRIMARY KEY (thread, name_key)
);

INSERT INTO thread_authors (thread, name_key, user_id, name)
  SELECT DISTINCT ON (thread, lower(trim(author_name))) thread, lower(trim(author_name)), author_id, author_name
  FROM comments WHERE trim(author_name) <> '' ORDER BY thread, lower(trim(author_name)), seq DESC;
`,
};
