/**
 * Issue 11 as it will be tried, with THREE real `parley serve` processes over one real PostgreSQL
 * database (a fresh one per run) and the real Redis (a fresh key prefix per run): readers and writers
 * on every node, presence and a reader's limits compared across nodes, a level-up pushed to a reader's
 * tabs on every node, one node SIGKILLed in the middle of a burst, and what happens on the others
 * while a frozen node is still counted by the cluster.
 *
 * An in-process observer node joins the same cluster only to read the adapter's count of nodes (the
 * Redis subscriptions: a killed node leaves it at once, a frozen one — SIGSTOP, like a long GC pause
 * or a cut-off network — stays, and anything that awaited every node would wait for it).
 */
import { PresenceView, type PostCommentResult, type PresenceSnapshot, type ViewerSession } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startParleyServer, type ParleyServer } from '../server.js';
import { testDatabase } from '../store/postgres/test-database.js';
import type { ClientSocket } from '../test-helpers.js';
import { signToken } from '../transport/tokens.js';
import { buildCli, call, cluster, connect, kill, REDIS_URL, ThreadMirror, until, type Cluster, type NodeProcess } from './test-nodes.js';

const SITE = 'c3';
const SECRET = 'three-nodes-test-secret-0123456789abcdef';
/** Reads per reader: generous for every reader here, small enough to spend in one test (CLUSTER-3). */
const READS = 60;
const site = { id: SITE, secret: SECRET, origins: ['same-origin'], trustHostLevels: false, levelCurve: [0, 1, 50, 100] };
// A plus pays at once here (no account-age bar, REACT-4): one plus on a reader's post is a level-up on this curve.
const config = { sites: [site], economy: { startingGrant: 200, minGiverAgeMs: 0 }, limits: { readsPerUser: { points: READS, duration: 600 } } };
const { url: databaseUrl } = testDatabase('parley_three');

let nodes: Cluster;
let a: NodeProcess;
let b: NodeProcess;
let c: NodeProcess;
let observer: ParleyServer;

const token = (sub: string): Promise<string> => signToken(SECRET, { sub, name: sub }, { audience: SITE });
const nodeCount = (): Promise<number> => observer.io.of('/').adapter.serverCount();

/** A socket of `sub` on `node`, closed after the test. */
async function tab(node: NodeProcess, sub: string): Promise<ClientSocket> {
  const socket = await connect(node.url, await token(sub));
  onTestFinished(() => void socket.disconnect());
  return socket;
}

async function mirror(node: NodeProcess, sub: string, thread: string): Promise<ThreadMirror> {
  const reader = new ThreadMirror(thread, await token(sub));
  await reader.attach(node.url);
  onTestFinished(() => void reader.socket?.disconnect());
  return reader;
}

/** Until every reader has applied `seq`; one that sees a gap rejoins with `since`, as the widget does after its grace. */
async function converge(readers: ThreadMirror[], seq: number): Promise<void> {
  await until(() => readers.every((r) => r.applied >= seq), 200);
  for (const r of readers) if (r.applied < seq) await r.rejoin();
}

/** What the thread holds, read through `node` by a fresh reader. */
async function stored(node: NodeProcess, thread: string): Promise<{ seq: number; bodies: string[] }> {
  const reader = await mirror(node, `audit-${Math.random().toString(36).slice(2, 8)}`, thread);
  return { seq: reader.applied, bodies: reader.bodies() };
}

function post(writer: ClientSocket, thread: string, requestId: string, body: string) {
  return call<PostCommentResult>(writer, 'comment:post', { requestId, thread, body });
}

