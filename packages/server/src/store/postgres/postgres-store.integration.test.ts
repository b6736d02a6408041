/**
 * The store, ledger and notes conformance suites against the real PostgreSQL (127.0.0.1:5432, or
 * PARLEY_TEST_DATABASE_URL). Each run creates a database of its own (random name) and drops it
 * afterwards; each store the suites open gets a fresh schema in it, so every test starts empty.
 */
import { describeDeliveryConformance } from '../delivery-conformance.js';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { describeLedgerConformance } from '../ledger-conformance.js';
import { describeNotesConformance } from '../notes-conformance.js';
import { describeFormatConformance } from '../format-conformance.js';
import { describeStoreConformance } from '../store-conformance.js';
import { rendezvous } from '../race.js';
import { pgLatestVersion, pgMigrations } from './pg-migrations.js';
import { PostgresStore } from './postgres-store.js';
import { pageSql } from './postgres-tx.js';

const BASE_URL = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const database = `parley_test_${process.pid}_${randomBytes(4).toString('hex')}`;
const runUrl = (() => {
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
})();

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin((client) => client.query(`CREATE DATABASE ${database}`));
});

afterAll(async () => {
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
});

let schemas = 0;
/** A fresh, empty, migrated store: a new schema in this run's database. */
const openFresh = (options: { poolSize?: number } = {}) => PostgresStore.open({ url: runUrl, schema: `s${++schemas}`, ...options });

describeStoreConformance('postgres', () => openFresh());
describeLedgerConformance('postgres', () => openFresh());
describeNotesConformance('postgres', () => openFresh());
describeDeliveryConformance('postgres', () => openFresh());
describeFormatConformance('postgres', () => openFresh());

