/**
 * The real deployment of issue 11: two nodes over one PostgreSQL database (a fresh one per run)
 * and one Redis (a fresh key prefix per run). Writers on both nodes post into one thread at once;
 * readers on both nodes receive the same events, none lost, none doubled.
 */
import { randomBytes } from 'node:crypto';
import type { JoinResult, ThreadEvent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { PostgresStore } from '../store/postgres/postgres-store.js';
import { testDatabase } from '../store/postgres/test-database.js';
import { call, okData, rid, startTestServer, type ClientSocket, type TestServer } from '../test-helpers.js';

const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const { url: databaseUrl } = testDatabase('parley_cluster');

async function twoNodes(): Promise<[TestServer, TestServer]> {
  const redisPrefix = `parley-pg-${process.pid}-${randomBytes(3).toString('hex')}`;
  const shared = { dbPath: undefined, databaseUrl, redisUrl: REDIS_URL, redisPrefix, economy: { startingGrant: 500 } };
  const a = await startTestServer({ ...shared, threads: ['hot'] });
  const b = await startTestServer({ ...shared, threads: [] });
  for (let i = 0; i < 200 && ((await a.io.of('/').adapter.serverCount()) < 2 || (await b.io.of('/').adapter.serverCount()) < 2); i++) {
    await new Promise((next) => setTimeout(next, 25));
  }
  return [a, b];
}

async function reader(server: TestServer, sub: string): Promise<{ socket: ClientSocket; seqs: number[] }> {
  const socket = await server.connect(await server.token(sub, { name: sub, lvl: 20 }));
  const seqs: number[] = [];
  socket.on('thread:events', (events: ThreadEvent[]) => seqs.push(...events.map((e) => e.seq)));
  okData(await call<JoinResult>(socket, 'thread:join', { thread: 'hot' }));
  return { socket, seqs };
}

describe('two nodes over PostgreSQL and Redis (integration)', () => {
  it('[CLUSTER-6][CLUSTER-12] writers on both nodes at once: every reader on either node gets every seq once', async () => {
    const [a, b] = await twoNodes();
    const readers = [await reader(a, 'ra'), await reader(b, 'rb')];
    const writers = [await reader(a, 'wa'), await reader(b, 'wb')];
    const posts = writers.flatMap((w, n) => Array.from({ length: 15 }, (_, i) => call(w.socket, 'comment:post', { requestId: rid(), thread: 'hot', body: `node ${n} post ${i}` })));
    const acks = await Promise.all(posts);
    expect(acks.filter((ack) => !ack.ok)).toEqual([]);
    const expected = Array.from({ length: 30 }, (_, i) => i + 1);
    for (let i = 0; i < 200 && readers.some((r) => r.seqs.length < 30); i++) await new Promise((next) => setTimeout(next, 25));
    // Every seq once on either node. (Two nodes' messages may reach a reader slightly out of order;
    // putting them back in order is the widget's grace window, W-S11.)
    for (const r of readers) expect([...r.seqs].sort((x, y) => x - y)).toEqual(expected);
    // [CLUSTER-12] Each post ran in its thread's turn (the dispatcher's write scope), [HOT-4] in
    // batches of the node's waiting posts: a turn a batch.
    const stats = [a, b].map((node) => (node.store as PostgresStore).stats);
    expect(stats.map((s) => s.batchedWrites)).toEqual([15, 15]);
    for (const s of stats) expect(s.turns).toBe(s.batches);
  }, 30_000);
});
