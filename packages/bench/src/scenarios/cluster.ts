/**
 * Scenario "cluster" (issue 11): Parley nodes over one PostgreSQL database and one Redis, each node a
 * child process on a core of its own (node 1 on core 0, node 2 on core 1), the widget-like readers of
 * the hot thread (readers.ts: presence, typing, heartbeats) spread evenly over the nodes, the hot mix
 * of comments and reactions from writers on every node.
 *
 * 1. Capacity: for one node, then two, reader counts rise step by step (`--cluster-readers`, fresh
 *    readers each step); each step measures comment delivery p99 over every (comment × reader). The
 *    capacity is the largest step whose p99 stays within issue 10's 250 ms with nothing lost, and is
 *    printed per node, with two nodes' capacity ÷ one node's.
 * 2. Failover: two nodes carrying `--failover-readers`; node 2 is SIGKILLed while the writers go on
 *    (on node 1); every reader of the dead node reconnects to node 1 (in batches of `--batch`, as
 *    widgets spread by their backoff) and joins. Failover time = from the kill until every one of
 *    them is joined on node 1 and has received everything written up to the kill.
 *
 * It prints figures and asserts nothing. This file is also the node's child script: started by
 * ChildHandle with `clusterNode` in its config, it runs one Parley node (and moves itself to its core).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ChildHandle, delay } from '../child-handle.js';
import { childConfig, serveParent, type CommandHandler } from '../child-rpc.js';
import { connectClient, expectOk, request, type ParleySocket } from '../clients.js';
import { CommentLatency } from '../comment-latency.js';
import type { BenchConfig } from '../config.js';
import type { PinningState } from '../cpu-pinning.js';
import { HotWriters } from '../hot-writers.js';
import { waitForQuietMachine } from '../machine-load.js';
import { isSignedIn, ReaderFleet, widgetCadence, type ReaderBehaviour } from '../readers.js';
import type { TokenRequest } from '../parley-child-api.js';
import { benchSite, benchThreads } from '../targets.js';
import { trafficPerReaderPerSecond } from './hot-thread.js';
import { projectCluster, targetP99Ms, type ClusterFailover, type ClusterResult, type ClusterStep } from './cluster-report.js';

export { clusterSection, type ClusterResult } from './cluster-report.js';

interface NodeConfig {
  clusterNode: true;
  core: number | null;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  secret: string;
  /** Only the first node creates the threads. */
  threads: string[];
}

const thread = benchThreads.hot;
const commenterCount = 2;
const reactorCount = 4;
const poolSize = 40;

// ---------------------------------------------------------------------------------------------
// The child: one Parley node.

const raw = process.env.BENCH_CHILD_CONFIG;
if (raw && process.send && (JSON.parse(raw) as Partial<NodeConfig>).clusterNode === true) await runNode();

async function runNode(): Promise<void> {
  const config = childConfig<NodeConfig>();
  // ChildHandle starts every server on core 0; the second node moves itself to its own core.
  if (config.core !== null && config.core !== 0) execFileSync('taskset', ['-a', '-cp', String(config.core), String(process.pid)], { stdio: 'ignore' });
  const { startParleyServer, signToken } = await import('@parley/server');
  const server = await startParleyServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    sites: [{ id: benchSite.id, secret: config.secret, origins: [benchSite.origin] }],
    // As the single-node bench: the work, not the limiter (which would be Redis round trips here).
    rateLimit: false,
    economy: { startingGrant: 1_000_000, dailyMintBudget: 1_000_000_000_000 },
    logger: false,
  });
  for (const id of config.threads) await server.upsertThread({ id, title: `Bench ${id}`, url: `${benchSite.origin}/${id}`, published: true });
  const handlers = new Map<string, CommandHandler>([
    ['storeStats', async () => {
      const stats = (server.store as { stats?: { transactions: number; retries: number; losers: number; alone: number; conflicts: Map<string, number> } }).stats;
      return stats ? { transactions: stats.transactions, retries: stats.retries, losers: stats.losers, alone: stats.alone, conflicts: [...stats.conflicts] } : null;
    }],
    ['mintTokens', async (args) => Promise.all((args as TokenRequest[]).map((user) => signToken(config.secret, user, { audience: benchSite.id, expiresIn: '2h' })))],
  ]);
  serveParent(server.url, handlers, () => server.close());
}

// ---------------------------------------------------------------------------------------------
// The parent.

