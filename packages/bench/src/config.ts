/**
 * Every knob of a benchmark run, from flags first, then environment, then defaults. The defaults
 * are a full run of a few minutes on a 2-core machine; `--quick` is a smoke run of well under one.
 */

export type ScenarioName = 'hot' | 'sustained' | 'join' | 'storm' | 'idle' | 'grown' | 'size' | 'cluster';
const allScenarios: readonly ScenarioName[] = ['hot', 'sustained', 'join', 'storm', 'idle', 'grown', 'size', 'cluster'];
/** Run by default: cluster needs PostgreSQL and Redis (and psql, redis-cli), so it runs when asked (--only=cluster). */
const defaultScenarios: readonly ScenarioName[] = ['hot', 'sustained', 'join', 'storm', 'idle', 'grown', 'size'];

/**
 * A hot-thread run per reader count: Parley with widget presence, Parley without, the baseline (naive
 * presence relay). `parley-legacy-presence`: Parley with readers of a widget before PRES-9 (no riders).
 */
export type HotRunName = 'parley' | 'parley-no-presence' | 'parley-legacy-presence' | 'baseline' | 'baseline-no-presence';
const allHotRuns: readonly HotRunName[] = ['parley', 'parley-no-presence', 'parley-legacy-presence', 'baseline', 'baseline-no-presence'];

export interface BenchConfig {
  /** Reader counts for the hot-thread mix (each of `hotRuns` once per count). */
  readerCounts: number[];
  hotRuns: HotRunName[];
  /** Share of readers signed in (heartbeats, economy:state, typing); the rest are guests. */
  signedInShare: number;
  /** Share of signed-in readers typing at any moment (presence on). */
  typingShare: number;
  /** Sockets opened at a time, so a connection storm does not distort the server under test. */
  connectBatchSize: number;
  hotSeconds: number;
  commentsPerSecond: number;
  reactionsPerSecond: number;
  /** Seconds readers get to receive everything after the last write before misses count as lost. */
  drainSeconds: number;
  sustainedSeconds: number;
  /** Closed-loop writers of the sustained row (issue 10 item 4: acknowledged posts/s at ack p99 ≤ 50 ms). */
  sustainedWriters: number;
  /** The same writers spread over this many client threads too (1: the one-thread row only). */
  sustainedThreads: number;
  /** Posts a second offered on a fixed schedule over the writers' sockets (open loop; 0: no such row). */
  sustainedRate: number;
  joinThreadComments: number;
  joinSamples: number;
  /** Join storm: readers arriving within `stormSeconds` at a thread of `joinThreadComments`. */
  stormReaders: number;
  stormSeconds: number;
  /** Idle readers for the memory and heartbeat rows. */
  idleReaders: number;
  /** Grown database: transfers, comments and threads built by bulk inserts (scenarios/grown-db.ts). */
  grownTransfers: number;
  grownComments: number;
  grownThreads: number;
  /** Grown database: timed rounds, and actions of each kind per round on each database. */
  grownRounds: { rounds: number; samples: number };
  scenarios: ScenarioName[];
  /** Cluster scenario (scenarios/cluster.ts): readers PER NODE at each capacity step. */
  clusterReaders: number[];
  /** Cluster scenario: seconds of the hot mix per step (and for the failover run). */
  clusterSeconds: number;
  /** Cluster scenario: readers over two nodes when one is killed. */
  failoverReaders: number;
  /** Longest wait for other processes to go quiet before a measured window (0: measure at once). */
  waitQuietSeconds: number;
  quick: boolean;
}

