import { consoleSessionsSchema } from '../console-sessions-sql.js';
import type { Migration } from './migrations.js';

/** Migration 13 — console session revocations (SPEC CON-8; store/console-sessions-sql.ts). */
export const consoleMigration: Migration = {
  version: 13,
  name: 'console session revocations',
  sql: consoleSessionsSchema,
};