const baseDatabaseUrl = (): string => process.env.BENCH_DATABASE_URL ?? process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = (): string => process.env.BENCH_REDIS_URL ?? process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** A database of the run's own (psql: the bench has no PostgreSQL client of its own), dropped after. */
function freshDatabase(): { url: string; drop: () => void } {
  const name = `parley_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const base = baseDatabaseUrl();
  execFileSync('psql', [base, '-qc', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
  const url = Object.assign(new URL(base), { pathname: `/${name}` }).toString();
  return { url, drop: () => void execFileSync('psql', [base, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'pipe' }) };
}

function dropRedisKeys(prefix: string): void {
  const url = new URL(redisUrl());
  const args = ['-h', url.hostname, '-p', url.port || '6379', '-n', url.pathname.slice(1) || '0'];
  execFileSync('redis-cli', [...args, 'EVAL', "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 1", '0', `${prefix}:*`], { stdio: 'pipe' });
}

interface Cluster {
  nodes: ChildHandle[];
  stop(): Promise<void>;
}

async function startCluster(count: number, pinning: PinningState): Promise<Cluster> {
  const database = freshDatabase();
  const redisPrefix = `parley-bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  const secret = randomBytes(32).toString('hex');
  const nodes: ChildHandle[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop().catch(() => undefined)));
    try {
      database.drop();
      dropRedisKeys(redisPrefix);
    } catch {
      // Best effort: a leftover bench database or key prefix is named by its pid.
    }
  };
  try {
    for (let n = 0; n < count; n++) {
      const config: NodeConfig = {
        clusterNode: true,
        core: pinning.pinned ? n : null,
        databaseUrl: database.url,
        redisUrl: redisUrl(),
        redisPrefix,
        secret,
        threads: n === 0 ? [thread] : [],
      };
      nodes.push(await ChildHandle.start(`parley node ${n + 1}`, 'scenarios/cluster.js', config, pinning));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, stop };
}

const behaviourOf = (config: BenchConfig): ReaderBehaviour => ({
  presence: true,
  // As the widget: it always asks for riders (PRES-9), and since CLUSTER-19 a cluster's nodes honour it.
  rides: true,
  signedInShare: config.signedInShare,
  typingShare: config.typingShare,
  typingSeconds: widgetCadence.typingSeconds,
  presenceRenewMs: widgetCadence.presenceRenewMs,
  heartbeatMs: widgetCadence.heartbeatMs,
});

async function readerTokens(node: ChildHandle, first: number, count: number, share: number): Promise<(string | null)[]> {
  const users: TokenRequest[] = [];
  for (let n = first; n < first + count; n++) if (isSignedIn(n, share)) users.push({ sub: `reader-${n}`, name: `Reader ${n}`, lvl: 5 });
  const minted = await node.call<string[]>('mintTokens', users);
  let next = 0;
  return Array.from({ length: count }, (_, n) => (isSignedIn(first + n, share) ? (minted[next++] ?? null) : null));
}

interface Writers {
  commenters: ParleySocket[];
  reactors: ParleySocket[];
  pool: string[];
  close(): void;
}

/** Writers spread over the nodes (commenters and reactors alternate), and the reaction pool. */
async function openWriters(nodes: ChildHandle[], tag: string): Promise<Writers> {
  const tokens = await nodes[0]!.call<string[]>(
    'mintTokens',
    Array.from({ length: commenterCount + reactorCount }, (_, n) => ({ sub: `writer-${tag}-${n}`, name: `Writer ${n}`, lvl: 50 })),
  );
  const sockets = await Promise.all(tokens.map((token, n) => connectClient(nodes[n % nodes.length]!.url, token)));
  const commenters = sockets.slice(0, commenterCount);
  const pool: string[] = [];
  for (let n = 0; n < poolSize; n++) {
    const ack = await request(commenters[0]!, 'comment:post', { requestId: `pool-${tag}-${n}`, thread, body: `Pool comment ${n}` });
    pool.push(expectOk(ack, 'posting the reaction pool').comment.id);
  }
  return { commenters, reactors: sockets.slice(commenterCount), pool, close: () => sockets.forEach((s) => s.close()) };
}

