import type { PgMigration } from './pg-migrations.js';

/**
 * The transfer trigger's function: each side's row updated as a reader, else the treasury's shard
 * upserted — the shard this connection claimed (`parley.shard`), out of `shards`.
 */
export const moveBalancesFunction = (shards: number): string => `
CREATE OR REPLACE FUNCTION transfers_move_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids    TEXT[];
  deltas BIGINT[];
  i      INT;
BEGIN
  IF NEW.from_account < NEW.to_account THEN
    ids := ARRAY[NEW.from_account, NEW.to_account]; deltas := ARRAY[-NEW.amount, NEW.amount];
  ELSE
    ids := ARRAY[NEW.to_account, NEW.from_account]; deltas := ARRAY[NEW.amount, -NEW.amount];
  END IF;
  FOR i IN 1..2 LOOP
    IF deltas[i] = 0 THEN
      PERFORM 1 FROM accounts WHERE id = ids[i];
      IF NOT FOUND THEN
        RAISE foreign_key_violation USING MESSAGE = format('transfer names account %s, which does not exist', ids[i]);
      END IF;
      CONTINUE;
    END IF;
    UPDATE accounts SET balance = balance + deltas[i] WHERE id = ids[i] AND kind = 'reader';
    IF NOT FOUND THEN
      INSERT INTO treasury_shards (account, shard, balance)
        VALUES (ids[i], COALESCE(NULLIF(current_setting('parley.shard', true), '')::int % ${shards}, pg_backend_pid() % ${shards}), deltas[i])
        ON CONFLICT (account, shard) DO UPDATE SET balance = treasury_shards.balance + EXCLUDED.balance;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
`;

/**
 * Migration 17 — [HOT-13] the transfer trigger folded: fewer statements inside a transfer's INSERT,
 * which every post (the tribute) and every paid like runs inside its thread's turn.
 *
 * Before, each transfer ran `ledger_move` twice (a PERFORM each), and each asked the account's kind
 * (`SELECT kind`) before it updated the reader's row or upserted the treasury's shard, then the two
 * foreign keys' RI checks read both accounts again (`SELECT 1 … FOR KEY SHARE`): eight statements.
 * Now the trigger updates each side's row as a reader (`WHERE id = … AND kind = 'reader'`) and only
 * when that finds none upserts the treasury's shard: two statements for a transfer between readers,
 * three for a reader and a treasury. Still in id order (one lock order for everyone, as before).
 *
 * The foreign keys of `from_account` and `to_account` go: the trigger itself proves both accounts
 * exist — a reader's UPDATE found its row; otherwise the shard upsert, whose own foreign key
 * (`treasury_shards.account`) refuses an id with no account with the same SQLSTATE (23503) the
 * transfer's keys gave; a shard row found on conflict was itself checked when it was made, and
 * accounts are never deleted. A zero-amount reversal moves nothing, so it checks both ids itself.
 */
export const pgTransferTriggerMigration: PgMigration = {
  version: 17,
  name: 'transfer trigger folded',
  sql: `${moveBalancesFunction(16)}DROP FUNCTION ledger_move(TEXT, BIGINT);
ALTER TABLE transfers DROP CONSTRAINT transfers_from_account_fkey;
ALTER TABLE transfers DROP CONSTRAINT transfers_to_account_fkey;
`,
};
