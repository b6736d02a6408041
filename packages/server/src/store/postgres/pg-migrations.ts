/**
 * The PostgreSQL schema: the same tables, keys, CHECKs and triggers as SQLite's migrations 1–7,
 * written as ONE consistent set for PostgreSQL (a PostgreSQL database never held the pre-key data
 * that SQLite's migration 6 re-keys, so 6 only adds what it added). Versions match SQLite's, and
 * each applied version is a row of `schema_migrations`. Never edit a shipped migration: add the next.
 *
 * Differences, each for a reason:
 * - times are BIGINT (ms epoch does not fit INTEGER); note bodies are BYTEA; gates are checked JSON;
 * - `user` is reserved in PostgreSQL: those columns are `user_id`;
 * - no hot rows (DESIGN.md "Storage and scale"): a treasury-kind account's balance is not stored on
 *   its `accounts` row, which every money movement of a site would update; the transfer trigger adds
 *   to one of `treasury_shards` rows chosen by the connection (pg_backend_pid), and the balance is the
 *   sum of its shards. Two connections moving a site's money touch different rows. Reader balances
 *   stay on the account row with their CHECK >= 0 (a reader's row is only hot for that reader);
 * - the trigger updates the two accounts in id order, so two transfers in opposite directions lock
 *   in the same order and cannot deadlock each other.
 */
