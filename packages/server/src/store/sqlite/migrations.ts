/**
 * Versioned schema changes, applied in order on open; `PRAGMA user_version` records the last one.
 * Never edit a shipped migration: add the next version.
 */
import { economyMigration } from './migration-economy.js';
import { identityMigration } from './migration-identity.js';
import { moderationMigration } from './migration-moderation.js';
import { notesMigration } from './migration-notes.js';
import { premodMigration } from './migration-premod.js';
import { notifyMigration } from './migration-notify.js';
import { portingMigration } from './migration-porting.js';
import { settlementMigration } from './migration-settlement.js';
import { threadsMigration } from './migration-threads.js';
import { formatMigration } from './migration-format.js';
import { durableMigration } from './migration-durable.js';
import { consoleMigration } from './migration-console.js';
import { outboxMigration } from './migration-outbox.js';
import { clusteredMigration } from './migration-clustered.js';
import { requestsMigration } from './migration-requests.js';
import { transferTriggerMigration } from './migration-transfer-trigger.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'live comment threads',
    sql: `
CREATE TABLE threads (
  id            TEXT PRIMARY KEY,
  title         TEXT,
  url           TEXT,
  seq           INTEGER NOT NULL DEFAULT 0,
  comment_count INTEGER NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
  plus          INTEGER NOT NULL DEFAULT 0 CHECK (plus >= 0),
  minus         INTEGER NOT NULL DEFAULT 0 CHECK (minus >= 0),
  created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE comments (
  id            TEXT PRIMARY KEY,
  thread        TEXT NOT NULL REFERENCES threads(id),
  root_id       TEXT NOT NULL,
  parent_id     TEXT,
  reply_to_id   TEXT,
  reply_to_name TEXT,
  depth         INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  author_id     TEXT NOT NULL,
  author_name   TEXT NOT NULL,
  author_avatar TEXT,
  author_level  INTEGER NOT NULL,
  body          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  edited_at     INTEGER,
  deleted_at    INTEGER,
  likes         INTEGER NOT NULL DEFAULT 0 CHECK (likes >= 0),
  dislikes      INTEGER NOT NULL DEFAULT 0 CHECK (dislikes >= 0),
  -- Derived, so the top sort key can never disagree with the counts it comes from.
  score         INTEGER GENERATED ALWAYS AS (likes - dislikes) STORED,
  reply_count   INTEGER NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
  UNIQUE (thread, seq)
) STRICT;

-- One index per way a page is read, each matching its ORDER BY, roots only.
CREATE INDEX comments_roots_top ON comments (thread, score DESC, seq DESC) WHERE depth = 0;
CREATE INDEX comments_roots_seq ON comments (thread, seq) WHERE depth = 0;
CREATE INDEX comments_replies ON comments (thread, root_id, seq) WHERE depth > 0;

CREATE TABLE reactions (
  thread  TEXT NOT NULL,
  comment TEXT NOT NULL,
  user    TEXT NOT NULL,
  value   TEXT NOT NULL CHECK (value IN ('like', 'dislike')),
  PRIMARY KEY (thread, user, comment)
) STRICT, WITHOUT ROWID;

CREATE TABLE votes (
  thread TEXT NOT NULL,
  user   TEXT NOT NULL,
  value  TEXT NOT NULL CHECK (value IN ('plus', 'minus')),
  PRIMARY KEY (thread, user)
) STRICT, WITHOUT ROWID;

CREATE TABLE events (
  thread  TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  type    TEXT NOT NULL,
  payload TEXT NOT NULL,
  at      INTEGER NOT NULL,
  PRIMARY KEY (thread, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE requests (
  user_id     TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  result      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (user_id, request_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX requests_created_at ON requests (created_at);
`,
  },
  identityMigration,
  economyMigration,
  notesMigration,
  moderationMigration,
  threadsMigration,
  settlementMigration,
  premodMigration,
  // 8 is pre-moderation (branch mod); 9 is the notification outbox, numbered so both merge in any order.
  notifyMigration,
  formatMigration,
  portingMigration,
  durableMigration,
  consoleMigration,
  outboxMigration,
  clusteredMigration,
  requestsMigration,
  transferTriggerMigration,
];

export const latestVersion = migrations.reduce((max, m) => Math.max(max, m.version), 0);
