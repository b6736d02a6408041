import type { Migration } from './migrations.js';

/**
 * Migration 2 — sites, recorded thread gates, XP for levels, and comments hidden by moderators
 * (`hidden_at` on the comment; its words kept aside in `hidden_bodies` so they can be shown again).
 * `thread_settings` is separate from `threads` so migration 1 stays untouched and a thread without
 * a row simply uses its site's gates.
 */
export const identityMigration: Migration = {
  version: 2,
  name: 'thread sites and gates, reader XP',
  sql: `
CREATE TABLE thread_settings (
  thread     TEXT PRIMARY KEY,
  site       TEXT NOT NULL,
  gates      TEXT NOT NULL CHECK (json_valid(gates)),
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE user_xp (
  site    TEXT NOT NULL,
  user_id TEXT NOT NULL,
  xp      INTEGER NOT NULL CHECK (xp >= 0),
  PRIMARY KEY (site, user_id)
) STRICT, WITHOUT ROWID;

ALTER TABLE comments ADD COLUMN hidden_at INTEGER;

CREATE TABLE hidden_bodies (
  thread     TEXT NOT NULL,
  comment_id TEXT NOT NULL,
  body       TEXT NOT NULL,
  hidden_by  TEXT NOT NULL,
  PRIMARY KEY (thread, comment_id)
) STRICT, WITHOUT ROWID;
`,
};
