import { consoleSessionsSchema } from '../console-sessions-sql.js';
import type { PgMigration } from './pg-migrations.js';

/** Migration 13 — console session revocations (SPEC CON-8; store/console-sessions-sql.ts), as SQLite's 13. */
export const pgConsoleMigration: PgMigration = {
  version: 13,
  name: 'console session revocations',
  sql: consoleSessionsSchema,
};