import { pgPremodMigration } from './pg-migration-premod.js';
import { pgNotifyMigration } from './pg-migration-notify.js';
import { pgFormatMigration } from './pg-migration-format.js';
import { pgPortingMigration } from './pg-migration-porting.js';
import { pgShardsMigration } from './pg-migration-shards.js';
import { pgConsoleMigration } from './pg-migration-console.js';
import { pgOutboxMigration } from './pg-migration-outbox.js';
import { pgClusteredMigration } from './pg-migration-clustered.js';
import { pgRequestsMigration } from './pg-migration-requests.js';
import { pgShardClaimMigration } from './pg-migration-shard-claim.js';
import { pgTransferTriggerMigration } from './pg-migration-transfer-trigger.js';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export const pgMigrations: readonly PgMigration[] = [
  {
    version: 1,
    name: 'live comment threads',
    sql: `
CREATE TABLE threads (
  id            TEXT PRIMARY KEY,
  title         TEXT,
  url           TEXT,
  seq           BIGINT NOT NULL DEFAULT 0,
  comment_count BIGINT NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
  plus          BIGINT NOT NULL DEFAULT 0 CHECK (plus >= 0),
  minus         BIGINT NOT NULL DEFAULT 0 CHECK (minus >= 0),
  created_at    BIGINT NOT NULL
);

CREATE TABLE comments (
  id            TEXT PRIMARY KEY,
  thread        TEXT NOT NULL REFERENCES threads(id),
  root_id       TEXT NOT NULL,
  parent_id     TEXT,
  reply_to_id   TEXT,
  reply_to_name TEXT,
  depth         INTEGER NOT NULL,
  seq           BIGINT NOT NULL,
  author_id     TEXT NOT NULL,
  author_name   TEXT NOT NULL,
  author_avatar TEXT,
  author_level  INTEGER NOT NULL,
  body          TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  edited_at     BIGINT,
  deleted_at    BIGINT,
  likes         BIGINT NOT NULL DEFAULT 0 CHECK (likes >= 0),
  dislikes      BIGINT NOT NULL DEFAULT 0 CHECK (dislikes >= 0),
  score         BIGINT GENERATED ALWAYS AS (likes - dislikes) STORED,
  reply_count   BIGINT NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
  UNIQUE (thread, seq)
);

CREATE INDEX comments_roots_top ON comments (thread, score DESC, seq DESC) WHERE depth = 0;
CREATE INDEX comments_roots_seq ON comments (thread, seq) WHERE depth = 0;
CREATE INDEX comments_replies ON comments (thread, root_id, seq) WHERE depth > 0;

CREATE TABLE reactions (
  thread  TEXT NOT NULL,
  comment TEXT NOT NULL,
  user_id TEXT NOT NULL,
  value   TEXT NOT NULL CHECK (value IN ('like', 'dislike')),
  PRIMARY KEY (thread, user_id, comment)
);

CREATE TABLE votes (
  thread  TEXT NOT NULL,
  user_id TEXT NOT NULL,
  value   TEXT NOT NULL CHECK (value IN ('plus', 'minus')),
  PRIMARY KEY (thread, user_id)
);

CREATE TABLE events (
  thread  TEXT NOT NULL,
  seq     BIGINT NOT NULL,
  type    TEXT NOT NULL,
  payload TEXT NOT NULL,
  at      BIGINT NOT NULL,
  PRIMARY KEY (thread, seq)
);

CREATE TABLE requests (
  user_id     TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  result      TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (user_id, request_id)
);
CREATE INDEX requests_created_at ON requests (created_at);

-- Never holds a row: every write transaction takes it in ROW SHARE mode, and one that has lost to
-- conflicts three times takes it EXCLUSIVE, so its next run has no concurrent writer and cannot
-- lose again (postgres-store.ts). LOCK TABLE takes no snapshot, so that run sees everything before it.
CREATE TABLE write_gate (one BOOLEAN PRIMARY KEY CHECK (one));
`,
  },
  {
    version: 2,
    name: 'thread sites and gates, reader XP',
    sql: `
CREATE TABLE thread_settings (
  thread     TEXT PRIMARY KEY,
  site       TEXT NOT NULL,
  gates      TEXT NOT NULL CHECK ((gates::jsonb) IS NOT NULL),
  updated_at BIGINT NOT NULL
);

CREATE TABLE user_xp (
  site    TEXT NOT NULL,
  user_id TEXT NOT NULL,
  xp      BIGINT NOT NULL CHECK (xp >= 0),
  PRIMARY KEY (site, user_id)
);

ALTER TABLE comments ADD COLUMN hidden_at BIGINT;

CREATE TABLE hidden_bodies (
  thread     TEXT NOT NULL,
  comment_id TEXT NOT NULL,
  body       TEXT NOT NULL,
  hidden_by  TEXT NOT NULL,
  PRIMARY KEY (thread, comment_id)
);
`,
  },
  {
    version: 3,
    name: 'twei ledger, read sessions, reports, post authors',
    sql: `
CREATE TABLE accounts (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('reader', 'treasury')),
  -- A reader's balance. A treasury-kind account keeps 0 here: its balance is the sum of its shards.
  balance    BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  CHECK (kind = 'treasury' OR balance >= 0),
  CHECK (kind = 'reader' OR balance = 0)
);

-- A treasury's balance, split so no single row is written by every money movement of a site.
CREATE TABLE treasury_shards (
  account TEXT NOT NULL REFERENCES accounts(id),
  shard   INTEGER NOT NULL CHECK (shard >= 0 AND shard < 16),
  balance BIGINT NOT NULL,
  PRIMARY KEY (account, shard)
);

CREATE TABLE transfers (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  from_account TEXT NOT NULL REFERENCES accounts(id),
  to_account   TEXT NOT NULL REFERENCES accounts(id),
  amount       BIGINT NOT NULL CHECK (amount > 0 OR (amount = 0 AND reverses IS NOT NULL)),
  category     TEXT NOT NULL,
  thread       TEXT,
  ref          TEXT,
  request_id   TEXT,
  reverses     BIGINT UNIQUE REFERENCES transfers(id),
  at           BIGINT NOT NULL,
  CHECK (from_account <> to_account)
);

CREATE INDEX transfers_from ON transfers (from_account, thread, category);
CREATE INDEX transfers_to ON transfers (to_account, thread, category);
CREATE INDEX transfers_ref ON transfers (ref) WHERE ref IS NOT NULL;

CREATE FUNCTION ledger_move(account_id TEXT, delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF delta = 0 THEN RETURN; END IF;
  IF (SELECT kind FROM accounts WHERE id = account_id) = 'treasury' THEN
    INSERT INTO treasury_shards (account, shard, balance) VALUES (account_id, pg_backend_pid() % 16, delta)
      ON CONFLICT (account, shard) DO UPDATE SET balance = treasury_shards.balance + EXCLUDED.balance;
  ELSE
    UPDATE accounts SET balance = balance + delta WHERE id = account_id;
  END IF;
END $$;

-- Balances move ONLY here. The two accounts are updated in id order: one lock order for everyone.
CREATE FUNCTION transfers_move_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.from_account < NEW.to_account THEN
    PERFORM ledger_move(NEW.from_account, -NEW.amount);
    PERFORM ledger_move(NEW.to_account, NEW.amount);
  ELSE
    PERFORM ledger_move(NEW.to_account, NEW.amount);
    PERFORM ledger_move(NEW.from_account, -NEW.amount);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER transfers_move_balances AFTER INSERT ON transfers FOR EACH ROW EXECUTE FUNCTION transfers_move_balances();

CREATE FUNCTION transfers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'transfers are append-only';
END $$;
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers FOR EACH ROW EXECUTE FUNCTION transfers_append_only();
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers FOR EACH ROW EXECUTE FUNCTION transfers_append_only();
CREATE TRIGGER transfers_no_truncate BEFORE TRUNCATE ON transfers FOR EACH STATEMENT EXECUTE FUNCTION transfers_append_only();

CREATE TABLE read_clocks (
  account      TEXT PRIMARY KEY,
  last_beat_at BIGINT NOT NULL
);

CREATE TABLE read_sessions (
  account  TEXT NOT NULL,
  thread   TEXT NOT NULL,
  read_ms  BIGINT NOT NULL DEFAULT 0 CHECK (read_ms >= 0),
  credited BIGINT NOT NULL DEFAULT 0 CHECK (credited >= 0),
  PRIMARY KEY (account, thread)
);

CREATE TABLE reports (
  -- Insertion order, for "newest first" among reports bought in the same millisecond (SQLite's rowid).
  n         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id        TEXT PRIMARY KEY,
  account   TEXT NOT NULL,
  thread    TEXT NOT NULL,
  bought_at BIGINT NOT NULL,
  payload   TEXT NOT NULL
);
CREATE INDEX reports_by_reader ON reports (account, thread, bought_at);

CREATE TABLE post_authors (
  thread       TEXT PRIMARY KEY,
  account      TEXT NOT NULL,
  published_at BIGINT NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'thread notes (Yjs updates, appended then compacted)',
    sql: `
CREATE TABLE note_updates (
  -- An identity: ids are never reused after compaction deletes rows, so MAX(id) is a version.
  id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  thread TEXT NOT NULL,
  body   BYTEA NOT NULL,
  at     BIGINT NOT NULL
);
CREATE INDEX note_updates_thread ON note_updates (thread, id);
`,
  },
  {
    version: 5,
    name: 'comment flags',
    sql: `
CREATE TABLE flags (
  thread  TEXT NOT NULL,
  comment TEXT NOT NULL,
  user_id TEXT NOT NULL,
  reason  TEXT NOT NULL CHECK (reason IN ('spam', 'abuse', 'off-topic', 'other')),
  note    TEXT CHECK (note IS NULL OR length(note) <= 500),
  at      BIGINT NOT NULL,
  PRIMARY KEY (comment, user_id)
);

ALTER TABLE comments ADD COLUMN flag_count BIGINT NOT NULL DEFAULT 0 CHECK (flag_count >= 0);
`,
  },
  {
    version: 6,
    name: 'host-owned threads, site-scoped thread keys',
    sql: `
ALTER TABLE threads ADD COLUMN site TEXT NOT NULL DEFAULT '?';
ALTER TABLE threads ADD COLUMN origin TEXT NOT NULL DEFAULT 'legacy' CHECK (origin IN ('claim', 'admin', 'auto', 'legacy'));
ALTER TABLE threads ADD COLUMN published_at BIGINT;
ALTER TABLE threads ADD COLUMN claim_iat BIGINT;
CREATE INDEX threads_by_site ON threads (site, created_at DESC, id);
`,
  },
  {
    version: 7,
    name: 'settled comment rewards, once-ever reactions, pair periods, daily caps',
    sql: `
CREATE TABLE pending_rewards (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  site        TEXT NOT NULL,
  account     TEXT NOT NULL,
  category    TEXT NOT NULL,
  thread      TEXT NOT NULL,
  comment     TEXT NOT NULL,
  ref         TEXT NOT NULL,
  amount      BIGINT NOT NULL CHECK (amount > 0),
  created_at  BIGINT NOT NULL,
  due_at      BIGINT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'paid', 'cancelled', 'reversed')),
  paid        BIGINT NOT NULL DEFAULT 0 CHECK (paid >= 0),
  transfer_id BIGINT REFERENCES transfers(id),
  settled_at  BIGINT
);
CREATE INDEX pending_due ON pending_rewards (due_at, id) WHERE state = 'pending';
CREATE INDEX pending_by_comment ON pending_rewards (thread, comment);
CREATE INDEX pending_by_account ON pending_rewards (account, due_at) WHERE state = 'pending';
CREATE INDEX pending_by_transfer ON pending_rewards (transfer_id) WHERE transfer_id IS NOT NULL;

