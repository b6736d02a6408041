import { moveBalancesFunction } from './pg-migration-transfer-trigger.js';
import type { PgMigration } from './pg-migrations.js';

/** Shards per treasury account from migration 18 on (`treasury_shards.shard`). */
export const TREASURY_SHARDS = 64;

/** The advisory-lock class of treasury shards' claims (the two-key space, beside the threads' turns). */
export const SHARD_LOCK_CLASS = 7246619;

/**
 * Migration 18 — [ST-27] a treasury shard claimed cluster-wide. Before, each node numbered its own
 * pool's connections from a random start over 16 shards: two nodes of ten connections each shared
 * at least four shard rows, so the site's money moves on both nodes (a tribute, a paid like, a
 * reading credit) collided there and re-ran — the commonest conflict left at two nodes × 2,000
 * readers. Now a connection claims its shard with a session advisory lock, the first free one from
 * the node's start over 64: while 64 connections or fewer write, no two share a row, whichever node
 * they belong to. The lock lives as long as the connection, so a node that dies frees its shards.
 * Past 64 connections one is shared again (still correct: a shared row only makes writers wait or
 * re-run). The claim sets `parley.shard` for the session and returns the shard, in one round trip.
 */
export const pgShardClaimMigration: PgMigration = {
  version: 18,
  name: 'treasury shard claimed by an advisory lock, 64 shards',
  sql: `ALTER TABLE treasury_shards DROP CONSTRAINT treasury_shards_shard_check;
ALTER TABLE treasury_shards ADD CONSTRAINT treasury_shards_shard_check CHECK (shard >= 0 AND shard < ${TREASURY_SHARDS});
${moveBalancesFunction(TREASURY_SHARDS)}
CREATE FUNCTION treasury_shard_claim(start INT) RETURNS INT LANGUAGE plpgsql AS $$
DECLARE
  s INT;
BEGIN
  FOR i IN 0..${TREASURY_SHARDS - 1} LOOP
    s := (start + i) % ${TREASURY_SHARDS};
    IF pg_try_advisory_lock(${SHARD_LOCK_CLASS}, s) THEN
      PERFORM set_config('parley.shard', s::text, false);
      RETURN s;
    END IF;
  END LOOP;
  s := start % ${TREASURY_SHARDS};
  PERFORM set_config('parley.shard', s::text, false);
  RETURN s;
END $$;
`,
};
