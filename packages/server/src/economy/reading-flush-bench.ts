/**
 * What reading readers cost the server's JS, in process (issue 10 item 4; SPEC BEAT-8, BEAT-19):
 * `--readers` readers beat every 10 s on a fake clock (each at a phase of its own, an answer asked
 * once a minute as the widget does) through `readHeartbeat` and the node's reading clocks, with the
 * reading tick each simulated second, against a real store: a SQLite file (default) or, with
 * `--pg URL`, a PostgreSQL database of its own. After a warm-up (the clocks started, every first
 * Twei written) it measures one full flush cycle (`--seconds`, 120) and prints this process's CPU
 * per beat, the tick's share of it, the store's write transactions and the readers written a second.
 *
 *   node packages/server/dist/economy/reading-flush-bench.js [--readers 10000] [--seconds 120]
 *     [--together] [--no-spread] [--pg postgres://postgres@127.0.0.1:5432/test]
 *
 * `--together`: every reader's first beat in the same second (readers who joined together, e.g.
 * after a restart), so their beats and their waiting reading come due in step.
 * No sockets: the Socket.IO part of a beat is the idle-readers scenario's (packages/bench).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createCommandContext, type CommandContext } from '../commands/context.js';
import { applyThreadSpec } from '../commands/threads.js';
import type { Identity } from '../domain/identity.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { publishThread } from './publish-thread.js';
import { readHeartbeat } from './read-heartbeat.js';
import { ReadingClocks } from './reading-clocks.js';
import { EconomyDirectory } from './rules.js';

const { values: args } = parseArgs({
  options: { readers: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '120' }, together: { type: 'boolean', default: false }, 'no-spread': { type: 'boolean', default: false }, pg: { type: 'string' } },
});
const readers = Number(args.readers);
const seconds = Number(args.seconds);
const HEARTBEAT_MS = 10_000;
const ANSWER_EVERY = 6;

async function openStore(): Promise<{ store: Store; transactions: () => number; done: () => Promise<void> }> {
  if (args.pg) {
    const name = `flush_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: args.pg });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = Object.assign(new URL(args.pg), { pathname: `/${name}` }).toString();
    const store = await PostgresStore.open({ url });
    return {
      store,
      transactions: () => store.stats.transactions,
      done: async () => {
        await store.close();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const dir = join(tmpdir(), `flush-bench-${randomBytes(4).toString('hex')}`);
  const store = SqliteStore.open({ path: join(dir, 'parley.db') });
  return {
    store,
    transactions: () => store.writeStats.transactions,
    done: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const cpuMicros = (): number => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

async function main(): Promise<void> {
  const { store, transactions, done } = await openStore();
  let clock = 1_700_000_000_000;
  let ids = 0;
  const clocks = new ReadingClocks({ spread: !args['no-spread'] });
  const base = createCommandContext(store, { now: () => clock, newId: () => `c${++ids}` });
  const ctx: CommandContext = { ...base, economy: new EconomyDirectory({ startingGrant: 1_000_000, dailyMintBudget: 1_000_000_000_000 }), reading: clocks };
  const site = ctx.sites.only!;
  await store.write((tx) => applyThreadSpec(ctx, tx, site, { id: 'hot' }, 'admin', clock));
  const staff: Identity = { id: 'staff', name: 'Staff', avatar: null, level: 13, role: 'admin' };
  await publishThread(ctx, staff, { requestId: 'publish', thread: 'hot' });
  const users: Identity[] = Array.from({ length: readers }, (_, n) => ({ id: `r${n}`, name: `R${n}`, avatar: null, level: 5, role: 'reader' }));
  // Reader n beats at second phase(n) of every 10 s (all at second 0 with --together).
  const phase = (n: number): number => (args.together ? 0 : n % (HEARTBEAT_MS / 1000));
  const beats = new Array<number>(readers).fill(0);
  let beatMicros = 0;
  let tickMicros = 0;
  let beatCount = 0;
  let written = 0;
  let maxTick = 0;
  const second = async (s: number): Promise<void> => {
    const jobs: Promise<unknown>[] = [];
    const started = cpuMicros();
    for (let n = 0; n < readers; n++) {
      if (s % (HEARTBEAT_MS / 1000) !== phase(n)) continue;
      const quiet = beats[n]! % ANSWER_EVERY !== 0;
      beats[n]! += 1;
      jobs.push(readHeartbeat(ctx, users[n]!, { thread: 'hot' }, undefined, quiet));
    }
    beatCount += jobs.length;
    await Promise.all(jobs);
    beatMicros += cpuMicros() - started;
    const tickStarted = cpuMicros();
    const writesBefore = clocks.stats.writes;
    await clocks.sweep(ctx);
    const tick = cpuMicros() - tickStarted;
    tickMicros += tick;
    maxTick = Math.max(maxTick, clocks.stats.writes - writesBefore);
    written += clocks.stats.writes - writesBefore;
  };
  // Warm-up: every clock started and every first Twei written (the third beat), plus a few seconds.
  const warm = 3 * (HEARTBEAT_MS / 1000) + 5;
  let s = 0;
  for (; s < warm; s++, clock += 1000) await second(s);
  beatMicros = tickMicros = beatCount = written = maxTick = 0;
  const transactionsBefore = transactions();
  const counting = process.env.FLUSH_BENCH_DEBUG && store instanceof SqliteStore ? store : null;
  counting?.countStatements({});
  for (const end = s + seconds; s < end; s++, clock += 1000) await second(s);
  const tx = transactions() - transactionsBefore;
  const perBeat = (beatMicros + tickMicros) / beatCount;
  console.log(
    `${args.pg ? 'postgres' : 'sqlite'} ${readers} readers${args.together ? ' (joined together)' : ''}${args['no-spread'] ? ' (not spread)' : ''}, ${seconds} s: ` +
      `${perBeat.toFixed(1)} µs a beat (${(beatMicros / beatCount).toFixed(1)} the beats, ${(tickMicros / beatCount).toFixed(1)} the ticks), ` +
      `${((perBeat * beatCount) / (seconds * 1e4)).toFixed(1)} % of a core at ${readers} readers; ` +
      `readers written ${(written / seconds).toFixed(1)}/s (at most ${maxTick} in one tick), write transactions ${(tx / seconds).toFixed(1)}/s; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  if (counting) console.log(Object.fromEntries(Object.entries(counting.statementCounts.byName).map(([name, { runs }]) => [name, runs])));
  if (process.env.FLUSH_BENCH_DEBUG) console.log(clocks.stats, await store.read((tx) => tx.ledger.readSession('r:default:r1', 'default:hot')));
  await done();
}

await main();
