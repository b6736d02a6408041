import type { PgMigration } from './pg-migrations.js';

/** Migration 14 — moderation events in the outbox (as SQLite's, sqlite/migration-outbox.ts; SPEC WEBHOOK-6). */
export const pgOutboxMigration: PgMigration = {
  version: 14,
  name: 'moderation events in the outbox',
  sql: `
ALTER TABLE deliveries DROP CONSTRAINT deliveries_channel_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_channel_check CHECK (channel IN ('webhook', 'email', 'event'));
`,
};
