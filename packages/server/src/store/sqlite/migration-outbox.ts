import type { Migration } from './migrations.js';

/**
 * Migration 14 — the outbox holds moderation events too (channel `event`, SPEC WEBHOOK-6): a change
 * writes the events its site's webhooks and emails want in its own transaction, and the delivery
 * worker turns each into its deliveries. SQLite cannot change a CHECK in place, so the table is
 * rebuilt (same columns, same indexes, every row kept).
 */
export const outboxMigration: Migration = {
  version: 14,
  name: 'moderation events in the outbox',
  sql: `
CREATE TABLE deliveries_next (
  id           TEXT PRIMARY KEY,
  site         TEXT NOT NULL,
  channel      TEXT NOT NULL CHECK (channel IN ('webhook', 'email', 'event')),
  target       TEXT NOT NULL,
  kind         TEXT NOT NULL,
  body         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_at      INTEGER NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  delivered_at INTEGER,
  last_error   TEXT
) STRICT;
INSERT INTO deliveries_next SELECT id, site, channel, target, kind, body, created_at, attempts, next_at, state, delivered_at, last_error FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_next RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (next_at, created_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_done ON deliveries (delivered_at) WHERE state = 'delivered';
`,
};
