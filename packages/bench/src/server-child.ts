/**
 * Child process: the Parley server under test, started through its public API on a real SQLite
 * file (WAL, synchronous=FULL — the server's own setting) with rate limits off, so the benchmark
 * measures the work and not the limiter. It also does what must happen next to the server:
 * minting tokens with its secret, seeding big threads and posting through `dispatch` in-process.
 */
import type { ClientEventName } from '@parley/protocol';
import { signToken, SqliteStore, startParleyServer, type Identity } from '@parley/server';
import { childConfig, serveParent, type CommandHandler } from './child-rpc.js';
import { cpuShare, runClosedLoop } from './closed-loop.js';
import type {
  ActionCost,
  ActionCostsRequest,
  CountStatementsRequest,
  DispatchPostsRequest,
  DispatchPostsResult,
  ParleyChildConfig,
  SeedRequest,
  StoreStats,
  TokenRequest,
} from './parley-child-api.js';
import { WalFrames } from './wal-frames.js';

const config = childConfig<ParleyChildConfig>();
const server = await startParleyServer({
  port: 0,
  host: '127.0.0.1',
  dbPath: config.dbPath,
  // A configured site, as in production: it checks every connection's Origin against its list.
  sites: [{ id: config.siteId, secret: config.secret, origins: [config.origin] }],
  rateLimit: false,
  // The economy's rules as shipped, but money enough that no writer runs dry of Twei for its
  // comment tributes mid-run, and every reader's starting grant fits the day's mint budget.
  economy: { startingGrant: 1_000_000, dailyMintBudget: 1_000_000_000_000 },
  logger: false,
});
// Threads exist only when the host creates them; the bench's are published articles, so reading
// them runs the reading clock (an unpublished post pays no reading and skips that work).
for (const thread of config.threads) {
  await server.upsertThread({ id: thread, title: `Bench ${thread}`, url: `${config.origin}/${thread}`, published: true });
}

const writer = (n: number): Identity => ({ id: `bench-writer-${n}`, name: `Bench Writer ${n}`, avatar: null, level: 50, role: 'reader' });

async function mintTokens(args: unknown): Promise<string[]> {
  const users = args as TokenRequest[];
  return Promise.all(users.map((user) => signToken(config.secret, user, { audience: config.siteId, expiresIn: '2h' })));
}