describe('three parley serve nodes over PostgreSQL and Redis (integration)', () => {
  beforeAll(async () => {
    buildCli();
    nodes = cluster({ databaseUrl, config });
    // The first migrates; the other two start together (migrations take turns on an advisory lock).
    a = await nodes.start();
    [b, c] = await Promise.all([nodes.start(), nodes.start()]);
    observer = await startParleyServer({
      databaseUrl,
      redisUrl: REDIS_URL,
      redisPrefix: nodes.redisPrefix,
      sites: [site],
      logger: false,
      rateLimit: false,
    });
    for (const thread of ['all', 'pres', 'limits', 'burst']) await observer.upsertThread({ id: thread, published: true }, SITE);
    // Posts written by the readers whose level-ups are watched: a plus on the post pays its author at once.
    await observer.upsertThread({ id: 'levels', published: true, author: 'riser' }, SITE);
    await observer.upsertThread({ id: 'after-death', published: true, author: 'riser2' }, SITE);
    await until(async () => (await nodeCount()) === 4);
    expect(await nodeCount()).toBe(4);
  }, 120_000);

  afterAll(async () => {
    await observer?.close();
    await nodes?.stop();
  });

  it('[CLUSTER-10] writers and readers on all three nodes: every reader converges on every post, each stored once', async () => {
    const servers = [a, b, c];
    const readers = await Promise.all(servers.flatMap((node, n) => [mirror(node, `r${n}a`, 'all'), mirror(node, `r${n}b`, 'all')]));
    const writers = await Promise.all(servers.map((node, n) => tab(node, `w${n}`)));
    const acks = await Promise.all(writers.flatMap((w, n) => Array.from({ length: 5 }, (_, i) => post(w, 'all', `all-${n}-${i}`, `node ${n} post ${i}`))));
    expect(acks.filter((ack) => !ack.ok)).toEqual([]);
    const expected = writers.flatMap((_, n) => Array.from({ length: 5 }, (_, i) => `node ${n} post ${i}`)).sort();
    await converge(readers, 15);
    for (const r of readers) expect(r.bodies().slice().sort()).toEqual(expected);
    // Every reader shows the same thread, in the same order, as the store.
    const truth = await stored(b, 'all');
    expect(truth.seq).toBe(15);
    for (const r of readers) expect(r.bodies()).toEqual(truth.bodies);
  }, 60_000);

  it('[CLUSTER-2][CLUSTER-7] presence: readers on every node all see the same count', async () => {
    const views: PresenceView[] = [];
    const servers = [a, b, c, a, b, c];
    for (const [n, node] of servers.entries()) {
      const socket = await tab(node, `p${n}`);
      const view = new PresenceView('pres');
      socket.on('presence:state', (change) => view.applyChange(change));
      expect((await call(socket, 'thread:join', { thread: 'pres' })).ok).toBe(true);
      const sync = await call<PresenceSnapshot>(socket, 'presence:sync', { thread: 'pres' });
      if (sync.ok) view.applySnapshot(sync.data);
      expect((await call(socket, 'presence:set', { thread: 'pres', typing: null })).ok).toBe(true);
      views.push(view);
    }
    await until(() => views.every((view) => view.readers === 6));
    expect(views.map((view) => view.readers)).toEqual([6, 6, 6, 6, 6, 6]);
  }, 60_000);

  it('[CLUSTER-3][CLUSTER-8] a reader\'s read budget and heartbeat bound are one across the three nodes', async () => {
    const tabs = [await tab(a, 'thrifty'), await tab(b, 'thrifty'), await tab(c, 'thrifty')];
    // One heartbeat per half interval per reader, whichever node each tab reached: one of three at once.
    for (const t of tabs) expect((await call(t, 'thread:join', { thread: 'limits' })).ok).toBe(true);
    const beats = await Promise.all(tabs.map((t) => call(t, 'read:heartbeat', { thread: 'limits' })));
    expect(beats.filter((beat) => beat.ok)).toHaveLength(1);
    expect(beats.filter((beat) => !beat.ok).map((beat) => !beat.ok && beat.error.code)).toEqual(['rate_limited', 'rate_limited']);
    // READS reads per reader, spread over three nodes (three joins spent already).
    const read = (t: ClientSocket) => call(t, 'presence:sync', { thread: 'limits' });
    for (let i = 3; i < READS; i++) {
      const sync = await read(tabs[i % 3]!);
      expect(sync.ok, JSON.stringify(sync)).toBe(true);
    }
    for (const t of tabs) expect(await read(t)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  }, 60_000);

  it('[CLUSTER-4] a level-up is pushed to the reader\'s tabs on all three nodes', async () => {
    const tabs = [await tab(a, 'riser'), await tab(b, 'riser'), await tab(c, 'riser')];
    const levels = tabs.map((t) => new Promise<number>((resolve) => t.on('viewer:update', (session: ViewerSession) => session.level > 1 && resolve(session.level))));
    // A plus on node B pays the post's author (2 Twei, XP 2 = level 2 on this site's curve).
    const fan = await tab(b, 'fan');
    const voted = await call(fan, 'post:vote', { requestId: 'fan-1', thread: 'levels', value: 'plus' });
    expect(voted.ok, JSON.stringify(voted)).toBe(true);
    expect(await Promise.all(levels)).toEqual([2, 2, 2]);
  }, 60_000);

  it('[CLUSTER-10] one node SIGKILLed mid-burst: nothing acknowledged lost, nothing doubled, every reader converges, the node rejoins', async () => {
    const servers = [a, b, c];
    const readers = await Promise.all(servers.flatMap((node, n) => [mirror(node, `k${n}a`, 'burst'), mirror(node, `k${n}b`, 'burst')]));
    const writers = await Promise.all(servers.map((node, n) => tab(node, `kw${n}`)));
    const sent = writers.map((_, n) => Array.from({ length: 8 }, (_, i) => ({ requestId: `burst-${n}-${i}`, body: `kill ${n} post ${i}` })));
    const acked = new Set<string>();
    let ackedOnC = 0;
    const inFlight = writers.flatMap((w, n) =>
      sent[n]!.map(({ requestId, body }) =>
        post(w, 'burst', requestId, body)
          .then((ack) => {
            if (!ack.ok) return;
            acked.add(body);
            if (n === 2) ackedOnC++;
          })
          .catch(() => undefined),
      ),
    );
    // In the middle of the burst: once node C has acknowledged a first post of its writer's eight.
    await until(() => ackedOnC > 0, 400, 1);
    await kill(c, 'SIGKILL');
    await Promise.all(inFlight);

    // Before any retry: every acknowledged post is there, read through a survivor.
    const afterKill = await stored(a, 'burst');
    for (const body of acked) expect(afterKill.bodies).toContain(body);

    // Node C's readers reconnect to the survivors and catch up from where they were (`since`);
    // its writer retries everything it sent on node A, acknowledged or not.
    const orphans = readers.slice(4);
    await until(() => orphans.every((r) => !r.socket?.connected));
    await orphans[0]!.attach(a.url);
    await orphans[1]!.attach(b.url);
    const retrying: [ClientSocket, { requestId: string; body: string }[]][] = [
      [await tab(a, 'kw2'), sent[2]!],
      [writers[0]!, sent[0]!],
      [writers[1]!, sent[1]!],
    ];
    for (const [w, mine] of retrying) {
      for (const { requestId, body } of mine) {
        const ack = await post(w, 'burst', requestId, body);
        expect(ack.ok, JSON.stringify(ack)).toBe(true);
      }
    }
    const everything = sent.flat().map((s) => s.body).sort();
    const truth = await stored(b, 'burst');
    // Nothing doubled: each post once, whatever was retried.
    expect(truth.bodies.slice().sort()).toEqual(everything);
    expect(truth.seq).toBe(24);
    await converge(readers, 24);
    for (const r of readers) expect(r.bodies()).toEqual(truth.bodies);

    // Node C restarted joins the cluster again: it serves the thread and hears posts made elsewhere.
    c = await nodes.start();
    const back = await mirror(c, 'returning', 'burst');
    expect(back.bodies()).toEqual(truth.bodies);
    await until(async () => (await nodeCount()) === 4);
    expect(await nodeCount()).toBe(4);
    const late = await post(writers[0]!, 'burst', 'burst-late', 'after the restart');
    expect(late.ok).toBe(true);
    await converge([back, ...readers], 25);
    expect(back.bodies()).toEqual([...truth.bodies, 'after the restart']);
    for (const r of readers) expect(r.bodies()).toEqual(back.bodies());
  }, 60_000);

  it('[CLUSTER-7] a node frozen while the cluster still counts it: presence syncs and level-ups on the others go on without it', async () => {
    // Readers on B, a reader's tabs on A, B and C; then C freezes.
    const onB = [await tab(b, 'd1'), await tab(b, 'd2')];
    for (const socket of onB) {
      expect((await call(socket, 'thread:join', { thread: 'after-death' })).ok).toBe(true);
      expect((await call(socket, 'presence:set', { thread: 'after-death', typing: null })).ok).toBe(true);
    }
    const riserTabs = [await tab(a, 'riser2'), await tab(b, 'riser2'), await tab(c, 'riser2')];
    const before = await nodeCount();
    // Frozen: its connections stay open, so Redis and the cluster still count it; it answers nothing.
    c.child.kill('SIGSTOP');

    // A newcomer on A: its sync is answered at once, and B's readers reach it (asked, not awaited).
    const newcomer = await tab(a, 'd3');
    const view = new PresenceView('after-death');
    newcomer.on('presence:state', (change) => view.applyChange(change));
    expect((await call(newcomer, 'thread:join', { thread: 'after-death' })).ok).toBe(true);
    const sync = await call<PresenceSnapshot>(newcomer, 'presence:sync', { thread: 'after-death' });
    expect(sync.ok).toBe(true);
    if (sync.ok) view.applySnapshot(sync.data);
    expect((await call(newcomer, 'presence:set', { thread: 'after-death', typing: null })).ok).toBe(true);
    await until(() => view.readers === 3);
    expect(view.readers).toBe(3);

    // A level-up credited on A (a plus on their post) reaches the reader's tab on B.
    const levelOnB = new Promise<number>((resolve) => riserTabs[1]!.on('viewer:update', (session: ViewerSession) => session.level > 1 && resolve(session.level)));
    const fan = await tab(a, 'fan2');
    expect((await call(fan, 'post:vote', { requestId: 'fan2-1', thread: 'after-death', value: 'plus' })).ok).toBe(true);
    expect(await levelOnB).toBe(2);

    // All of it while the cluster still counted the frozen node: nothing waited for it.
    expect(await nodeCount()).toBe(before);
    // Killed, it leaves the count as soon as Redis sees its connections close.
    await kill(c, 'SIGKILL');
    await until(async () => (await nodeCount()) === before - 1);
    expect(await nodeCount()).toBe(before - 1);
  }, 60_000);
});

