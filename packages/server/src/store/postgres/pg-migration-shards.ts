import type { PgMigration } from './pg-migrations.js';

/** Migration 12 — a treasury shard per pool connection (ST-27). */
export const pgShardsMigration: PgMigration = {
  version: 12,
  name: 'treasury shard per pool connection',
  // ST-27: pg_backend_pid() % 16 let two connections of one pool land on one shard row (a hot row
  // and a serialization retry one time in sixteen); the store numbers its connections in turn.
  sql: `
CREATE OR REPLACE FUNCTION ledger_move(account_id TEXT, delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF delta = 0 THEN RETURN; END IF;
  IF (SELECT kind FROM accounts WHERE id = account_id) = 'treasury' THEN
    INSERT INTO treasury_shards (account, shard, balance)
      VALUES (account_id, COALESCE(NULLIF(current_setting('parley.shard', true), '')::int % 16, pg_backend_pid() % 16), delta)
      ON CONFLICT (account, shard) DO UPDATE SET balance = treasury_shards.balance + EXCLUDED.balance;
  ELSE
    UPDATE accounts SET balance = balance + delta WHERE id = account_id;
  END IF;
END $$;
`,
};