/** Fills a thread through the same path as real posts, `concurrency` at a time, fast. */
async function seedComments(args: unknown): Promise<{ seconds: number; comments: number }> {
  const { thread, count, replyShare, concurrency } = args as SeedRequest;
  const roots: string[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = next++;
      // A deterministic spread of replies: every comment whose fraction lands below replyShare.
      const parentId = roots.length > 0 && (n * 0.618) % 1 < replyShare ? roots[(n * 7919) % roots.length] : undefined;
      const body = `Seeded comment ${n}: a few words of opinion about the article, long enough to look real.`;
      const input = { requestId: `seed-${n}`, thread, body, ...(parentId ? { parentId } : {}) };
      const ack = await server.dispatch(writer(n % 50), 'comment:post', input);
      if (!ack.ok) throw new Error(`seeding failed: ${JSON.stringify(ack.error)}`);
      if (!parentId) roots.push((ack.data as { comment: { id: string } }).comment.id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { seconds: (performance.now() - started) / 1000, comments: count };
}

/** The store's own ceiling: posts through `dispatch`, no sockets, one identity per writer. */
async function dispatchPosts(args: unknown): Promise<DispatchPostsResult> {
  const { thread, writers, seconds, tag = 'direct' } = args as DispatchPostsRequest;
  const cpuBefore = process.cpuUsage();
  const result = await runClosedLoop(writers, seconds, async (worker, iteration) => {
    const input = { requestId: `${tag}-${thread}-${worker}-${iteration}`, thread, body: `Direct post ${iteration} by writer ${worker}.` };
    const ack = await server.dispatch(writer(1000 + worker), 'comment:post', input);
    return ack.ok ? null : ack.error.code;
  });
  return { ...result, serverCpu: cpuShare(process.cpuUsage(cpuBefore), result.seconds, result.completed) };
}

/** The bench's server always runs on a SQLite file (config.dbPath). */
const sqlite = (): SqliteStore => {
  if (!(server.store instanceof SqliteStore)) throw new Error('the bench server is not on SQLite');
  return server.store;
};

async function storeStats(): Promise<StoreStats> {
  const store = sqlite();
  const checkpoints = store.checkpointStats;
  return {
    ...store.writeStats,
    statements: store.statementCounts,
    catchUps: checkpoints?.catchUps ?? 0,
    catchUpMs: checkpoints?.catchUpMs ?? 0,
    walSyncs: store.walSyncs,
  };
}

async function countStatements(args: unknown): Promise<null> {
  sqlite().countStatements(args as CountStatementsRequest);
  return null;
}

const reader = (name: string): Identity => ({ id: name, name, avatar: null, level: 50, role: 'reader' });

/**
 * What each reader action costs the server, on whatever database it runs: `samples` of each through
 * `dispatch`, one at a time, by readers new to the thread (their accounts opened first, unmeasured).
 * CPU µs per action (this process, every thread) and the wall time of each (it includes the fsync);
 * with `pages`, the WAL frames each action's COMMIT wrote instead.
 */
async function actionCosts(args: unknown): Promise<ActionCost[]> {
  const { thread, samples, tag, pages = false } = args as ActionCostsRequest;
  const wal = pages ? new WalFrames(`${config.dbPath}-wal`) : null;
  const ok = async (who: Identity, event: string, input: unknown): Promise<unknown> => {
    const ack = await server.dispatch(who, event as ClientEventName, input);
    if (!ack.ok) throw new Error(`${event}: ${JSON.stringify(ack.error)}`);
    return ack.data;
  };
  // Targets to like: comments on the thread now (a grown one has many; a fresh one gets a few).
  const poster = reader(`${tag}-poster`);
  const targets: string[] = [];
  for (let n = 0; n < 20; n++) targets.push(((await ok(poster, 'comment:post', { requestId: `${tag}-target-${n}`, thread, body: `Target ${n}` })) as { comment: { id: string } }).comment.id);
  const costs: ActionCost[] = [];
  const measure = async (action: string, act: (who: Identity, n: number) => Promise<unknown>, warm?: (who: Identity, n: number) => Promise<unknown>): Promise<void> => {
    const people = Array.from({ length: samples }, (_, n) => reader(`${tag}-${action}-${n}`));
    for (const [n, who] of people.entries()) {
      await ok(who, 'economy:state', { thread });
      if (warm) await warm(who, n);
    }
    const wall: number[] = [];
    let frames = 0;
    wal?.take();
    const before = process.cpuUsage();
    for (const [n, who] of people.entries()) {
      const started = performance.now();
      await act(who, n);
      wall.push(performance.now() - started);
      if (wal) frames += wal.take().length;
    }
    const cpu = process.cpuUsage(before);
    wall.sort((a, b) => a - b);
    costs.push({
      action,
      samples,
      cpuMicrosPerAction: (cpu.user + cpu.system) / samples,
      wallMsMedian: wall[Math.floor(wall.length / 2)] ?? 0,
      ...(wal && { pagesPerAction: frames / samples }),
    });
  };
  await measure('like', (who, n) => ok(who, 'comment:react', { requestId: `${tag}-like-${n}`, thread, commentId: targets[n % targets.length], value: 'like' }));
  await measure('vote', (who, n) => ok(who, 'post:vote', { requestId: `${tag}-vote-${n}`, thread, value: 'plus' }));
  await measure('post', (who, n) => ok(who, 'comment:post', { requestId: `${tag}-post-${n}`, thread, body: `A new comment ${n} on a thread with history.` }));
  // A beat after the reader's first on this node (which reads the durable clock): the steady beat.
  const beat = (who: Identity): Promise<unknown> => ok(who, 'read:heartbeat', { thread });
  await measure('heartbeat', beat, beat);
  await measure('join', (who) => ok(who, 'thread:join', { thread }));
  wal?.close();
  return costs;
}

const handlers = new Map<string, CommandHandler>([
  ['actionCosts', actionCosts],
  ['mintTokens', mintTokens],
  ['seedComments', seedComments],
  ['dispatchPosts', dispatchPosts],
  ['storeStats', storeStats],
  ['countStatements', countStatements],
]);
serveParent(server.url, handlers, () => server.close());
