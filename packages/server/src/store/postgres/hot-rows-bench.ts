/**
 * Hot rows, measured (issue 11 item 3): several "nodes" (one PostgresStore, i.e. one pool, each)
 * post and like through the real commands, against the real PostgreSQL, in a database of its own.
 *
 *   node packages/server/dist/store/postgres/hot-rows-bench.js [--seconds 5] [--nodes 2] [--inflight 2]
 *
 * Each scenario runs three times: "one treasury row" (the balance of a site's treasury on one row and the
 * transfer trigger locking accounts in from→to order, as SQLite's design), "sharded" (this store's
 * schema: per-connection treasury shards, accounts in id order), and "sharded + turns" (writers of one
 * thread take turns before their transaction begins, as the dispatcher's write scope does: CLUSTER-12). Scenarios: every writer on ONE thread,
 * and each writer on a thread of its own (one site, so one treasury). Reports committed commands per
 * second, serialization / deadlock re-runs per command, and failures.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createCommandContext, type CommandContext } from '../../commands/context.js';
import { postComment } from '../../commands/post-comment.js';
import { reactComment } from '../../commands/react-comment.js';
import { applyThreadSpec } from '../../commands/threads.js';
import type { Identity } from '../../domain/identity.js';
import { EconomyDirectory } from '../../economy/rules.js';
import { writeScope } from '../write-scope.js';
import { PostgresStore } from './postgres-store.js';

/** SQLite's design on PostgreSQL: one balance row per treasury, accounts locked from → to. */
const ONE_TREASURY_ROW = `
CREATE OR REPLACE FUNCTION ledger_move(account_id TEXT, delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF delta = 0 THEN RETURN; END IF;
  IF (SELECT kind FROM accounts WHERE id = account_id) = 'treasury' THEN
    INSERT INTO treasury_shards (account, shard, balance) VALUES (account_id, 0, delta)
      ON CONFLICT (account, shard) DO UPDATE SET balance = treasury_shards.balance + EXCLUDED.balance;
  ELSE
    UPDATE accounts SET balance = balance + delta WHERE id = account_id;
  END IF;
END $$;
CREATE OR REPLACE FUNCTION transfers_move_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ledger_move(NEW.from_account, -NEW.amount);
  PERFORM ledger_move(NEW.to_account, NEW.amount);
  RETURN NULL;
END $$;`;

export interface BenchResult {
  design: string;
  scenario: string;
  commands: number;
  perSecond: number;
  retriesPerCommand: number;
  failures: number;
  failureCodes: Record<string, number>;
}

const reader = (n: number): Identity => ({ id: `u${n}`, name: `U${n}`, avatar: null, level: 13, role: 'reader' });

async function scenario(
  url: string,
  design: 'one treasury row' | 'sharded' | 'sharded + turns',
  shape: 'one thread' | 'a thread each',
  options: BenchOptions,
): Promise<BenchResult> {
  const schema = `b_${randomBytes(4).toString('hex')}`;
  const stores = await Promise.all(
    Array.from({ length: options.nodes }, () =>
      PostgresStore.open({ url, schema, poolSize: options.inflight, ...(options.indexScans && { settings: { enable_seqscan: 'off' } }) }),
    ),
  );
  if (design === 'one treasury row') {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query(ONE_TREASURY_ROW);
    await client.end();
  }
  const economy = new EconomyDirectory(options.mintShards === undefined ? {} : { mintShards: options.mintShards });
  const contexts: CommandContext[] = stores.map((store) => createCommandContext(store, { economy }));
  const writers = options.nodes * options.inflight;
  const threads = shape === 'one thread' ? ['hot'] : Array.from({ length: writers }, (_, i) => `t${i}`);
  const first = contexts[0]!;
  const site = first.sites.only;
  if (!site) throw new Error('bench: one site expected');
  for (const id of threads) await first.store.write((tx) => applyThreadSpec(first, tx, site, { id }, 'admin', Date.now()));
  // A first comment per thread, so there is something to like from the start.
  const comments = new Map<string, string[]>(threads.map((t) => [t, []]));
  for (const id of threads) {
    const { result } = await postComment(first, reader(0), { requestId: `seed-${id}`, thread: id, body: 'first' });
    comments.get(id)!.push(result.comment.id);
  }

  const failureCodes: Record<string, number> = {};
  let done = 0;
  let requests = 0;
  const before = stores.reduce((sum, s) => sum + s.stats.retries, 0);
  const until = Date.now() + options.seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const ctx = contexts[w % contexts.length]!;
      const thread = threads[w % threads.length]!;
      while (Date.now() < until) {
        // Many readers, so no reader's own rows are the hot ones.
        const who = reader(1 + Math.floor(Math.random() * 500));
        const requestId = `w${w}-${++requests}`;
        try {
          const pool = comments.get(thread)!;
          const command = async (): Promise<void> => {
            if (Math.random() < 0.5) {
              const { result } = await postComment(ctx, who, { requestId, thread, body: `comment ${requestId}` });
              pool.push(result.comment.id);
            } else {
              const commentId = pool[Math.floor(Math.random() * pool.length)]!;
              await reactComment(ctx, who, { requestId, thread, commentId, value: 'like' });
            }
          };
          // As the dispatcher does (CLUSTER-12): the thread's writers take turns before they begin.
          if (design === 'sharded + turns') await writeScope.run({ turnKey: `${site.id}:${thread}` }, command);
          else await command();
          done += 1;
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'error';
          failureCodes[code] = (failureCodes[code] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const retries = stores.reduce((sum, s) => sum + s.stats.retries, 0) - before;
  await Promise.all(stores.map((s) => s.close()));
  const failures = Object.values(failureCodes).reduce((a, b) => a + b, 0);
  return {
    design,
    scenario: `${shape}, ${options.nodes} nodes × ${options.inflight} in flight`,
    commands: done,
    perSecond: Math.round(done / elapsed),
    retriesPerCommand: Number((retries / Math.max(1, done + failures)).toFixed(2)),
    failures,
    failureCodes,
  };
}

export interface BenchOptions {
  seconds: number;
  nodes: number;
  inflight: number;
  /** The economy's daily-mint counter shards (default rules: 8). */
  mintShards?: number;
  /** Sessions with enable_seqscan=off: on tiny tables a sequential scan takes a predicate lock on the whole table. */
  indexScans?: boolean;
}

export async function runHotRowsBench(baseUrl: string, options: BenchOptions): Promise<BenchResult[]> {
  const database = `parley_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = Object.assign(new URL(baseUrl), { pathname: `/${database}` }).toString();
  const results: BenchResult[] = [];
  try {
    for (const shape of ['one thread', 'a thread each'] as const) {
      for (const design of ['one treasury row', 'sharded', 'sharded + turns'] as const) results.push(await scenario(url, design, shape, options));
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      nodes: { type: 'string' },
      inflight: { type: 'string' },
      url: { type: 'string' },
      'mint-shards': { type: 'string' },
      'index-scans': { type: 'boolean' },
    },
  });
  const url = values.url ?? process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const results = await runHotRowsBench(url, {
    seconds: Number(values.seconds ?? 5),
    nodes: Number(values.nodes ?? 2),
    inflight: Number(values.inflight ?? 2),
    ...(values['mint-shards'] !== undefined && { mintShards: Number(values['mint-shards']) }),
    ...(values['index-scans'] && { indexScans: true }),
  });
  console.table(results.map(({ failureCodes, ...row }) => ({ ...row, failureCodes: JSON.stringify(failureCodes) })));
}
