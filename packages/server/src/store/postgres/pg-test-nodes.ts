/**
 * Test-only (imported by *.test.ts): "nodes" — PostgresStores over one schema of a test database —
 * and looks into PostgreSQL's locks, for the thread-turn tests (hot-rows, thread-batches).
 */
import pg from 'pg';
import { onTestFinished } from 'vitest';
import type { ThreadEvent } from '@parley/protocol';
import { PostgresStore, type PostgresStoreOptions } from './postgres-store.js';

let schemas = 0;

/** `count` stores over a schema of their own with thread `t`, closed when the test ends. */
export async function nodesOn(
  url: string,
  count: number,
  options: Partial<PostgresStoreOptions> = {},
): Promise<{ stores: PostgresStore[]; schema: string }> {
  const schema = `h${process.pid}_${++schemas}`;
  const stores: PostgresStore[] = [];
  for (let i = 0; i < count; i++) stores.push(await PostgresStore.open({ url, schema, poolSize: 4, ...options }));
  onTestFinished(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });
  await stores[0]!.write((tx) => tx.ensureThread('t', null, null, 1));
  return { stores, schema };
}

export const event = (seq: number, text = 'x'): ThreadEvent =>
  ({ type: 'comment.deleted', thread: 't', seq, at: 1, commentId: text }) as unknown as ThreadEvent;

export async function raw<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Turn locks (CLUSTER-12's advisory class) requested and not yet granted: writers waiting inside PostgreSQL. */
export const waitingTurns = (url: string): Promise<number> =>
  raw(url, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 7246618 AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows[0]!.n;
  });

export async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${what}`);
}