/** `readers` widget-like readers, evenly over the nodes; one fleet per node. */
async function openFleets(nodes: ChildHandle[], readers: number, config: BenchConfig, latency: CommentLatency, pool: string[]): Promise<ReaderFleet[]> {
  const fleets: ReaderFleet[] = [];
  let first = 0;
  for (const [n, node] of nodes.entries()) {
    const count = Math.floor(readers / nodes.length) + (n < readers % nodes.length ? 1 : 0);
    const fleet = new ReaderFleet(node.url, thread, latency, behaviourOf(config), pool);
    fleets.push(fleet);
    await fleet.open(await readerTokens(node, first, count, config.signedInShare), config.connectBatchSize, () => undefined, Math.max(60_000, count * 8));
    first += count;
  }
  return fleets;
}

async function measureStep(nodes: ChildHandle[], readers: number, config: BenchConfig, log: (line: string) => void): Promise<ClusterStep> {
  const latency = new CommentLatency();
  // Writers of this step's own: request ids start again with each HotWriters, and a repeated id is a retry.
  const writers = await openWriters(nodes, `${nodes.length}n${readers}`);
  const fleets = await openFleets(nodes, readers, config, latency, writers.pool);
  try {
    for (const fleet of fleets) fleet.startTyping();
    await delay(2_000);
    await waitForQuietMachine(Math.max(1, config.waitQuietSeconds), log);
    const cpuBefore = await Promise.all(nodes.map((node) => node.cpuClock()));
    const storeBefore = await storeStats(nodes);
    const messagesBefore = fleets.map((fleet) => fleet.totals(0).messages);
    const trafficBefore = fleets.map((fleet) => fleet.trafficSoFar());
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    const hot = new HotWriters(writers.commenters, writers.reactors, thread, writers.pool, latency);
    const totals = await hot.run(config.clusterSeconds, config);
    const drainEnds = performance.now() + config.drainSeconds * 1000;
    // The moment every reader has the final seq (what the drain waited for before): what is still on its way then.
    while (!fleets.every((fleet) => fleet.reached(totals.finalSeq)) && performance.now() < drainEnds) await delay(2);
    const pendingAtFinal = fleets.reduce((sum, fleet) => sum + fleet.totals(totals.finalSeq).lost, 0);
    const pendingSeqs = mergeCounts(fleets.map((fleet) => fleet.holesBySeq(8)));
    for (const fleet of fleets) await fleet.waitFor(totals.finalSeq, Math.max(0, drainEnds - performance.now()));
    const windowMs = performance.now() - started;
    const client = process.cpuUsage(clientBefore);
    const cpuAfter = await Promise.all(nodes.map((node) => node.cpuClock()));
    const storeAfter = await storeStats(nodes);
    const joined = fleets.reduce((sum, fleet) => sum + fleet.size, 0);
    const readerTotals = fleets.map((fleet) => fleet.totals(totals.finalSeq));
    const sum = (pick: (t: (typeof readerTotals)[number]) => number): number => readerTotals.reduce((all, t) => all + pick(t), 0);
    const lost = sum((t) => t.lost);
    const outOfOrder = sum((t) => t.late);
    const summary = latency.deliveries.summary();
    const nodeCpuUs = cpuAfter.map((after, n) => after.micros - cpuBefore[n]!.micros);
    const nodeSeconds = cpuAfter.map((after, n) => Math.max(1, after.atMs - cpuBefore[n]!.atMs) / 1000);
    const nodeMessages = fleets.map((fleet, n) => fleet.totals(0).messages - messagesBefore[n]!);
    const framesPerReaderSecond = fleets.map((fleet, n) => {
      const { byKind } = trafficPerReaderPerSecond(trafficBefore[n]!, fleet.trafficSoFar(), Math.max(1, fleet.size), windowMs / 1000);
      return Object.fromEntries(Object.entries(byKind).map(([kind, { messages }]) => [kind, messages]));
    });
    const step: ClusterStep = {
      nodes: nodes.length,
      readers,
      joined,
      framesPerReaderSecond,
      p50Ms: summary.p50,
      p99Ms: summary.p99,
      delivered: totals.comments * joined > 0 ? summary.count / (totals.comments * joined) : 0,
      lost,
      nodeCpuPercent: cpuAfter.map((after, n) => ((after.micros - cpuBefore[n]!.micros) / 1000 / Math.max(1, after.atMs - cpuBefore[n]!.atMs)) * 100),
      nodeCpuUsPerReaderSecond: nodeCpuUs.map((us, n) => us / nodeSeconds[n]! / Math.max(1, fleets[n]?.size ?? 0)),
      nodeCpuUsPerMessage: nodeCpuUs.map((us, n) => us / Math.max(1, nodeMessages[n] ?? 0)),
      clientCpuPercent: ((client.user + client.system) / 1000 / windowMs) * 100,
      commentAckMs: [totals.commentAckMs.p50, totals.commentAckMs.p99],
      reactionAckMs: [totals.reactionAckMs.p50, totals.reactionAckMs.p99],
      writerErrors: totals.errors,
      outOfOrder,
      repeated: sum((t) => t.repeated),
      lateBeyondGrace: sum((t) => t.lateBeyondGrace),
      longestHoleMs: Math.max(...readerTotals.map((t) => t.longestHoleMs)),
      finalSeq: totals.finalSeq,
      pendingAtFinal,
      pendingSeqs,
      disconnected: sum((t) => t.disconnected),
      store: {
        transactions: storeAfter.transactions - storeBefore.transactions,
        retries: storeAfter.retries - storeBefore.retries,
        losers: storeAfter.losers - storeBefore.losers,
        alone: storeAfter.alone - storeBefore.alone,
      },
    };
    log(
      `  ${nodes.length} node(s), ${readers} readers (${joined} joined): p99 ${step.p99Ms?.toFixed(0) ?? '—'} ms, ` +
        `delivered ${(step.delivered * 100).toFixed(1)} %, lost ${lost} (late ${outOfOrder}, ${step.lateBeyondGrace} of them past the widget's 500 ms grace, longest hole ${step.longestHoleMs.toFixed(0)} ms; repeated ${step.repeated}, disconnected ${step.disconnected}; ` +
        `still on their way when all had the final seq ${totals.finalSeq}: ${pendingAtFinal}${pendingSeqs.length ? ` — seq×readers ${pendingSeqs.map(([seq, n]) => `${seq}×${n}`).join(' ')}` : ''}), ` +
        `store ${step.store!.transactions} transactions, ${step.store!.retries} re-run${step.store!.retries > 0 ? ` (${topConflicts(storeBefore, storeAfter)})` : ''}, ${step.store!.losers} in the losers' turn, ${step.store!.alone} alone, acks p99 ${step.commentAckMs[1]?.toFixed(0) ?? '—'}/${step.reactionAckMs[1]?.toFixed(0) ?? '—'} ms ${JSON.stringify(totals.errors)}, node CPU ${step.nodeCpuPercent.map((p) => p.toFixed(0)).join(' + ')} %, client ${step.clientCpuPercent.toFixed(0)} %; ` +
        `frames a reader a second ${framesPerReaderSecond.map((kinds) => Object.entries(kinds).filter(([, n]) => n >= 0.005).map(([kind, n]) => `${kind} ${n.toFixed(2)}`).join(', ')).join(' | ')}`,
    );
    return step;
  } finally {
    for (const fleet of fleets) fleet.close();
    writers.close();
  }
}

