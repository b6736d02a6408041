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
import { call, identity, okData, rid, startTestServer, type ClientSocket, type TestServer } from '../test-helpers.js';
import { NOTES_TEXT } from '@parley/protocol';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import * as Y from 'yjs';
import type { Identity } from '../domain/identity.js';
import type { ParleyError } from '../errors.js';
import { Notes } from '../realtime/notes.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Caller, ParleyIo } from '../transport/types.js';
import { refreshViewer } from '../transport/session.js';
import { signToken } from '../transport/tokens.js';
import { Redis } from 'ioredis';
import { io as connectSocket } from 'socket.io-client';
import { NODE_ALIVE_MS } from './open-connections.js';
import { dropRedisPrefixAfterTest, REDIS_URL, untilNodesSee } from './test-nodes.js';
import { resolveSite, SiteDirectory } from '../sites/site-config.js';


async function twoNodes(options: Parameters<typeof startTestServer>[0] = {}): Promise<[TestServer, TestServer]> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
  const redisPrefix = `parley-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const dbPath = join(dir, 'parley.db');
  const a = await startTestServer({ dbPath, redisUrl: REDIS_URL, redisPrefix, presence: { countEveryMs: 20, refreshMs: 200 }, ...options });
  const b = await startTestServer({ dbPath, redisUrl: REDIS_URL, redisPrefix, presence: { countEveryMs: 20, refreshMs: 200 }, threads: [], ...options });
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  dropRedisPrefixAfterTest(onTestFinished, redisPrefix);
  await untilNodesSee([a, b]);
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

  it('[CLUSTER-13] open connections per address are counted across nodes; a node that stops takes its share away', async () => {
    const [a, b] = await twoNodes({ rateLimit: { connectionsPerIp: 2 } });
    const open = (url: string) => {
      const socket = connectSocket(url, { transports: ['websocket'], reconnection: false, forceNew: true });
      onTestFinished(() => void socket.disconnect());
      return new Promise<{ socket: typeof socket; refused?: { code?: string; message?: string } }>((resolve) => {
        socket.once('connect', () => resolve({ socket }));
        socket.once('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => resolve({ socket, refused: error.data ?? { message: error.message } }));
      });
    };
    const first = await open(a.url);
    const second = await open(b.url);
    expect([first.refused, second.refused]).toEqual([undefined, undefined]);
    // The address holds two, one on each node: a third is refused on either.
    expect((await open(a.url)).refused).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/Too many connections from your network/) });
    expect((await open(b.url)).refused).toMatchObject({ code: 'rate_limited' });
    // One closed on A lets one in on B.
    first.socket.disconnect();
    let third = await open(b.url);
    for (let i = 0; i < 50 && third.refused; i++) {
      third.socket.disconnect();
      await new Promise((next) => setTimeout(next, 40));
      third = await open(b.url);
    }
    expect(third.refused).toBeUndefined();
    // B holds two now. A node that dies stops counting once its liveness key lapses (NODE_ALIVE_MS):
    // here its key is removed by hand, as if it had expired.
    expect(NODE_ALIVE_MS).toBeLessThanOrEqual(30_000);
    const redis = new Redis(REDIS_URL);
    onTestFinished(() => void redis.quit());
    const prefix = (await redis.keys(`parley-test-${process.pid}-*:conns:*`))[0]?.split(':conns:')[0];
    expect(prefix).toBeDefined();
    const liveness = await redis.keys(`${prefix}:node:*`);
    expect(liveness).toHaveLength(2);
    await redis.del(...liveness);
    const again = [await open(a.url), await open(a.url)];
    expect(again.map((o) => o.refused)).toEqual([undefined, undefined]);
    expect((await open(a.url)).refused).toMatchObject({ code: 'rate_limited' });
  });

  it('[CLUSTER-14] a reader\'s notes updates share one budget across nodes (beside each node\'s bucket)', async () => {
    const redis = new Redis(REDIS_URL);
    onTestFinished(() => void redis.quit());
    const keyPrefix = `parley-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}:notes`;
    onTestFinished(async () => {
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length) await redis.del(...keys);
    });
    const store = SqliteStore.open({ path: ':memory:' });
    onTestFinished(() => store.close());
    // Two nodes' notes services, one budget of 5 in Redis; each node's own bucket would allow 30.
    const budget = new RateLimiterRedis({ storeClient: redis, keyPrefix, points: 5, duration: 30 });
    const relays = { to: () => ({ emit: () => undefined }) } as unknown as ParleyIo;
    const site = resolveSite({ id: 'default', secret: 'unused' }, { development: true });
    const options = { io: relays, store, gate: async (who: Identity | null) => who!, resolve: (_c: Caller, id: string) => ({ site, id, key: `default:${id}` }), clusterBudget: budget };
    const nodes = [new Notes(options), new Notes(options)];
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    const caller: Caller = { identity: identity('ann'), socket: null, ip: null, tokenExpiresAt: null, site: null };
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      doc.getText(NOTES_TEXT).insert(0, 'k');
      outcomes.push(await nodes[i % 2]!.update(caller, { thread: 'n', update: updates.at(-1)! }).then(() => 'ok', (error: ParleyError) => `${error.code}:${error.details?.retryAfterMs ? 'wait' : 'none'}`));
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited:wait', 'rate_limited:wait', 'rate_limited:wait']);
  });
});
