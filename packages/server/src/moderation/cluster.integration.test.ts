/**
 * Moderation across two real nodes joined by the real Redis (one SQLite file): a ban made through
 * one node's console reaches the reader's socket on the other node at once, the other node's
 * console stream hears it, and the console session signed by one node is valid on the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JoinResult, OwnCommentRejected, PostCommentResult, ViewerSession } from '@parley/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, okData, startTestServer, TEST_SECRET, TEST_SITE, type TestServer } from '../test-helpers.js';
import { dropRedisPrefixAfterTest, REDIS_URL, untilNodesSee } from '../cluster/test-nodes.js';

const ADMIN_KEY = 'cluster-admin-key-0123456789';

async function twoNodes(): Promise<[TestServer, TestServer]> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-mod-redis-'));
  const redisPrefix = `parley-mod-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const options = {
    dbPath: join(dir, 'parley.db'),
    redisUrl: REDIS_URL,
    redisPrefix,
    sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], adminKey: ADMIN_KEY, premoderation: { belowLevel: 10 } }],
  };
  // Before the servers: onTestFinished runs last-registered first, so the files go once both are closed.
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const a = await startTestServer(options);
  const b = await startTestServer({ ...options, threads: [] });
  dropRedisPrefixAfterTest(onTestFinished, redisPrefix);
  await untilNodesSee([a, b]);
  return [a, b];
}

/** The first server-sent event named `name` on `url`'s stream. */
async function firstEvent(url: string, cookie: string, name: string): Promise<{ started: Promise<void>; event: Promise<unknown> }> {
  const controller = new AbortController();
  onTestFinished(() => controller.abort());
  const response = await fetch(url, { headers: { cookie }, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const event = (async () => {
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      text += decoder.decode(value);
      const match = new RegExp(`event: ${name.replace('.', '\\.')}\\ndata: (.*)\\n`).exec(text);
      if (match?.[1]) return JSON.parse(match[1]) as unknown;
    }
  })();
  return { started: Promise.resolve(), event };
}

describe('moderation across nodes (real Redis)', () => {
  it('[BAN-4] [CON-1] a ban through node A reaches the reader on node B at once; B\'s console stream hears it; A\'s session works on B', async () => {
    const [a, b] = await twoNodes();
    const reader = await b.connect(await b.token('zed', { lvl: 20 }));
    okData(await call<JoinResult>(reader, 'thread:join', { thread: 't' }));
    const signIn = await fetch(`${a.url}/admin/api/session`, { method: 'POST', body: JSON.stringify({ credential: ADMIN_KEY }) });
    const { csrf } = (await signIn.json()) as { csrf: string };
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const stream = await firstEvent(`${b.url}/admin/api/stream`, cookie, 'reader.banned');
    const told = new Promise<ViewerSession>((resolve) => reader.once('viewer:update', resolve));
    const banned = await fetch(`${a.url}/admin/api/actions`, {
      method: 'POST',
      headers: { cookie, 'X-Parley-CSRF': csrf, 'Content-Type': 'application/json' },
      body: JSON.stringify({ items: [{ action: 'ban', userId: 'zed', kind: 'suspend', durationMs: 3_600_000, reason: 'cooling off' }] }),
    });
    expect(banned.status).toBe(200);
    expect((await told).restriction).toMatchObject({ kind: 'suspend', reason: 'cooling off' });
    expect(await stream.event).toMatchObject({ site: TEST_SITE, userId: 'zed', kind: 'suspend', by: { role: 'key' } });
    const refused = await call(reader, 'comment:post', { requestId: 'r-zed-1', thread: 't', body: 'still here' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'suspended' } });
  });

  it('[PREMOD-7] a held comment rejected through node A is told to its author\'s sockets on both nodes, once each', async () => {
    const [a, b] = await twoNodes();
    const token = await b.token('newbie', { lvl: 3 });
    const onB = await b.connect(token);
    const onA = await a.connect(token);
    const other = await b.connect(await b.token('zoe', { lvl: 20 }));
    for (const socket of [onB, onA, other]) okData(await call<JoinResult>(socket, 'thread:join', { thread: 't' }));
    const held = okData(await call<PostCommentResult>(onB, 'comment:post', { requestId: 'r-newbie-1', thread: 't', body: 'Please let me in' }));
    expect(held.comment.status).toBe('held');
    const heard = new Map<string, OwnCommentRejected[]>([['a', []], ['b', []], ['other', []]]);
    onA.on('own:rejected', (n: OwnCommentRejected) => heard.get('a')!.push(n));
    onB.on('own:rejected', (n: OwnCommentRejected) => heard.get('b')!.push(n));
    other.on('own:rejected', (n: OwnCommentRejected) => heard.get('other')!.push(n));
    const told = Promise.all([onA, onB].map((socket) => new Promise((resolve) => socket.once('own:rejected', resolve))));

    const signIn = await fetch(`${a.url}/admin/api/session`, { method: 'POST', body: JSON.stringify({ credential: ADMIN_KEY }) });
    const { csrf } = (await signIn.json()) as { csrf: string };
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const rejected = await fetch(`${a.url}/admin/api/actions`, {
      method: 'POST',
      headers: { cookie, 'X-Parley-CSRF': csrf, 'Content-Type': 'application/json' },
      body: JSON.stringify({ items: [{ action: 'reject', commentId: held.comment.id, reason: 'off-topic' }] }),
    });
    expect(rejected.status).toBe(200);
    await told;
    // A round trip on every socket after the notice: a second copy would have arrived before it.
    for (const socket of [onA, onB, other]) okData(await call<JoinResult>(socket, 'thread:join', { thread: 't' }));
    const notice = { thread: 't', commentId: held.comment.id, reason: 'off-topic' };
    expect(Object.fromEntries(heard)).toEqual({ a: [notice], b: [notice], other: [] });
  });

  it('[CON-8] a console session signed out on node A is refused on node B', async () => {
    const [a, b] = await twoNodes();
    const signIn = await fetch(`${a.url}/admin/api/session`, { method: 'POST', body: JSON.stringify({ credential: ADMIN_KEY }) });
    const { csrf } = (await signIn.json()) as { csrf: string };
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const onB = async () => (await fetch(`${b.url}/admin/api/counts`, { headers: { cookie } })).status;
    expect(await onB()).toBe(200);
    expect((await fetch(`${a.url}/admin/api/session`, { method: 'DELETE', headers: { cookie, 'X-Parley-CSRF': csrf } })).status).toBe(200);
    expect(await onB()).toBe(401);
  });
});
