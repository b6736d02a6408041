/**
 * Hot rows, measured (issue 11 item 3): several "nodes" (one PostgresStore, i.e. one pool, each)
 * post and like through the real commands, against the real PostgreSQL, in a database of its own.
 *
 *   node packages/server/dist/store/postgres/hot-rows-bench.js [--seconds 5] [--nodes 2] [--inflight 4]
 *     [--designs "no turns,turns (unfolded),turns,batches"] [--shapes "one thread,a thread each"] [--warm] [--rounds 2]
 *     [--processes]
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
 *
 * `--processes`: each node is a process of its own (a child of this one, as `parley serve` nodes
 * are), so the nodes' JS runs side by side instead of taking turns on one thread; the parent seeds
 * the database and adds up what the children report (CPU: the children's). With `--warm` each node
 * has then seen every reader once (a like of a seed comment of its own), as a node past its first
 * day has; in one process the one warm pass serves every node.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
  /** The nodes' CPU (user + system) per committed command, µs: this process's (or, with --processes, the node processes') JS, not PostgreSQL's. */
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

/** The store's counters a run reports, summed over its nodes (before/after differences). */
const COUNTED = ['retries', 'roundTrips', 'batches', 'batchedWrites', 'turnMs', 'lateLooks'] as const;
type Counted = Record<(typeof COUNTED)[number], number>;

/** What the writers of one node (or of every node in this process) did in the measured window. */
interface Tally {
  done: number;
  failureCodes: Record<string, number>;
  latencies: number[];
  /** Counter differences over the window. */
  stats: Counted;
  cpuUs: number;
  conflicts: [string, number][];
}

const storeOptions = (url: string, schema: string, design: Design, options: BenchOptions) => ({
  url,
  schema,
  poolSize: options.inflight,
  foldRoundTrips: design === 'turns' || design === 'no turns' || design === 'batches',
  groupTurns: design === 'batches',
  ...(options.indexScans && { settings: { enable_seqscan: 'off' } }),
});

const economyOf = (options: BenchOptions) => new EconomyDirectory(options.mintShards === undefined ? {} : { mintShards: options.mintShards });

/** --warm: every reader likes `commentId` once on this node (their accounts, grants and first rows exist), in the thread's turn. */
async function warm(ctx: CommandContext, site: string, thread: string, commentId: string, tag: string): Promise<void> {
  for (let n = 1; n <= READERS; n += 1) {
    await writeScope.run({ turnKey: `${site}:${thread}` }, () => reactComment(ctx, reader(n), { requestId: `warm-${tag}-${n}`, thread, commentId, value: 'like' }));
  }
}

