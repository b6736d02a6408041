import type { PgMigration } from './pg-migrations.js';

/** Migration 11 — import provenance keys and reader erasures; as SQLite's migration-porting.ts. */
export const pgPortingMigration: PgMigration = {
  version: 11,
  name: 'import provenance keys, reader erasures',
  // As SQLite's migration 11 (sqlite/migration-porting.ts), whose comment says why.
  sql: `
CREATE TABLE import_keys (
  site       TEXT NOT NULL,
  source     TEXT NOT NULL,
  source_id  TEXT NOT NULL,
  thread     TEXT NOT NULL,
  comment_id TEXT NOT NULL,
  at         BIGINT NOT NULL,
  PRIMARY KEY (site, source, source_id)
);
CREATE INDEX import_keys_by_thread ON import_keys (thread, comment_id);

CREATE TABLE erasures (
  site    TEXT NOT NULL,
  user_id TEXT NOT NULL,
  at      BIGINT NOT NULL,
  by_whom TEXT NOT NULL,
  summary TEXT NOT NULL,
  PRIMARY KEY (site, user_id)
);

-- comments_by_author (a reader's comments without a scan) came with migration 8.
`,
};
