/**
 * [HOT-13] The folded transfer trigger (migration 17) on the real PostgreSQL: balances move as they
 * did, an account that does not exist is still refused, and a transfer reads `accounts` twice.
 */
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PostgresStore } from './postgres-store.js';
import { testDatabase } from './test-database.js';

const { url } = testDatabase('parley_trigger');
let schemas = 0;

async function fresh(): Promise<{ store: PostgresStore; client: pg.Client }> {
  const schema = `s${++schemas}`;
  const store = await PostgresStore.open({ url, schema });
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  onTestFinished(async () => (await client.end(), await store.close()));
  await store.write(async (tx) => {
    await tx.ledger.openAccount('t:s', 'treasury', 1);
    for (const reader of ['r:s:ann', 'r:s:bob']) await tx.ledger.openAccount(reader, 'reader', 1);
  });
  return { store, client };
}

const move = (from: string, to: string, amount: number, reverses: number | null = null) => ({
  from,
  to,
  amount,
  category: 'grant' as const,
  thread: null,
  ref: null,
  requestId: null,
  reverses,
  at: 1,
});

const insert = (from: string, to: string, amount: number, reverses: number | null = null) =>
  `INSERT INTO transfers (from_account, to_account, amount, category, at, reverses) VALUES ('${from}', '${to}', ${amount}, 'grant', 1, ${reverses ?? 'NULL'})`;

describe('the transfer trigger on PostgreSQL', () => {
  it('[HOT-13] balances move in both directions between readers and a treasury, the treasury in its shards; an overdraft is still refused', async () => {
    const { store, client } = await fresh();
    await store.write(async (tx) => {
      await tx.ledger.transfer(move('t:s', 'r:s:ann', 10));
      await tx.ledger.transfer(move('r:s:ann', 'r:s:bob', 4));
      await tx.ledger.transfer(move('r:s:bob', 't:s', 1));
      await tx.ledger.transfer(move('r:s:bob', 'r:s:ann', 2));
    });
    expect(Object.fromEntries(await store.read((tx) => tx.ledger.allBalances()))).toEqual({ 't:s': -9, 'r:s:ann': 8, 'r:s:bob': 1 });
    expect((await client.query("SELECT balance FROM accounts WHERE id = 't:s'")).rows).toEqual([{ balance: '0' }]);
    await expect(client.query(insert('r:s:bob', 'r:s:ann', 2))).rejects.toMatchObject({ code: '23514' });
    await expect(client.query(insert('r:s:bob', 't:s', 2))).rejects.toMatchObject({ code: '23514' });
    expect(Object.fromEntries(await store.read((tx) => tx.ledger.allBalances()))).toEqual({ 't:s': -9, 'r:s:ann': 8, 'r:s:bob': 1 });
  });

  it('[HOT-13] a transfer naming an account that does not exist, on either side and in either id order, or in a zero-amount reversal, is refused and moves nothing', async () => {
    const { store, client } = await fresh();
    await store.write((tx) => tx.ledger.transfer(move('t:s', 'r:s:ann', 10)));
    const first = Number((await client.query('SELECT min(id) AS id FROM transfers')).rows[0].id);
    for (const [from, to] of [
      ['r:s:ann', 'r:s:zed'], // unknown after, as the receiver
      ['r:s:ann', 'r:s:aaa'], // unknown first in id order
      ['r:s:zed', 'r:s:ann'], // unknown as the payer
      ['t:s', 'r:s:zed'],
      ['r:s:zed', 't:s'],
      ['t:zzz', 'r:s:ann'],
    ] as const) {
      await expect(client.query(insert(from, to, 1))).rejects.toMatchObject({ code: '23503' });
    }
    await expect(client.query(insert('r:s:ann', 'r:s:zed', 0, first))).rejects.toMatchObject({ code: '23503' });
    await expect(client.query(insert('r:s:aaa', 't:s', 0, first))).rejects.toMatchObject({ code: '23503' });
    await client.query(insert('r:s:ann', 't:s', 0, first));
    expect((await client.query('SELECT count(*)::int AS n FROM transfers')).rows).toEqual([{ n: 2 }]);
    expect(Object.fromEntries(await store.read((tx) => tx.ledger.allBalances()))).toEqual({ 't:s': -10, 'r:s:ann': 10, 'r:s:bob': 0 });
  });

  it('[HOT-13] a transfer looks `accounts` up twice: once a side, no kind read and no foreign-key check beside its updates', async () => {
    const { store, client } = await fresh();
    await store.write((tx) => tx.ledger.transfer(move('t:s', 'r:s:ann', 10)));
    const lookups = async (sql: string): Promise<number> => {
      await client.query('BEGIN');
      try {
        const before = Number((await client.query("SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0) AS n FROM pg_stat_xact_user_tables WHERE relid = 'accounts'::regclass")).rows[0].n);
        await client.query(sql);
        const after = Number((await client.query("SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0) AS n FROM pg_stat_xact_user_tables WHERE relid = 'accounts'::regclass")).rows[0].n);
        return after - before;
      } finally {
        await client.query('ROLLBACK');
      }
    };
    // This connection's treasury shard row made first (a new shard row's own foreign key reads the account once more).
    await client.query(insert('r:s:ann', 't:s', 1));
    // Before migration 17: a kind read, an update and a foreign-key check a side — 6.
    expect(await lookups(insert('r:s:ann', 'r:s:bob', 1))).toBe(2);
    expect(await lookups(insert('r:s:ann', 't:s', 1))).toBe(2);
    expect(await lookups(insert('t:s', 'r:s:bob', 1))).toBe(2);
  });
});
