/**
 * A PostgreSQL database of this test file's own on the real server (PARLEY_TEST_DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432/test), created before its tests and dropped after.
 * Test-only (imported by *.test.ts).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export const TEST_DATABASE_BASE_URL = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs one statement as the base connection (creating and dropping databases). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_BASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Registers the database's creation and removal on the current file; returns its name and URL. */
export function testDatabase(prefix: string): { name: string; url: string } {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = Object.assign(new URL(TEST_DATABASE_BASE_URL), { pathname: `/${name}` }).toString();
  beforeAll(() => adminQuery(`CREATE DATABASE ${name}`));
  afterAll(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return { name, url };
}
