import type { Migration } from './migrations.js';

/**
 * Migration 9 — the notification outbox and readers' email preferences (store/delivery-store.ts).
 * Pending deliveries are found by one partial index ordered by when they are due, so the worker's
 * poll costs the same with a million delivered rows behind it; delivered ones are pruned by
 * `delivered_at` through their own partial index.
 */
export const notifyMigration: Migration = {
  version: 9,
  name: 'notification outbox, reader emails',
  sql: `
CREATE TABLE deliveries (
  id           TEXT PRIMARY KEY,
  site         TEXT NOT NULL,
  channel      TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
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
CREATE INDEX deliveries_due ON deliveries (next_at, created_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_done ON deliveries (delivered_at) WHERE state = 'delivered';

CREATE TABLE reader_emails (
  site            TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  address         TEXT NOT NULL,
  replies         INTEGER NOT NULL CHECK (replies IN (0, 1)),
  unsubscribed_at INTEGER,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (site, user_id)
) STRICT, WITHOUT ROWID;
`,
};
