import type { Migration } from './migrations.js';

/**
 * Migration 16 — [DUR-12] request records appended, not inserted among their writer's older ones
 * (issue 10 item 4). Keyed (user_id, request_id) WITHOUT ROWID, each record — about 600 bytes: it
 * holds the posted comment's result — went into its writer's stretch of a B-tree that holds six or
 * so records a page: with a hundred writers in one COMMIT, a hundred pages, and every sixth record
 * a split (2.7 pages a post, the most of any table: measured by WAL frames). Now the record is a
 * rowid row, appended at the table's end (records made together share pages), and the lookup is a
 * unique index of the small (user_id, request_id) keys. Rowids follow the order records were made,
 * so pruning by age deletes a range of rowids (the index on created_at, one more insert a post, goes).
 */
export const requestsMigration: Migration = {
  version: 16,
  name: 'request records appended by rowid',
  sql: `
CREATE TABLE requests_appended (
  id          INTEGER PRIMARY KEY,
  user_id     TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  result      TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
INSERT INTO requests_appended (user_id, request_id, fingerprint, result, created_at)
  SELECT user_id, request_id, fingerprint, result, created_at FROM requests ORDER BY created_at, user_id, request_id;
DROP TABLE requests;
ALTER TABLE requests_appended RENAME TO requests;
CREATE UNIQUE INDEX requests_key ON requests (user_id, request_id);
`,
};