/** The nodes' PostgreSQL write figures (ST-21), summed. */
async function storeStats(nodes: ChildHandle[]): Promise<StoreFigures> {
  const each = await Promise.all(nodes.map((node) => node.call<(Omit<StoreFigures, 'conflicts'> & { conflicts: [string, number][] }) | null>('storeStats')));
  const total: StoreFigures = { transactions: 0, retries: 0, losers: 0, alone: 0, conflicts: new Map() };
  for (const stats of each) {
    if (!stats) continue;
    total.transactions += stats.transactions;
    total.retries += stats.retries;
    total.losers += stats.losers;
    total.alone += stats.alone;
    for (const [where, n] of stats.conflicts) total.conflicts.set(where, (total.conflicts.get(where) ?? 0) + n);
  }
  return total;
}

interface StoreFigures {
  transactions: number;
  retries: number;
  losers: number;
  alone: number;
  /** Retryable failures by where they struck (PostgresWriteStats.conflicts). */
  conflicts: Map<string, number>;
}

/** The six places that failed most between two readings of the figures. */
function topConflicts(before: StoreFigures, after: StoreFigures): string {
  const grown = [...after.conflicts].map(([where, n]) => [where, n - (before.conflicts.get(where) ?? 0)] as const).filter(([, n]) => n > 0);
  return grown
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([where, n]) => `${n}× ${where.replace(/\s+/g, ' ').slice(0, 160)}`)
    .join('; ');
}

const withinTarget = (step: ClusterStep): boolean =>
  step.p99Ms !== null && step.p99Ms <= targetP99Ms && step.lost === 0 && step.joined === step.readers && step.disconnected === 0;

