/**
 * Hot rows, measured (issue 11 item 3): several "nodes" (one PostgresStore, i.e. one pool, each)
 * post and like through the real commands, against the real PostgreSQL, in a database of its own.
 *
 *   node packages/server/dist/store/postgres/hot-rows-bench.js [--seconds 5] [--nodes 2] [--inflight 4]
 *     [--designs "no turns,turns (unfolded),turns,batches"] [--shapes "one thread,a thread each"] [--warm] [--rounds 2]
 *
 * Designs: "one treasury row" (the balance of a site's treasury on one row and the transfer trigger
 * locking accounts in from→to order, as SQLite's design), "no turns" (this store's schema:
 * per-connection treasury shards, accounts in id order; no write scope), "turns (unfolded)" (writers
 * of one thread take turns before their transaction begins, as the dispatcher's write scope does,
 * CLUSTER-12, every statement and the turn's lock and unlock on round trips of their own — the
 * design before HOT-1/HOT-2), "turns" (HOT-1…3, a turn a command: the turn rides with BEGIN and
 * COMMIT, result-less writes with the next round trip, the next writer waits inside PostgreSQL) and
 * "batches" (the store's default, HOT-4: a node's writers waiting on one thread share one
 * transaction, one turn and one COMMIT, each in a savepoint).
 * Shapes: every writer on ONE thread, on one node and on `--nodes` nodes, and each writer on a
 * thread of its own (one site, so one treasury) on `--nodes` nodes. Reports committed commands per
 * second, serialization / deadlock re-runs per command, the command's commit path (from the call
 * to its commit: queueing for the turn, the transaction, the commit) p50/p99, round trips per
 * command, this process's CPU per command (every node's JS, not PostgreSQL's) and failures.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
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

export type Design = 'one treasury row' | 'no turns' | 'turns (unfolded)' | 'turns' | 'batches';
export const designs: readonly Design[] = ['one treasury row', 'no turns', 'turns (unfolded)', 'turns', 'batches'];
export type Shape = 'one thread' | 'a thread each';

export interface BenchResult {
  design: string;
  scenario: string;
  commands: number;
  perSecond: number;
  retriesPerCommand: number;
  /** The command's commit path (call → committed), ms. */
  p50Ms: number;
  p99Ms: number;
  roundTripsPerCommand: number;
  /** [HOT-7] Request-record looks made while a command ran (on the committed pool, inside its turn when it has one), per command. */
  looksInRunPerCommand: number;
  /** [HOT-4] Commands per transaction of one thread's turn (batches; 1 otherwise). */
  writesPerBatch: number;
  /** The thread's serial section per command: ms its turn was held (lock taken → given back), over the commands. */
  turnMsPerCommand: number;
  /** This process's CPU (user + system) per committed command, µs: every node's JS, not PostgreSQL's. */
  cpuUsPerCommand: number;
  failures: number;
  failureCodes: Record<string, number>;
  /** The commonest places re-runs struck (statement | reason), with counts. */
  conflicts: [string, number][];
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Readers the writers act as, at random. */
const READERS = 500;
const reader = (n: number): Identity => ({ id: `u${n}`, name: `U${n}`, avatar: null, level: 13, role: 'reader' });

