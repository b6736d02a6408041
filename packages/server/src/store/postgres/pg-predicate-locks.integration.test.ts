/**
 * [ST-28] On the real PostgreSQL: a write transaction that reads a small table by key locks (SSI)
 * what it visited, not the whole table, so two nodes' reading batches of disjoint readers both
 * commit. Each test runs the reading batch's own statements (pg-reading.ts) on two connections at
 * once, opened as the store opens a write (`beginWrite`); the contrast opens them without
 * `SET LOCAL enable_seqscan = off`, so the test shows the rule is what makes the difference.
 */
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { beginWrite } from './pg-errors.js';
import { readingOf } from './pg-reading.js';
import type { Query } from './pg-statements.js';
import { PostgresStore } from './postgres-store.js';
import { testDatabase } from './test-database.js';

const { url } = testDatabase('parley_siread');
let schemas = 0;

/** A migrated schema of its own with `readers` reading clocks, and two connections to it. */
async function fresh(readers: number): Promise<[pg.Client, pg.Client]> {
  const schema = `s${++schemas}`;
  const store = await PostgresStore.open({ url, schema });
  await store.close();
  const clients = [0, 1].map(() => new pg.Client({ connectionString: url, options: `-c search_path=${schema}` }));
  for (const client of clients) await client.connect();
  onTestFinished(async () => void (await Promise.all(clients.map((client) => client.end()))));
  await clients[0]!.query(`INSERT INTO read_clocks (account, last_beat_at) SELECT 'r:s:' || n, 1 FROM generate_series(1, ${readers}) AS n`);
  await clients[0]!.query('ANALYZE read_clocks');
  return [clients[0]!, clients[1]!];
}

const queryOf =
  (client: pg.Client): Query =>
  async (text, values) => {
    const result = await client.query(text, values);
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  };

/** Readers `from`…`from + 31`: a batch the size of a group of beats due to write (BEAT-21). */
const readers = (from: number): string[] => Array.from({ length: 32 }, (_, n) => `r:s:${from + n}`);

/** One reading batch: read its readers' clocks, write them back — the shape of the reading tick's write. */
async function batch(client: pg.Client, begin: string, accounts: string[]): Promise<void> {
  await client.query(begin);
  await readingOf(queryOf(client), accounts, []);
  for (const account of accounts) await client.query('UPDATE read_clocks SET last_beat_at = last_beat_at + 1 WHERE account = $1', [account]);
}

/** Two batches of disjoint readers interleaved (both read, then both write, then both commit): which committed. */
async function race(begin: string): Promise<string[]> {
  const [a, b] = await fresh(2000);
  await batch(a, begin, readers(1));
  await batch(b, begin, readers(1001));
  const outcomes: string[] = [];
  for (const [name, client] of [['a', a], ['b', b]] as const) {
    try {
      await client.query('COMMIT');
      outcomes.push(`${name} committed`);
    } catch (error) {
      outcomes.push(`${name} ${(error as { code?: string }).code ?? 'failed'}`);
      await client.query('ROLLBACK');
    }
  }
  return outcomes;
}

/** The SIREAD locks `client`'s open transaction holds on `relation` by kind (relation, page, tuple). */
async function sireadKinds(observer: pg.Client, client: pg.Client, relation: string): Promise<string[]> {
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const { rows } = await observer.query<{ locktype: string }>(
    `SELECT DISTINCT locktype FROM pg_locks WHERE mode = 'SIReadLock' AND pid = $1 AND relation = $2::regclass ORDER BY locktype`,
    [pid, relation],
  );
  return rows.map((row) => row.locktype);
}

describe('predicate locks of write transactions on PostgreSQL (integration)', () => {
  it('[ST-28] a reading batch opened as the store opens a write locks no whole table, and two disjoint batches both commit', async () => {
    expect(await race(beginWrite('ROW SHARE'))).toEqual(['a committed', 'b committed']);

    const [a, observer] = await fresh(2000);
    await batch(a, beginWrite('ROW SHARE'), readers(1));
    expect(await sireadKinds(observer, a, 'read_clocks')).not.toContain('relation');
    await a.query('ROLLBACK');
  });

  it('[ST-28] the contrast: the same batches opened without it read the small table whole, and one of them must run again', async () => {
    const plain = 'BEGIN ISOLATION LEVEL SERIALIZABLE; LOCK TABLE write_gate IN ROW SHARE MODE';
    expect(await race(plain)).toEqual(['a committed', 'b 40001']);

    const [a, observer] = await fresh(2000);
    await batch(a, plain, readers(1));
    expect(await sireadKinds(observer, a, 'read_clocks')).toContain('relation');
    await a.query('ROLLBACK');
  });
});