const fullRun: BenchConfig = {
  readerCounts: [2000, 10_000],
  hotRuns: ['parley', 'parley-no-presence', 'baseline'],
  // Every reader signed in: each sends heartbeats, the most a reader costs (issue 10 item 4 counts 10,000 reading readers).
  signedInShare: 1,
  typingShare: 0.03,
  connectBatchSize: 200,
  hotSeconds: 20,
  commentsPerSecond: 2,
  reactionsPerSecond: 20,
  drainSeconds: 20,
  sustainedSeconds: 10,
  sustainedWriters: 200,
  sustainedThreads: 4,
  sustainedRate: 5000,
  joinThreadComments: 10_000,
  joinSamples: 20,
  stormReaders: 5000,
  stormSeconds: 10,
  idleReaders: 10_000,
  grownTransfers: 1_000_000,
  grownComments: 100_000,
  grownThreads: 1000,
  grownRounds: { rounds: 6, samples: 100 },
  scenarios: [...defaultScenarios],
  clusterReaders: [1000, 2000, 3000, 4000, 6000],
  clusterSeconds: 10,
  failoverReaders: 2000,
  waitQuietSeconds: 30,
  quick: false,
};

const quickRun: BenchConfig = {
  ...fullRun,
  readerCounts: [200],
  hotSeconds: 5,
  drainSeconds: 10,
  sustainedSeconds: 3,
  sustainedRate: 1000,
  joinThreadComments: 1000,
  joinSamples: 5,
  clusterReaders: [100, 200],
  clusterSeconds: 4,
  failoverReaders: 200,
  stormReaders: 300,
  stormSeconds: 3,
  idleReaders: 500,
  grownTransfers: 20_000,
  grownComments: 2000,
  grownThreads: 20,
  grownRounds: { rounds: 2, samples: 30 },
  // Short: a smoke run on a shared machine must still end within a minute.
  waitQuietSeconds: 2,
  quick: true,
};

export const usage = `Usage: node dist/run.js [options]   (every option also reads BENCH_<NAME> from the environment)
  --quick                   small smoke run (${quickRun.readerCounts.join(',')} readers, short phases)
  --readers=2000,10000      reader counts for the hot-thread mix
  --hot-runs=parley,parley-no-presence,baseline   (also baseline-no-presence; parley-legacy-presence:
                            readers that do not take presence riding on thread:events, PRES-9)
  --signed-in=1             share of readers signed in (heartbeats, economy:state, typing)
  --typing=0.03             share of signed-in readers typing at any moment
  --hot-seconds=20          length of each hot-thread run
  --comments-per-second=2   --reactions-per-second=20
  --drain-seconds=20        grace for deliveries after the last write
  --sustained-seconds=10    --sustained-writers=200   --sustained-threads=4   (client threads of the second socket row)
  --sustained-rate=5000     posts/s offered on a schedule over the same sockets (open loop; 0: no such row)
  --join-comments=10000     --join-samples=20
  --storm-readers=5000      --storm-seconds=10   (join storm at the join-comments thread)
  --idle-readers=10000      (memory per idle reader vs bare Socket.IO; heartbeat cost)
  --grown-transfers=1000000 --grown-comments=100000 --grown-threads=1000   (grown database)
  --grown-rounds=6 --grown-samples=100   (grown database: timed rounds in turns, actions of each kind per round)
  --batch=200               sockets connected at a time
  --wait-quiet=30           seconds to wait for other processes to go quiet before measuring
  --only=hot,sustained,join,storm,idle,grown,size   (default) — or cluster: PostgreSQL + Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL)
  --cluster-readers=1000,2000,3000,4000,6000   readers per node at each capacity step (one node, then two)
  --cluster-seconds=10      --failover-readers=2000`;

