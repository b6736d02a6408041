import type { PgMigration } from './pg-migrations.js';

/**
 * Migration 15 — [GROW-1] reactions keyed (comment, user_id), as SQLite's 15: a new reaction's key
 * lands beside the other reactions to its comment (ids start with their time, so mostly among the
 * recent ones), not inside its thread's stretch of the primary key's index, where older reactions
 * fill the pages and every insert splits one in the middle. No query needs the thread first.
 */
export const pgClusteredMigration: PgMigration = {
  version: 15,
  name: 'reactions keyed by comment',
  sql: `
ALTER TABLE reactions DROP CONSTRAINT reactions_pkey;
ALTER TABLE reactions ADD PRIMARY KEY (comment, user_id);
`,
};
