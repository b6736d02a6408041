import type { Migration } from './migrations.js';

/**
 * Migration 7 — an economy that cannot be farmed (issue 9; SPEC SETTLE-*, REACT-*, CAP-*, DEBT-*).
 *
 * - `pending_rewards`: every reward tied to a comment (Comment Rewards, and the rewards of the
 *   reactions it receives) waits here until the comment has survived the settlement window. A row
 *   goes `pending` → `paid` (with the transfer that paid it and the amount, which the caps may have
 *   cut) or `cancelled`; a `paid` row goes `reversed` when the comment is deleted or hidden later.
 *   The settle step reads due rows through `pending_due` and changes each row once, so running it
 *   twice (two timers, two nodes, a lazy settle beside the timer) pays nothing twice.
 * - `reaction_rewards`: one row per (site, giver, target, kind), written the first time a giver
 *   likes / dislikes a comment or pluses / minuses a post — the row is the proof it paid (or cost)
 *   once, ever: taking the reaction back and giving it again finds the row and moves nothing.
 * - `reaction_pairs`: how many reactions a giver gave a receiver in one period (diminishing
 *   rewards, and reciprocity: a receiver who already rewarded the giver this period).
 * - `daily_earnings` / `daily_mint`: what a reader earned and what a site's treasury minted per
 *   UTC day, with the cap / budget in force when the row last moved (so `parley audit` checks them
 *   without the server's configuration). The mint counter is split into shards by reader, so no
 *   single row is written by every paying transaction of a busy site (DESIGN.md "no hot rows").
 * - A reader's debt is a ledger account `d:<site>:<user>` of kind 'treasury' (the kind that may go
 *   negative; its balance is minus what the reader owes), so debts stay inside the double entry.
 *
 * Plain SQL types and ON CONFLICT upserts, so a PostgreSQL store can use the same statements (STRICT
 * and WITHOUT ROWID are SQLite's; drop them there).
 */
export const settlementMigration: Migration = {
  version: 7,
  name: 'settled comment rewards, once-ever reactions, pair periods, daily caps',
  sql: `
CREATE TABLE pending_rewards (
  id          INTEGER PRIMARY KEY,
  site        TEXT NOT NULL,
  account     TEXT NOT NULL,
  category    TEXT NOT NULL,
  thread      TEXT NOT NULL,
  comment     TEXT NOT NULL,
  ref         TEXT NOT NULL,
  amount      INTEGER NOT NULL CHECK (amount > 0),
  created_at  INTEGER NOT NULL,
  due_at      INTEGER NOT NULL,
  state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'paid', 'cancelled', 'reversed')),
  paid        INTEGER NOT NULL DEFAULT 0 CHECK (paid >= 0),
  transfer_id INTEGER REFERENCES transfers(id),
  settled_at  INTEGER
) STRICT;
CREATE INDEX pending_due ON pending_rewards (due_at, id) WHERE state = 'pending';
CREATE INDEX pending_by_comment ON pending_rewards (thread, comment);
CREATE INDEX pending_by_account ON pending_rewards (account, due_at) WHERE state = 'pending';
-- Inserting a transfer checks that no pending reward points at a missing one (the foreign key): by index, not by scan.
CREATE INDEX pending_by_transfer ON pending_rewards (transfer_id) WHERE transfer_id IS NOT NULL;

CREATE TABLE reaction_rewards (
  site   TEXT NOT NULL,
  giver  TEXT NOT NULL,
  target TEXT NOT NULL,
  kind   TEXT NOT NULL CHECK (kind IN ('like', 'dislike', 'plus', 'minus')),
  at     INTEGER NOT NULL,
  PRIMARY KEY (site, giver, target, kind)
) STRICT, WITHOUT ROWID;

CREATE TABLE reaction_pairs (
  site     TEXT NOT NULL,
  giver    TEXT NOT NULL,
  receiver TEXT NOT NULL,
  period   INTEGER NOT NULL,
  count    INTEGER NOT NULL CHECK (count > 0),
  PRIMARY KEY (site, giver, receiver, period)
) STRICT, WITHOUT ROWID;

CREATE TABLE daily_earnings (
  account TEXT NOT NULL,
  day     INTEGER NOT NULL,
  earned  INTEGER NOT NULL CHECK (earned >= 0),
  cap     INTEGER NOT NULL,
  PRIMARY KEY (account, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE daily_mint (
  site   TEXT NOT NULL,
  day    INTEGER NOT NULL,
  shard  INTEGER NOT NULL,
  minted INTEGER NOT NULL CHECK (minted >= 0),
  budget INTEGER NOT NULL,
  PRIMARY KEY (site, day, shard)
) STRICT, WITHOUT ROWID;
`,
};
