import type { Migration } from './migrations.js';

/**
 * Migration 17 — nothing to change on SQLite; the number is kept in step with PostgreSQL's 17
 * ([HOT-13], the transfer trigger folded into fewer statements). SQLite's trigger runs in the
 * process, with no round trips or turn to shorten, and its foreign keys stay.
 */
export const transferTriggerMigration: Migration = {
  version: 17,
  name: 'transfer trigger folded (PostgreSQL only)',
  sql: 'SELECT 1',
};
