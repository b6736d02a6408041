/** Applying the PostgreSQL migrations on open, or (read-only tools) checking that they were (postgres-store.ts). */
import pg from 'pg';
import { pgMigrations } from './pg-migrations.js';

/** Without migrating: the schema must be there and the latest (a read-only tool must not guess). */
export async function checkSchema(pool: pg.Pool): Promise<void> {
  const latest = Math.max(...pgMigrations.map((m) => m.version));
  const { rows } = await pool.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  const version = rows[0]?.present
    ? ((await pool.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations')).rows[0]?.version ?? 0)
    : 0;
  if (version === 0) throw new Error('it holds no Parley schema (is it the database `parley serve` uses?)');
  if (version !== latest) throw new Error(`its schema is at version ${version}, this parley expects ${latest}: run \`parley migrate\` with this version first`);
}

/**
 * Applies the missing migrations, each in its own transaction with its `schema_migrations` row.
 * Nodes starting together take turns on a session advisory lock, so each version is applied once.
 */
export async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    // The lock first: two nodes creating the same schema at once would collide even with IF NOT EXISTS.
    await client.query('SELECT pg_advisory_lock(7246617)');
    try {
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.version));
      for (const migration of pgMigrations) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${migration.version} (${migration.name}) failed: ${String(error)}`, { cause: error });
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(7246617)');
    }
  } finally {
    client.release();
  }
}