/** The writers of `contexts` (nodes), `inflight` each, posting and liking until `until`. */
async function drive(
  stores: PostgresStore[],
  contexts: CommandContext[],
  design: Design,
  site: string,
  threads: readonly string[],
  comments: Map<string, string[]>,
  options: { inflight: number; until: number; firstWriter: number; tag: string },
): Promise<Tally> {
  const failureCodes: Record<string, number> = {};
  let done = 0;
  let requests = 0;
  const latencies: number[] = [];
  const sum = (): Counted => {
    const total = Object.fromEntries(COUNTED.map((k) => [k, 0])) as Counted;
    for (const s of stores) for (const k of COUNTED) total[k] += s.stats[k];
    return total;
  };
  const before = sum();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: contexts.length * options.inflight }, async (_, i) => {
      const w = options.firstWriter + i;
      const ctx = contexts[i % contexts.length]!;
      const thread = threads[w % threads.length]!;
      while (Date.now() < options.until) {
        // Many readers, so no reader's own rows are the hot ones.
        const who = reader(1 + Math.floor(Math.random() * READERS));
        const requestId = `${options.tag}w${w}-${++requests}`;
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
          if (design === 'turns' || design === 'turns (unfolded)' || design === 'batches') await writeScope.run({ turnKey: `${site}:${thread}` }, command);
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
  const cpu = process.cpuUsage(cpuBefore);
  const after = sum();
  const stats = Object.fromEntries(COUNTED.map((k) => [k, after[k] - before[k]])) as Counted;
  // Where the re-runs struck (seeding included: it ran before the clock started, alone).
  const conflicts = new Map<string, number>();
  for (const store of stores) for (const [key, n] of store.stats.conflicts) conflicts.set(key, (conflicts.get(key) ?? 0) + n);
  return { done, failureCodes, latencies, stats, cpuUs: cpu.user + cpu.system, conflicts: [...conflicts] };
}

/** What the parent tells a node process (`--child`). */
interface ChildTask {
  url: string;
  schema: string;
  design: Design;
  options: BenchOptions;
  node: number;
  site: string;
  threads: string[];
  comments: [string, string[]][];
  /** --warm: the seed comment this node's readers like once. */
  warmComment: string | undefined;
}

/** A node process: opens its store, warms, says ready, drives its writers from `go` until the time given, reports. */
async function child(): Promise<void> {
  const task = await new Promise<ChildTask>((resolve) => process.once('message', (m) => resolve(m as ChildTask)));
  const store = await PostgresStore.open(storeOptions(task.url, task.schema, task.design, task.options));
  const ctx = createCommandContext(store, { economy: economyOf(task.options) });
  const comments = new Map(task.comments);
  if (task.warmComment !== undefined) await warm(ctx, task.site, task.threads[0]!, task.warmComment, `n${task.node}`);
  process.send!({ ready: true });
  const until = await new Promise<number>((resolve) => process.once('message', (m) => resolve((m as { until: number }).until)));
  const tally = await drive([store], [ctx], task.design, task.site, task.threads, comments, {
    inflight: task.options.inflight,
    until,
    firstWriter: task.node * task.options.inflight,
    tag: `n${task.node}`,
  });
  await store.close();
  process.send!({ tally }, () => process.exit(0));
}

/** The nodes as processes of their own: each drives its writers; their tallies are added up. */
async function inProcesses(url: string, schema: string, design: Design, site: string, threads: string[], comments: Map<string, string[]>, warmComments: string[], options: BenchOptions): Promise<Tally> {
  const children = Array.from({ length: options.nodes }, () => fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const next = (c: ReturnType<typeof fork>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      c.once('message', (m) => resolve(m as Record<string, unknown>));
      c.once('exit', (code) => reject(new Error(`bench node exited with ${code}`)));
    });
  try {
    const ready = children.map(next);
    children.forEach((c, node) => {
      const task: ChildTask = { url, schema, design, options, node, site, threads, comments: [...comments], warmComment: warmComments[node] };
      c.send(task);
    });
    await Promise.all(ready);
    const reports = children.map(next);
    const until = Date.now() + options.seconds * 1000;
    for (const c of children) c.send({ until });
    const tallies = (await Promise.all(reports)).map((m) => m.tally as Tally);
    const failureCodes: Record<string, number> = {};
    for (const t of tallies) for (const [code, n] of Object.entries(t.failureCodes)) failureCodes[code] = (failureCodes[code] ?? 0) + n;
    const conflicts = new Map<string, number>();
    for (const t of tallies) for (const [key, n] of t.conflicts) conflicts.set(key, (conflicts.get(key) ?? 0) + n);
    const stats = Object.fromEntries(COUNTED.map((k) => [k, tallies.reduce((sum, t) => sum + t.stats[k], 0)])) as Counted;
    return {
      done: tallies.reduce((sum, t) => sum + t.done, 0),
      failureCodes,
      latencies: tallies.flatMap((t) => t.latencies),
      stats,
      cpuUs: tallies.reduce((sum, t) => sum + t.cpuUs, 0),
      conflicts: [...conflicts],
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}

async function scenario(url: string, design: Design, shape: Shape, options: BenchOptions): Promise<BenchResult> {
  const schema = `b_${randomBytes(4).toString('hex')}`;
  // One store first (it migrates), then the others (in this process unless --processes).
  const open = () => PostgresStore.open(storeOptions(url, schema, design, options));
  const stores = [await open()];
  while (!options.processes && stores.length < options.nodes) stores.push(await open());
  if (design === 'one treasury row') {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query(ONE_TREASURY_ROW);
    await client.end();
  }
  const economy = economyOf(options);
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
  const seedThread = threads[0]!;
  const warmComments: string[] = [];
  if (options.warm && options.processes) {
    for (let node = 0; node < options.nodes; node++) {
      warmComments.push((await postComment(first, reader(0), { requestId: `warm-seed-${node}`, thread: seedThread, body: `warm ${node}` })).result.comment.id);
    }
  } else if (options.warm) {
    await warm(first, site.id, seedThread, comments.get(seedThread)![0]!, 'all');
  }

  const started = Date.now();
  let tally: Tally;
  if (options.processes) {
    await Promise.all(stores.map((s) => s.close()));
    tally = await inProcesses(url, schema, design, site.id, threads, comments, warmComments, options);
  } else {
    tally = await drive(stores, contexts, design, site.id, threads, comments, { inflight: options.inflight, until: started + options.seconds * 1000, firstWriter: 0, tag: '' });
    await Promise.all(stores.map((s) => s.close()));
  }
  const elapsed = options.processes ? options.seconds : (Date.now() - started) / 1000;
  const { done, failureCodes, latencies, stats } = tally;
  const failures = Object.values(failureCodes).reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  return {
    design,
    scenario: `${shape}, ${options.nodes} node${options.nodes === 1 ? '' : 's'}${options.processes ? ' (processes)' : ''} × ${options.inflight} in flight`,
    commands: done,
    perSecond: Math.round(done / elapsed),
    retriesPerCommand: Number((stats.retries / Math.max(1, done + failures)).toFixed(2)),
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    roundTripsPerCommand: Number((stats.roundTrips / Math.max(1, done + failures)).toFixed(1)),
    looksInRunPerCommand: Number((stats.lateLooks / Math.max(1, done + failures)).toFixed(2)),
    writesPerBatch: stats.batches === 0 ? 1 : Number((stats.batchedWrites / stats.batches).toFixed(1)),
    turnMsPerCommand: Number((stats.turnMs / Math.max(1, done)).toFixed(2)),
    cpuUsPerCommand: Math.round(tally.cpuUs / Math.max(1, done)),
    failures,
    failureCodes,
    conflicts: [...tally.conflicts].sort((x, y) => y[1] - x[1]).slice(0, 6),
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
  /** Each node a process of its own. */
  processes?: boolean;
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

const main = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (main && process.argv.includes('--child')) {
  await child();
} else if (main) {
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
      processes: { type: 'boolean' },
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
    ...(values.processes && { processes: true }),
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
