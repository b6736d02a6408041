import type { Migration } from './migrations.js';

/**
 * Migration 11 — import, export and readers' rights (SPEC IMPORT-*, RIGHTS-*).
 *
 * - `import_keys`: where each imported comment came from, `(site, source, source_id)` unique, so
 *   importing the same file twice finds every record already there and adds nothing (IMPORT-4),
 *   and an export can say where a comment came from (so re-importing the original file after an
 *   export → import round trip still adds nothing).
 * - `erasures`: the audit record of each reader erasure (RIGHTS-4); one per (site, user), so a
 *   repeated erasure is recognised and changes nothing again.
 * - (`comments_by_author`, from migration 8, finds a reader's comments without a scan: export,
 *   erasure).
 */
export const portingMigration: Migration = {
  version: 11,
  name: 'import provenance keys, reader erasures',
  sql: `
CREATE TABLE import_keys (
  site       TEXT NOT NULL,
  source     TEXT NOT NULL,
  source_id  TEXT NOT NULL,
  thread     TEXT NOT NULL,
  comment_id TEXT NOT NULL,
  at         INTEGER NOT NULL,
  PRIMARY KEY (site, source, source_id)
) STRICT;
CREATE INDEX import_keys_by_thread ON import_keys (thread, comment_id);

CREATE TABLE erasures (
  site    TEXT NOT NULL,
  user_id TEXT NOT NULL,
  at      INTEGER NOT NULL,
  by      TEXT NOT NULL,
  summary TEXT NOT NULL,
  PRIMARY KEY (site, user_id)
) STRICT;

-- comments_by_author came with migration 8 (pre-moderation), which needed it first.
`,
};
