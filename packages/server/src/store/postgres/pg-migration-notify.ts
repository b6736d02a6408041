import type { PgMigration } from './pg-migrations.js';

/** Migration 9 — the notification outbox and readers' emails; as SQLite's migration-notify.ts. */
export const pgNotifyMigration: PgMigration = {
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
  created_at   BIGINT NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_at      BIGINT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  delivered_at BIGINT,
  last_error   TEXT
);
CREATE INDEX deliveries_due ON deliveries (next_at, created_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_done ON deliveries (delivered_at) WHERE state = 'delivered';

CREATE TABLE reader_emails (
  site            TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  address         TEXT NOT NULL,
  replies         BOOLEAN NOT NULL,
  unsubscribed_at BIGINT,
  updated_at      BIGINT NOT NULL,
  PRIMARY KEY (site, user_id)
);
`,
};