/** Per-seq counts of several fleets added up, most first. */
function mergeCounts(lists: [number, number][][]): [number, number][] {
  const all = new Map<number, number>();
  for (const list of lists) for (const [seq, n] of list) all.set(seq, (all.get(seq) ?? 0) + n);
  return [...all].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 8);
}

async function capacity(count: number, config: BenchConfig, pinning: PinningState, log: (line: string) => void): Promise<ClusterStep[]> {
  const cluster = await startCluster(count, pinning);
  const steps: ClusterStep[] = [];
  try {
    for (const readers of config.clusterReaders.map((perNode) => perNode * count)) {
      const step = await measureStep(cluster.nodes, readers, config, log);
      steps.push(step);
      // Past the target: larger steps only take longer to say the same.
      if (!withinTarget(step)) break;
    }
  } finally {
    await cluster.stop();
  }
  return steps;
}

async function failover(config: BenchConfig, pinning: PinningState, log: (line: string) => void): Promise<ClusterFailover> {
  const cluster = await startCluster(2, pinning);
  const [survivor, victim] = cluster.nodes as [ChildHandle, ChildHandle];
  try {
    // Writers on the survivor: the stream goes on through the failover.
    const writers = await openWriters([survivor], 'failover');
    const latency = new CommentLatency();
    const fleets = await openFleets(cluster.nodes, config.failoverReaders, config, latency, writers.pool);
    const orphans = fleets[1]!.size;
    const hot = new HotWriters(writers.commenters, writers.reactors, thread, writers.pool, latency);
    const running = hot.run(config.clusterSeconds, config);
    await delay((config.clusterSeconds * 1000) / 3);
    // What was committed up to the kill: a probe post's seq (the writers' acks say the same).
    const probe = expectOk(await request(writers.commenters[0]!, 'comment:post', { requestId: 'probe-kill', thread, body: 'before the kill' }), 'probe');
    const seqAtKill = probe.seq ?? 0;
    const killedAt = performance.now();
    if (victim.pid !== undefined) process.kill(victim.pid, 'SIGKILL');
    fleets[1]!.close();
    // The dead node's readers come back on the survivor: joined (a snapshot at or past the kill's seq)…
    const back = new ReaderFleet(survivor.url, thread, latency, behaviourOf(config), writers.pool);
    const firstIndex = fleets[0]!.size;
    await back.open(await readerTokens(survivor, firstIndex, orphans, config.signedInShare), config.connectBatchSize, () => undefined, 120_000);
    // …and caught up with everything written up to the kill.
    await back.waitFor(seqAtKill, 60_000);
    const caughtUp = back.totals(seqAtKill);
    const failoverMs = back.size === orphans && caughtUp.lost === 0 ? performance.now() - killedAt : null;
    const rejoined = back.size;
    const totals = await running;
    log(`  failover: ${orphans} of ${config.failoverReaders} readers on the killed node; ${rejoined} back on the survivor, caught up in ${failoverMs?.toFixed(0) ?? '—'} ms`);
    back.close();
    fleets[0]!.close();
    writers.close();
    return { readers: config.failoverReaders, orphans, rejoined, failoverMs, seqAtKill, writerErrors: totals.errors };
  } finally {
    await cluster.stop();
  }
}

export async function runCluster(config: BenchConfig, pinning: PinningState, log: (line: string) => void): Promise<ClusterResult> {
  const notes: string[] = [];
  if (!pinning.pinned) notes.push('unpinned: nodes and clients share every core');
  else notes.push('node 1 on core 0, node 2 on core 1 — shared with the clients, PostgreSQL and Redis on a 2-core machine');
  const one = await capacity(1, config, pinning, log);
  const two = await capacity(2, config, pinning, log);
  const best = (steps: ClusterStep[]): number | null => {
    const within = steps.filter(withinTarget);
    return within.length ? Math.max(...within.map((s) => s.readers)) : null;
  };
  const [oneTotal, twoTotal] = [best(one), best(two)];
  const last = (steps: ClusterStep[]): boolean => steps.length > 0 && withinTarget(steps[steps.length - 1]!);
  if (last(one) || last(two)) notes.push('the largest step stayed within the target: the capacity is at least that (raise --cluster-readers)');
  const result: ClusterResult = {
    steps: [...one, ...two],
    readersPerNode: [oneTotal, twoTotal === null ? null : twoTotal / 2],
    scaling: oneTotal && twoTotal ? twoTotal / oneTotal : null,
    failover: null,
    projected: projectCluster([...one, ...two], oneTotal),
    notes,
  };
  result.failover = await failover(config, pinning, log);
  return result;
}