CREATE TABLE reaction_rewards (
  site   TEXT NOT NULL,
  giver  TEXT NOT NULL,
  target TEXT NOT NULL,
  kind   TEXT NOT NULL CHECK (kind IN ('like', 'dislike', 'plus', 'minus')),
  at     BIGINT NOT NULL,
  PRIMARY KEY (site, giver, target, kind)
);

CREATE TABLE reaction_pairs (
  site     TEXT NOT NULL,
  giver    TEXT NOT NULL,
  receiver TEXT NOT NULL,
  period   BIGINT NOT NULL,
  count    BIGINT NOT NULL CHECK (count > 0),
  PRIMARY KEY (site, giver, receiver, period)
);

CREATE TABLE daily_earnings (
  account TEXT NOT NULL,
  day     BIGINT NOT NULL,
  earned  BIGINT NOT NULL CHECK (earned >= 0),
  cap     BIGINT NOT NULL,
  PRIMARY KEY (account, day)
);

CREATE TABLE daily_mint (
  site   TEXT NOT NULL,
  day    BIGINT NOT NULL,
  shard  INTEGER NOT NULL,
  minted BIGINT NOT NULL CHECK (minted >= 0),
  budget BIGINT NOT NULL,
  PRIMARY KEY (site, day, shard)
);
`,
  },
  pgPremodMigration,
  pgNotifyMigration,
  pgFormatMigration,
  pgPortingMigration,
  pgShardsMigration,
  pgConsoleMigration,
  pgOutboxMigration,
  pgClusteredMigration,
  pgRequestsMigration,
  pgTransferTriggerMigration,
  pgShardClaimMigration,
];

export const pgLatestVersion = pgMigrations.reduce((max, m) => Math.max(max, m.version), 0);