export function readConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BenchConfig {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    // `pnpm start -- --quick` passes the separator through; it means nothing here.
    if (arg === '--') continue;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`unknown argument ${arg}\n${usage}`);
    flags.set(match[1], match[2] ?? 'true');
  }
  const option = (name: string): string | undefined =>
    flags.get(name) ?? env[`BENCH_${name.toUpperCase().replaceAll('-', '_')}`];

  const base = option('quick') === 'true' || option('quick') === '1' ? quickRun : fullRun;
  const number = (name: string, fallback: number): number => {
    const raw = option(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${raw}`);
    return value;
  };
  const readers = option('readers');
  const hotRuns = option('hot-runs')?.split(',').map((name) => name.trim()) ?? base.hotRuns;
  for (const name of hotRuns) {
    if (!allHotRuns.includes(name as HotRunName)) throw new Error(`--hot-runs: unknown run ${name}\n${usage}`);
  }
  const share = (name: string, fallback: number): number => {
    const raw = option(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`--${name} must be a share between 0 and 1, got ${raw}`);
    return value;
  };
  const only = option('only');
  const scenarios = only === undefined ? base.scenarios : only.split(',').map((name) => name.trim());
  for (const name of scenarios) {
    if (!allScenarios.includes(name as ScenarioName)) throw new Error(`--only: unknown scenario ${name}\n${usage}`);
  }
  known(flags);
  return {
    readerCounts: readers === undefined ? base.readerCounts : readers.split(',').map((n) => positiveInteger(n, 'readers')),
    hotRuns: hotRuns as HotRunName[],
    signedInShare: share('signed-in', base.signedInShare),
    typingShare: share('typing', base.typingShare),
    connectBatchSize: Math.round(number('batch', base.connectBatchSize)),
    hotSeconds: number('hot-seconds', base.hotSeconds),
    commentsPerSecond: number('comments-per-second', base.commentsPerSecond),
    reactionsPerSecond: number('reactions-per-second', base.reactionsPerSecond),
    drainSeconds: number('drain-seconds', base.drainSeconds),
    sustainedSeconds: number('sustained-seconds', base.sustainedSeconds),
    sustainedWriters: Math.round(number('sustained-writers', base.sustainedWriters)),
    sustainedThreads: Math.round(number('sustained-threads', base.sustainedThreads)),
    sustainedRate: option('sustained-rate') === '0' ? 0 : number('sustained-rate', base.sustainedRate),
    joinThreadComments: Math.round(number('join-comments', base.joinThreadComments)),
    joinSamples: Math.round(number('join-samples', base.joinSamples)),
    stormReaders: Math.round(number('storm-readers', base.stormReaders)),
    stormSeconds: number('storm-seconds', base.stormSeconds),
    idleReaders: Math.round(number('idle-readers', base.idleReaders)),
    grownTransfers: Math.round(number('grown-transfers', base.grownTransfers)),
    grownComments: Math.round(number('grown-comments', base.grownComments)),
    grownThreads: Math.round(number('grown-threads', base.grownThreads)),
    grownRounds: {
      rounds: Math.round(number('grown-rounds', base.grownRounds.rounds)),
      samples: Math.round(number('grown-samples', base.grownRounds.samples)),
    },
    scenarios: scenarios as ScenarioName[],
    clusterReaders: option('cluster-readers')?.split(',').map((n) => positiveInteger(n, 'cluster-readers')) ?? base.clusterReaders,
    clusterSeconds: number('cluster-seconds', base.clusterSeconds),
    failoverReaders: Math.round(number('failover-readers', base.failoverReaders)),
    waitQuietSeconds: option('wait-quiet') === '0' ? 0 : number('wait-quiet', base.waitQuietSeconds),
    quick: base.quick,
  };
}

const knownFlags = new Set([
  'quick', 'readers', 'hot-runs', 'signed-in', 'typing', 'hot-seconds', 'comments-per-second', 'reactions-per-second', 'drain-seconds',
  'sustained-seconds', 'sustained-writers', 'sustained-threads', 'sustained-rate', 'join-comments', 'join-samples', 'batch', 'only', 'wait-quiet', 'help',
  'cluster-readers', 'cluster-seconds', 'failover-readers',
  'storm-readers', 'storm-seconds', 'idle-readers', 'grown-transfers', 'grown-comments', 'grown-threads',
  'grown-rounds', 'grown-samples',
]);

/** A misspelt flag silently ignored would make a run measure something other than intended. */
function known(flags: Map<string, string>): void {
  for (const name of flags.keys()) if (!knownFlags.has(name)) throw new Error(`unknown option --${name}\n${usage}`);
}

function positiveInteger(raw: string, name: string): number {
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name}: ${raw} is not a positive integer`);
  return value;
}