async function scenario(url: string, design: Design, shape: Shape, options: BenchOptions): Promise<BenchResult> {
  const schema = `b_${randomBytes(4).toString('hex')}`;
  // One store first (it migrates), then the others.
  const open = () =>
    PostgresStore.open({
      url,
      schema,
      poolSize: options.inflight,
      foldRoundTrips: design === 'turns' || design === 'no turns' || design === 'batches',
      groupTurns: design === 'batches',
      ...(options.indexScans && { settings: { enable_seqscan: 'off' } }),
    });
  const stores = [await open()];
  while (stores.length < options.nodes) stores.push(await open());
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
  // --warm: every reader has acted once (their accounts, grants and first rows exist), as on a site
  // past its first day; without it the run includes every reader's first action.
  if (options.warm) {
    const seedThread = threads[0]!;
    for (let n = 1; n <= READERS; n += 1) {
      await reactComment(first, reader(n), { requestId: `warm-${n}`, thread: seedThread, commentId: comments.get(seedThread)![0]!, value: 'like' });
    }
  }

  const failureCodes: Record<string, number> = {};
  let done = 0;
  let requests = 0;
  const latencies: number[] = [];
  const before = stores.reduce((sum, s) => sum + s.stats.retries, 0);
  const tripsBefore = stores.reduce((sum, s) => sum + s.stats.roundTrips, 0);
  const batchesBefore = stores.reduce((sum, s) => sum + s.stats.batches, 0);
  const batchedBefore = stores.reduce((sum, s) => sum + s.stats.batchedWrites, 0);
  const turnMsBefore = stores.reduce((sum, s) => sum + s.stats.turnMs, 0);
  const looksBefore = stores.reduce((sum, s) => sum + s.stats.lateLooks, 0);
  const cpuBefore = process.cpuUsage();
  const until = Date.now() + options.seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const ctx = contexts[w % contexts.length]!;
      const thread = threads[w % threads.length]!;
      while (Date.now() < until) {
        // Many readers, so no reader's own rows are the hot ones.
        const who = reader(1 + Math.floor(Math.random() * READERS));
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
          const t0 = performance.now();
          if (design === 'turns' || design === 'turns (unfolded)' || design === 'batches') await writeScope.run({ turnKey: `${site.id}:${thread}` }, command);
          else await command();
          latencies.push(performance.now() - t0);
          done += 1;
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'error';
          failureCodes[code] = (failureCodes[code] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const retries = stores.reduce((sum, s) => sum + s.stats.retries, 0) - before;
  const trips = stores.reduce((sum, s) => sum + s.stats.roundTrips, 0) - tripsBefore;
  const batches = stores.reduce((sum, s) => sum + s.stats.batches, 0) - batchesBefore;
  const batched = stores.reduce((sum, s) => sum + s.stats.batchedWrites, 0) - batchedBefore;
  const turnMs = stores.reduce((sum, s) => sum + s.stats.turnMs, 0) - turnMsBefore;
  const looks = stores.reduce((sum, s) => sum + s.stats.lateLooks, 0) - looksBefore;
  await Promise.all(stores.map((s) => s.close()));
  // Where the re-runs struck (seeding included: it ran before the clock started, alone).
  const conflicts = new Map<string, number>();
  for (const store of stores) for (const [key, n] of store.stats.conflicts) conflicts.set(key, (conflicts.get(key) ?? 0) + n);
  const failures = Object.values(failureCodes).reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  return {
    design,
    scenario: `${shape}, ${options.nodes} node${options.nodes === 1 ? '' : 's'} × ${options.inflight} in flight`,
    commands: done,
    perSecond: Math.round(done / elapsed),
    retriesPerCommand: Number((retries / Math.max(1, done + failures)).toFixed(2)),
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    roundTripsPerCommand: Number((trips / Math.max(1, done + failures)).toFixed(1)),
    looksInRunPerCommand: Number((looks / Math.max(1, done + failures)).toFixed(2)),
    writesPerBatch: batches === 0 ? 1 : Number((batched / batches).toFixed(1)),
    turnMsPerCommand: Number((turnMs / Math.max(1, done)).toFixed(2)),
    cpuUsPerCommand: Math.round((cpu.user + cpu.system) / Math.max(1, done)),
    failures,
    failureCodes,
    conflicts: [...conflicts].sort((x, y) => y[1] - x[1]).slice(0, 6),
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
  /** Every reader acts once before the clock starts (accounts and first rows exist). */
  warm?: boolean;
  /** Each row's designs this many times, in alternating order. @default 1 */
  rounds?: number;
  /** @default no turns, turns, batches */
  designs?: readonly Design[];
  /** @default one thread (on 1 node and on `nodes`), a thread each */
  shapes?: readonly Shape[];
}

export async function runHotRowsBench(baseUrl: string, options: BenchOptions): Promise<BenchResult[]> {
  const database = `parley_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  // Named, so a look into pg_locks during the run (predicate locks by relation) can find it.
  console.log(`database ${database}`);
  const url = Object.assign(new URL(baseUrl), { pathname: `/${database}` }).toString();
  const results: BenchResult[] = [];
  const chosen = options.designs ?? (['no turns', 'turns', 'batches'] as const);
  const runs: { shape: Shape; nodes: number }[] = [];
  for (const shape of options.shapes ?? (['one thread', 'a thread each'] as const)) {
    // One thread on one node first: what a second node adds is the comparison.
    if (shape === 'one thread' && options.nodes > 1) runs.push({ shape, nodes: 1 });
    runs.push({ shape, nodes: options.nodes });
  }
  try {
    for (const run of runs) {
      // The designs of one row side by side, so they meet the same machine load.
      // Rounds alternate the designs' order (A B, B A, …): the first scenario of a process also pays its JIT.
      for (let round = 0; round < (options.rounds ?? 1); round++) {
        const order = round % 2 === 0 ? chosen : [...chosen].reverse();
        for (const design of order) results.push(await scenario(url, design, run.shape, { ...options, nodes: run.nodes }));
      }
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
      designs: { type: 'string' },
      shapes: { type: 'string' },
      warm: { type: 'boolean' },
      rounds: { type: 'string' },
    },
  });
  const list = <T extends string>(value: string | undefined, allowed: readonly T[]): T[] | undefined => {
    if (value === undefined) return undefined;
    const picked = value.split(',').map((v) => v.trim());
    for (const v of picked) if (!allowed.includes(v as T)) throw new Error(`unknown ${JSON.stringify(v)}; one of ${allowed.join(', ')}`);
    return picked as T[];
  };
  const url = values.url ?? process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
  console.log(`load average before the run: ${load()}`);
  const results = await runHotRowsBench(url, {
    seconds: Number(values.seconds ?? 5),
    nodes: Number(values.nodes ?? 2),
    inflight: Number(values.inflight ?? 4),
    ...(values['mint-shards'] !== undefined && { mintShards: Number(values['mint-shards']) }),
    ...(values['index-scans'] && { indexScans: true }),
    ...(values.warm && { warm: true }),
    ...(values.rounds !== undefined && { rounds: Number(values.rounds) }),
    ...(values.designs !== undefined && { designs: list(values.designs, designs) }),
    ...(values.shapes !== undefined && { shapes: list(values.shapes, ['one thread', 'a thread each'] as const) }),
  });
  console.table(results.map(({ failureCodes, conflicts: _, ...row }) => ({ ...row, failureCodes: JSON.stringify(failureCodes) })));
  for (const { design, scenario, conflicts } of results) {
    if (conflicts.length === 0) continue;
    console.log(`re-runs of ${design}, ${scenario}:`);
    for (const [where, n] of conflicts) console.log(`  ${n}× ${where}`);
  }
  console.log(`load average after the run: ${load()}`);
}
