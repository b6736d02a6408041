import type { Migration } from './migrations.js';

/**
 * Migration 5 — readers' flags on comments. One row per (comment, reader): the primary key is
 * what makes "a reader flags a comment once" true even for two racing requests. The count lives on
 * the comment (`flag_count`), kept in the same transaction as the row, so a moderator's page needs
 * no join; the CHECK makes a bug that would drive it negative abort instead.
 */
export const moderationMigration: Migration = {
  version: 5,
  name: 'comment flags',
  sql: `
CREATE TABLE flags (
  thread  TEXT NOT NULL,
  comment TEXT NOT NULL,
  user    TEXT NOT NULL,
  reason  TEXT NOT NULL CHECK (reason IN ('spam', 'abuse', 'off-topic', 'other')),
  note    TEXT CHECK (note IS NULL OR length(note) <= 500),
  at      INTEGER NOT NULL,
  PRIMARY KEY (comment, user)
) STRICT, WITHOUT ROWID;

ALTER TABLE comments ADD COLUMN flag_count INTEGER NOT NULL DEFAULT 0 CHECK (flag_count >= 0);
`,
};