/** A client on this run's database with `schema` first on its search_path. */
async function raw<T>(schema: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: runUrl, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const grant = (from: string, to: string, amount: number) => ({
  from,
  to,
  amount,
  category: 'grant' as const,
  thread: null,
  ref: null,
  requestId: null,
  reverses: null,
  at: 1,
});

describe('PostgresStore', () => {
  it('migrates to the latest version once, recording each version in schema_migrations', async () => {
    const schema = `s${++schemas}`;
    const first = await PostgresStore.open({ url: runUrl, schema });
    expect(await first.schemaVersion()).toBe(pgLatestVersion);
    await first.close();
    const second = await PostgresStore.open({ url: runUrl, schema });
    onTestFinished(() => second.close());
    expect(await second.schemaVersion()).toBe(pgLatestVersion);
    const versions = await raw(schema, async (c) => (await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows);
    expect(versions.map((row: { version: number }) => row.version)).toEqual(pgMigrations.map((m) => m.version));
  });

  it('nodes starting together apply each migration once', async () => {
    const schema = `s${++schemas}`;
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ url: runUrl, schema })));
    onTestFinished(() => Promise.all(stores.map((s) => s.close())).then(() => undefined));
    expect(await Promise.all(stores.map((s) => s.schemaVersion()))).toEqual([pgLatestVersion, pgLatestVersion, pgLatestVersion]);
  });

  it('fails loudly when the database cannot be reached', async () => {
    await expect(PostgresStore.open({ url: 'postgres://postgres@127.0.0.1:1/nothing' })).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it('every page query is one index range scan, never a sort or a scan of the table', async () => {
    const schema = `s${++schemas}`;
    const store = await PostgresStore.open({ url: runUrl, schema });
    onTestFinished(() => store.close());
    const params: Record<keyof typeof pageSql, unknown[]> = {
      rootsTopFirst: ['s:t', 20],
      rootsTopAfter: ['s:t', 3, 10, 20],
      rootsNew: ['s:t', 10, 20],
      rootsOld: ['s:t', 10, 20],
      replies: ['s:t', 'r', 10, 20],
      listEvents: ['s:t', 10, 20],
    };
    await raw(schema, async (c) => {
      // On an empty table any plan is cheap; what matters is that an index CAN serve the query in order.
      await c.query('SET enable_seqscan = off');
      await c.query('SET enable_sort = off');
      for (const [name, text] of Object.entries(pageSql) as [keyof typeof pageSql, string][]) {
        const { rows } = await c.query(`EXPLAIN ${text}`, params[name]);
        const plan = rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
        expect({ name, plan }).toEqual({ name, plan: expect.stringMatching(/Index (Only )?Scan( Backward)? using (comments_roots_top|comments_roots_seq|comments_replies|events_pkey)/) });
        expect({ name, plan }).toEqual({ name, plan: expect.not.stringMatching(/Seq Scan|Sort/) });
      }
    });
  });

  it('[LED-3] UPDATE, DELETE and TRUNCATE on transfers raise; [LED-2] a negative reader balance violates a CHECK', async () => {
    const schema = `s${++schemas}`;
    const store = await PostgresStore.open({ url: runUrl, schema });
    onTestFinished(() => store.close());
    await store.write(async (tx) => {
      await tx.ledger.openAccount('t:s', 'treasury', 1);
      await tx.ledger.openAccount('r:s:ann', 'reader', 1);
      await tx.ledger.transfer(grant('t:s', 'r:s:ann', 2));
    });
    await raw(schema, async (c) => {
      await expect(c.query('UPDATE transfers SET amount = 500')).rejects.toThrow(/append-only/);
      await expect(c.query('DELETE FROM transfers')).rejects.toThrow(/append-only/);
      await expect(c.query('TRUNCATE transfers CASCADE')).rejects.toThrow(/append-only/);
      await expect(c.query("UPDATE accounts SET balance = -1 WHERE id = 'r:s:ann'")).rejects.toThrow(/check constraint/);
      // A treasury's balance lives in its shards, never on its account row.
      await expect(c.query("UPDATE accounts SET balance = 5 WHERE id = 't:s'")).rejects.toThrow(/check constraint/);
    });
    expect(Object.fromEntries(await store.read((tx) => tx.ledger.allBalances()))).toEqual({ 't:s': -2, 'r:s:ann': 2 });
  });

  it('[ST-27] no hot treasury row: money moves of one site on two connections commit side by side, with no retry', async () => {
    const store = await openFresh({ poolSize: 4 });
    onTestFinished(() => store.close());
    await store.write(async (tx) => {
      await tx.ledger.openAccount('t:s', 'treasury', 1);
      for (const reader of ['r:s:a', 'r:s:b']) await tx.ledger.openAccount(reader, 'reader', 1);
    });
    const before = { ...store.stats };
    for (let round = 0; round < 5; round++) {
      const meet = rendezvous(2, 2000);
      // Both have moved the site's money before either commits: on one treasury row the second would wait, then fail.
      await Promise.all(
        ['r:s:a', 'r:s:b'].map((reader) =>
          store.write(async (tx) => {
            await tx.ledger.transfer(grant('t:s', reader, 1));
            await meet();
          }),
        ),
      );
    }
    expect(store.stats.retries - before.retries).toBe(0);
    const balances = await store.read((tx) => tx.ledger.allBalances());
    expect(Object.fromEntries(balances)).toEqual({ 't:s': -10, 'r:s:a': 5, 'r:s:b': 5 });
    const shards = await raw(`s${schemas}`, async (c) => (await c.query("SELECT count(*)::int AS n FROM treasury_shards WHERE account = 't:s'")).rows[0]);
    expect(shards.n).toBeGreaterThan(1);
  });

  it('[ST-27] two nodes of ten connections each claim twenty different treasury shards: all their money moves commit side by side', async () => {
    const first = await openFresh({ poolSize: 10 });
    onTestFinished(() => first.close());
    const second = await PostgresStore.open({ url: runUrl, schema: `s${schemas}`, poolSize: 10 });
    onTestFinished(() => second.close());
    const readers = Array.from({ length: 20 }, (_, i) => `r:s:${i}`);
    await first.write(async (tx) => {
      await tx.ledger.openAccount('t:s', 'treasury', 1);
      for (const reader of readers) await tx.ledger.openAccount(reader, 'reader', 1);
    });
    const before = [first.stats.retries, second.stats.retries];
    // All twenty transactions have moved the site's money before any commits: two on one shard row would wait, then re-run.
    const meet = rendezvous(20, 3000);
    await Promise.all(
      readers.map((reader, i) =>
        (i % 2 ? second : first).write(async (tx) => {
          await tx.ledger.transfer(grant('t:s', reader, 1));
          await meet();
        }),
      ),
    );
    expect([first.stats.retries - before[0]!, second.stats.retries - before[1]!]).toEqual([0, 0]);
    const shards = await raw(`s${schemas}`, async (c) => (await c.query("SELECT count(*)::int AS n, sum(balance)::int AS sum FROM treasury_shards WHERE account = 't:s'")).rows[0]);
    expect(shards).toEqual({ n: 20, sum: -20 });
  });

  it('[ST-21] a serialization failure re-runs the whole transaction; a command error is not retried', async () => {
    const store = await openFresh({ poolSize: 4 });
    onTestFinished(() => store.close());
    await store.write((tx) => tx.ensureThread('t', null, null, 1));
    const before = { ...store.stats };
    const meet = rendezvous(2, 2000);
    let runs = 0;
    const bump = () =>
      store.write(async (tx) => {
        runs += 1;
        await tx.getThread('t');
        await meet();
        return tx.nextSeq('t');
      });
    expect((await Promise.all([bump(), bump()])).sort()).toEqual([1, 2]);
    expect(runs).toBe(3);
    expect(store.stats.retries - before.retries).toBe(1);
    let failing = 0;
    await expect(
      store.write(async () => {
        failing += 1;
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(failing).toBe(1);
  });

  it('[ST-21] a writer that keeps losing runs alone, so eight writers on one hot row all commit within three runs', async () => {
    const store = await PostgresStore.open({ url: runUrl, schema: `s${++schemas}`, poolSize: 8, aloneAfter: 1, maxAttempts: 3 });
    onTestFinished(() => store.close());
    await store.write((tx) => tx.ensureThread('t', null, null, 1));
    const meet = rendezvous(8, 2000);
    const seqs = await Promise.all(
      Array.from({ length: 8 }, () =>
        store.write(async (tx) => {
          await tx.getThread('t');
          await meet();
          return tx.nextSeq('t');
        }),
      ),
    );
    expect(seqs.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(store.stats.alone).toBeGreaterThan(0);
  });

  it('[ST-21] losers take turns among themselves: a loser in its turn holds back the next loser, on any node, but no first run', async () => {
    const schema = `s${++schemas}`;
    // Node a's every run is in the losers' turn (turnsAfter 0); node b's first runs are ordinary.
    const a = await PostgresStore.open({ url: runUrl, schema, poolSize: 4, turnsAfter: 0, aloneAfter: 10 });
    const b = await PostgresStore.open({ url: runUrl, schema, poolSize: 4 });
    onTestFinished(async () => {
      await a.close();
      await b.close();
    });
    await a.write(async (tx) => {
      await tx.ensureThread('t1', null, null, 1);
      await tx.ensureThread('t2', null, null, 1);
    });
    const watcher = new pg.Client({ connectionString: runUrl });
    await watcher.connect();
    onTestFinished(() => watcher.end());
    const waitingForGate = async () =>
      Number((await watcher.query(`SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND relation = '${schema}.write_gate'::regclass`)).rows[0].n);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    const first = a.write(async (tx) => {
      await tx.nextSeq('t1'); // its BEGIN and the gate's lock travelled with this statement: the gate is held
      holding = true;
      await released; // holds its turn until the first run of node b has committed
      return 'first';
    });
    while (!holding) await new Promise((r) => setTimeout(r, 5));
    let secondDone = false;
    const second = a.write((tx) => tx.nextSeq('t2')).finally(() => (secondDone = true));
    // The second loser waits for the gate (its BEGIN and LOCK went; the lock is not granted).
    while ((await waitingForGate()) < 1) await new Promise((r) => setTimeout(r, 5));
    // A first run on node b is not held back by the loser in its turn: it commits now.
    expect(await b.write((tx) => tx.nextSeq('t2'))).toBe(1);
    expect(secondDone).toBe(false);
    release();
    expect(await first).toBe('first');
    expect(await second).toBe(2);
    expect(a.stats.losers).toBe(3); // the threads' setup, then the two writes
    expect(a.stats.alone).toBe(0);
  });

  it('[ST-21] opposite transfers between two readers neither deadlock-wait nor fail: accounts are locked in id order', async () => {
    const store = await openFresh({ poolSize: 4 });
    onTestFinished(() => store.close());
    await store.write(async (tx) => {
      await tx.ledger.openAccount('t:s', 'treasury', 1);
      for (const reader of ['r:s:a', 'r:s:b']) {
        await tx.ledger.openAccount(reader, 'reader', 1);
        await tx.ledger.transfer(grant('t:s', reader, 10));
      }
    });
    for (let round = 0; round < 5; round++) {
      await Promise.all([
        store.write((tx) => tx.ledger.transfer(grant('r:s:a', 'r:s:b', 1))),
        store.write((tx) => tx.ledger.transfer(grant('r:s:b', 'r:s:a', 1))),
      ]);
    }
    // Counted, not timed: PostgreSQL names a deadlock's victim (40P01); ordered locks leave none.
    expect(store.stats.deadlocks).toBe(0);
    expect(Object.fromEntries(await store.read((tx) => tx.ledger.allBalances()))).toMatchObject({ 'r:s:a': 10, 'r:s:b': 10 });
  });
});
