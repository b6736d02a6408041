import type { Migration } from './migrations.js';

/**
 * Migration 3 — the Twei ledger (DESIGN.md "Twei economy").
 *
 * Why the database itself enforces the money rules, not only the code:
 * - balances move ONLY through the trigger on `transfers`, so a balance always equals the sum of its
 *   transfers and the sum of all balances is always zero (every transfer debits and credits once);
 * - a reader's balance has a CHECK >= 0, so a bug that forgets to check funds aborts the whole
 *   transaction instead of leaving a negative balance (a treasury may go negative: it mints);
 * - transfers are append-only (UPDATE and DELETE raise), an undo is a new row that `reverses` the
 *   original, and `reverses` is UNIQUE so one transfer is never reversed twice.
 */
export const economyMigration: Migration = {
  version: 3,
  name: 'twei ledger, read sessions, reports, post authors',
  sql: `
-- One treasury per site and one account per reader and site (ids made by economy/accounts.ts).
CREATE TABLE accounts (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('reader', 'treasury')),
  balance    INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  CHECK (kind = 'treasury' OR balance >= 0)
) STRICT;

CREATE TABLE transfers (
  id           INTEGER PRIMARY KEY,
  from_account TEXT NOT NULL REFERENCES accounts(id),
  to_account   TEXT NOT NULL REFERENCES accounts(id),
  -- 0 only for an undo that could take nothing back (see economy/ledger-book.ts): it closes the original.
  amount       INTEGER NOT NULL CHECK (amount > 0 OR (amount = 0 AND reverses IS NOT NULL)),
  category     TEXT NOT NULL,
  thread       TEXT,
  ref          TEXT,
  request_id   TEXT,
  reverses     INTEGER UNIQUE REFERENCES transfers(id),
  at           INTEGER NOT NULL,
  CHECK (from_account <> to_account)
) STRICT;

CREATE INDEX transfers_from ON transfers (from_account, thread, category);
CREATE INDEX transfers_to ON transfers (to_account, thread, category);
CREATE INDEX transfers_ref ON transfers (ref) WHERE ref IS NOT NULL;

CREATE TRIGGER transfers_move_balances AFTER INSERT ON transfers BEGIN
  UPDATE accounts SET balance = balance - NEW.amount WHERE id = NEW.from_account;
  UPDATE accounts SET balance = balance + NEW.amount WHERE id = NEW.to_account;
END;
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers BEGIN
  SELECT RAISE(ABORT, 'transfers are append-only');
END;
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers BEGIN
  SELECT RAISE(ABORT, 'transfers are append-only');
END;

-- A reader's one reading clock across all posts and tabs: the last heartbeat the server accepted.
CREATE TABLE read_clocks (
  account      TEXT PRIMARY KEY,
  last_beat_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- One row per reader and post: the server-measured reading time and what it has paid for it.
CREATE TABLE read_sessions (
  account  TEXT NOT NULL,
  thread   TEXT NOT NULL,
  read_ms  INTEGER NOT NULL DEFAULT 0 CHECK (read_ms >= 0),
  credited INTEGER NOT NULL DEFAULT 0 CHECK (credited >= 0),
  PRIMARY KEY (account, thread)
) STRICT, WITHOUT ROWID;

CREATE TABLE reports (
  id        TEXT PRIMARY KEY,
  account   TEXT NOT NULL,
  thread    TEXT NOT NULL,
  bought_at INTEGER NOT NULL,
  payload   TEXT NOT NULL
) STRICT;
CREATE INDEX reports_by_reader ON reports (account, thread, bought_at);

-- Who wrote the post a thread discusses (an account id): set once, when staff publish the thread.
CREATE TABLE post_authors (
  thread       TEXT PRIMARY KEY,
  account      TEXT NOT NULL,
  published_at INTEGER NOT NULL
) STRICT;
`,
};
