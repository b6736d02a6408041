import type { PgMigration } from './pg-migrations.js';

/**
 * Migration 16 — nothing to change on PostgreSQL; the number is kept in step with SQLite's 16
 * ([DUR-12], request records appended by rowid). A PostgreSQL table is a heap: a request record
 * already goes at its end, and the primary key (user_id, request_id) is the small index SQLite's
 * table now has beside it. `requests_created_at` stays: PostgreSQL prunes by it.
 */
export const pgRequestsMigration: PgMigration = {
  version: 16,
  name: 'request records appended (already so on PostgreSQL)',
  sql: 'SELECT 1',
};
