import type { PgMigration } from './pg-migrations.js';

/** Migration 8 — held comments, bans, moderation log and settings; as SQLite's migration-premod.ts. */
export const pgPremodMigration: PgMigration = {
  version: 8,
  name: 'held comments, bans, moderation log and settings',
  sql: `
CREATE TABLE held_comments (
  id            TEXT PRIMARY KEY,
  site          TEXT NOT NULL,
  thread        TEXT NOT NULL,
  parent_id     TEXT,
  author_id     TEXT NOT NULL,
  author_name   TEXT NOT NULL,
  author_avatar TEXT,
  author_level  INTEGER NOT NULL,
  body          TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('held', 'muted', 'approved', 'rejected')),
  reasons       TEXT NOT NULL,
  tags          TEXT NOT NULL,
  request_id    TEXT NOT NULL,
  decided_at    BIGINT,
  decided_by    TEXT
);
CREATE INDEX held_queue ON held_comments (site, state, created_at);
CREATE INDEX held_own ON held_comments (thread, author_id) WHERE state IN ('held', 'muted');

CREATE TABLE bans (
  site     TEXT NOT NULL,
  user_id  TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('ban', 'suspend', 'mute')),
  until_at BIGINT,
  reason   TEXT,
  by_id    TEXT NOT NULL,
  by_name  TEXT NOT NULL,
  at       BIGINT NOT NULL,
  PRIMARY KEY (site, user_id)
);

CREATE TABLE moderation_settings (
  site       TEXT NOT NULL,
  thread     TEXT NOT NULL,
  policy     TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (site, thread)
);

CREATE INDEX comments_by_author ON comments (author_id, created_at);
CREATE INDEX comments_by_time ON comments (created_at);

CREATE TABLE moderation_log (
  id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  site       TEXT NOT NULL,
  at         BIGINT NOT NULL,
  actor_id   TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  action     TEXT NOT NULL,
  thread     TEXT,
  comment_id TEXT,
  user_id    TEXT,
  reason     TEXT,
  detail     TEXT NOT NULL
);
CREATE INDEX moderation_log_site ON moderation_log (site, id);
CREATE INDEX moderation_log_user ON moderation_log (site, user_id, id);

ALTER TABLE comments ADD COLUMN flags_reviewed BIGINT NOT NULL DEFAULT 0;
`,
};
