/**
 * Two real nodes joined by the real Redis on 127.0.0.1:6379 (PARLEY_TEST_REDIS_URL to point
 * elsewhere), sharing one SQLite file; every run has its own key prefix. Issue 11: every change
 * reaches readers on every node; presence counts, rate limits and level-up pushes are cluster-wide.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PresenceView, type JoinResult, type ThreadEvent, type ViewerSession } from '@parley/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, okData, rid, startTestServer, type ClientSocket, type TestServer } from '../test-helpers.js';
import { refreshViewer } from '../transport/session.js';
import { signToken } from '../transport/tokens.js';
import { Redis } from 'ioredis';
import { resolveSite, SiteDirectory } from '../sites/site-config.js';

const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

async function twoNodes(options: Parameters<typeof startTestServer>[0] = {}): Promise<[TestServer, TestServer]> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
  const redisPrefix = `parley-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const dbPath = join(dir, 'parley.db');
  const a = await startTestServer({ dbPath, redisUrl: REDIS_URL, redisPrefix, presence: { countEveryMs: 20, refreshMs: 200 }, ...options });
  const b = await startTestServer({ dbPath, redisUrl: REDIS_URL, redisPrefix, presence: { countEveryMs: 20, refreshMs: 200 }, threads: [], ...options });
  onTestFinished(async () => {
    rmSync(dir, { recursive: true, force: true });
    // This run's keys and streams only: other runs (and other clusters) share the Redis.
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${redisPrefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });
  for (let i = 0; i < 200 && ((await a.io.of('/').adapter.serverCount()) < 2 || (await b.io.of('/').adapter.serverCount()) < 2); i++) {
    await new Promise((next) => setTimeout(next, 25));
  }
  return [a, b];
}

async function joined(server: TestServer, sub: string, thread = 't'): Promise<ClientSocket> {
  const socket = await server.connect(await server.token(sub, { name: sub, lvl: 20 }));
  okData(await call<JoinResult>(socket, 'thread:join', { thread }));
  return socket;
}

describe('nodes joined by Redis (integration, real Redis)', () => {
  it('[CLUSTER-1] a comment posted on one node reaches readers on the other, in seq order; /ready checks Redis', async () => {
    const [a, b] = await twoNodes();
    const writer = await joined(a, 'ann');
    const reader = await joined(b, 'bob');
    const seen: number[] = [];
    reader.on('thread:events', (events: ThreadEvent[]) => seen.push(...events.map((e) => e.seq)));
    for (let i = 0; i < 5; i++) okData(await call(writer, 'comment:post', { requestId: rid(), thread: 't', body: `from A ${i}` }));
    for (let i = 0; i < 50 && seen.length < 5; i++) await new Promise((next) => setTimeout(next, 20));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const ready = await fetch(`${b.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, store: true, redis: true });
  });

  it('[CLUSTER-2] presence counts add up across nodes', async () => {
    const [a, b] = await twoNodes();
    const sockets = [await joined(a, 'ann'), await joined(b, 'bob'), await joined(b, 'cy')];
    const view = new PresenceView('t');
    sockets[0]!.on('presence:state', (change) => view.applyChange(change));
    for (const socket of sockets) okData(await call(socket, 'presence:set', { thread: 't', typing: null }));
    for (let i = 0; i < 100 && view.readers !== 3; i++) await new Promise((next) => setTimeout(next, 20));
    expect(view.readers).toBe(3);
  });

  it('[CLUSTER-3] a reader\'s rate limit is one budget across nodes', async () => {
    const [a, b] = await twoNodes({ rateLimit: { readsPerUser: { points: 3, duration: 60 } } });
    const onA = await a.connect(await a.token('ann'));
    const onB = await b.connect(await b.token('ann'));
    const pages = (socket: ClientSocket) => call(socket, 'comments:page', { thread: 't', sort: 'new', cursor: 'x' });
    await pages(onA);
    await pages(onA);
    await pages(onB);
    // Three reads spent across two nodes: the fourth is refused on either.
    expect(await pages(onB)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await pages(onA)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('[CLUSTER-4] a level-up is pushed to the reader\'s tabs on every node', async () => {
    const sites = [{ id: 'xp', secret: 'xp-secret-0123456789abcdef0123456789', origins: ['same-origin'], trustHostLevels: false }];
    const [a, b] = await twoNodes({ sites, threads: [] });
    const annToken = await signToken(sites[0]!.secret, { sub: 'ann', name: 'Ann' }, { audience: 'xp' });
    const tabs = [await a.connect(annToken), await b.connect(annToken)];
    const updates = tabs.map((tab) => new Promise<ViewerSession>((resolve) => tab.once('viewer:update', resolve)));
    await a.store.write((tx) => tx.addXp('xp', 'ann', 1000));
    await refreshViewer(a.io, new SiteDirectory([resolveSite(sites[0]!)]), a.store, 'xp', 'ann');
    const [onA, onB] = await Promise.all(updates);
    expect(onA?.level).toBeGreaterThan(1);
    expect(onB?.level).toBe(onA?.level);
  });
});
