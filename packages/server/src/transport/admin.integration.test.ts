/**
 * [ADMIN-1] Only an admin of the thread's site reads or changes its gates over HTTP; every refusal has
 * a status, a code and a message. [ADMIN-2] A change reaches open widgets at once (`thread:gates`) and
 * the server enforces it on the next call.
 */
import type { ThreadGatesUpdate } from '@parley/protocol';
import { io } from 'socket.io-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, okData, rid, startTestServer, TEST_SECRET, TEST_SITE, type ClientSocket, type TestServer } from '../test-helpers.js';
import { signToken } from './tokens.js';

const ADMIN_KEY = 'admin-key-0123456789abcdef';

const adminServer = () =>
  startTestServer({
    sites: [
      { id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], gates: { comment: 13, reply: 13 }, adminKey: ADMIN_KEY },
      { id: 'blog', secret: 'blog-secret-0123456789abcdef0123456789', origins: ['same-origin'] },
    ],
  });

/** Two sites are hosted, so the handshake names one, as the widget's `site` attribute does. */
async function connect(server: TestServer, token?: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(server.url, { transports: ['websocket'], auth: { site: TEST_SITE, ...(token && { token }) }, reconnection: false, forceNew: true });
  onTestFinished(() => void socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function http(url: string, method: string, auth: string | null, body?: string) {
  const res = await fetch(url, {
    method,
    headers: { ...(auth ? { Authorization: `Bearer ${auth}` } : {}), 'Content-Type': 'application/json' },
    ...(body !== undefined && { body }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const gatesUrl = (base: string, thread: string, site = TEST_SITE) =>
  `${base}/admin/sites/${encodeURIComponent(site)}/threads/${encodeURIComponent(thread)}/gates`;

const nextGates = (socket: ClientSocket): Promise<ThreadGatesUpdate> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no thread:gates within 5 s')), 5000);
    socket.once('thread:gates', (update) => {
      clearTimeout(timer);
      resolve(update);
    });
  });

describe('[ADMIN-1] the admin gates endpoint refuses everyone but an admin', () => {
  it('[ADMIN-1] refusals: no credential, bad token, reader, moderator, other site\'s admin, unknown site, wrong method', async () => {
    const server = await adminServer();
    const reader = await connect(server);
    okData(await call(reader, 'thread:join', { thread: 'news/1' }));
    const url = gatesUrl(server.url, 'news/1');
    const blogAdmin = await signToken('blog-secret-0123456789abcdef0123456789', { sub: 'boss', role: 'admin' }, { audience: 'blog' });
    const cases: [string, Promise<{ status: number; body: Record<string, unknown> }>, number, string][] = [
      ['no credential', http(url, 'GET', null), 401, 'auth_required'],
      ['a forged token', http(url, 'GET', await signToken('wrong-secret', { sub: 'x', role: 'admin' }, { audience: TEST_SITE })), 401, 'invalid_token'],
      ['a wrong admin key', http(url, 'GET', 'admin-key-0123456789abcdeX'), 401, 'invalid_token'],
      ['a reader', http(url, 'GET', await server.token('ann')), 403, 'forbidden'],
      ['a moderator', http(url, 'PUT', await server.token('mo', { role: 'moderator' }), '{"gates":{}}'), 403, 'forbidden'],
      ['another site\'s admin', http(url, 'GET', blogAdmin), 401, 'invalid_token'],
      ['an unknown site', http(gatesUrl(server.url, 'news/1', 'nope'), 'GET', ADMIN_KEY), 404, 'unknown_site'],
      ['a thread of another site', http(gatesUrl(server.url, 'news/1', 'blog'), 'GET', blogAdmin), 404, 'not_found'],
      ['a thread never opened', http(gatesUrl(server.url, 'news/2'), 'GET', ADMIN_KEY), 404, 'not_found'],
      ['a bad thread id', http(gatesUrl(server.url, 'no spaces'), 'GET', ADMIN_KEY), 400, 'invalid_payload'],
      ['DELETE', http(url, 'DELETE', ADMIN_KEY), 405, 'method_not_allowed'],
      ['a body that is not JSON', http(url, 'PUT', ADMIN_KEY, 'comment=15'), 400, 'invalid_payload'],
      ['a negative level', http(url, 'PUT', ADMIN_KEY, '{"gates":{"comment":-1}}'), 400, 'invalid_payload'],
      ['an unknown action', http(url, 'PUT', ADMIN_KEY, '{"gates":{"everything":1}}'), 400, 'invalid_payload'],
      ['no gates key', http(url, 'PUT', ADMIN_KEY, '{"comment":15}'), 400, 'invalid_payload'],
      ['an oversized body', http(url, 'PUT', ADMIN_KEY, JSON.stringify({ gates: {}, pad: 'x'.repeat(20_000) })), 413, 'payload_too_large'],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      expect({ name, status: res.status, code: res.body.error, message: typeof res.body.message }).toEqual({ name, status, code, message: 'string' });
    }
    // Nothing above changed the thread.
    expect(await server.store.read((tx) => tx.getThreadSettings(`${TEST_SITE}:news/1`))).toMatchObject({ gates: {} });
  });

  it('[ADMIN-1] an admin token or the site admin key reads the gates: effective, recorded and the site floor', async () => {
    const server = await adminServer();
    expect((await http(gatesUrl(server.url, 'news/1'), 'PUT', ADMIN_KEY, '{"gates":{"comment":15}}')).status).toBe(200);
    const admin = await server.token('boss', { role: 'admin' });
    for (const credential of [admin, ADMIN_KEY]) {
      const res = await http(gatesUrl(server.url, 'news/1'), 'GET', credential);
      expect(res).toEqual({
        status: 200,
        body: {
          site: TEST_SITE,
          thread: 'news/1',
          gates: expect.objectContaining({ comment: 15, reply: 13, react: 0 }),
          recorded: { comment: 15 },
          siteGates: expect.objectContaining({ comment: 13, reply: 13 }),
        },
      });
    }
  });
});

describe('[ADMIN-2] a gate change follows into open widgets and the server', () => {
  it('[ADMIN-2] raising the comment gate broadcasts thread:gates and refuses the next post', async () => {
    const server = await adminServer();
    const sam = await connect(server, await server.token('sam', { lvl: 13 }));
    okData(await call(sam, 'thread:join', { thread: 'news/1' }));
    okData(await call(sam, 'comment:post', { requestId: rid(), thread: 'news/1', body: 'before' }));

    const heard = nextGates(sam);
    const res = await http(gatesUrl(server.url, 'news/1'), 'PUT', ADMIN_KEY, '{"gates":{"comment":20}}');
    expect(res.status).toBe(200);
    expect(await heard).toEqual({ thread: 'news/1', gates: expect.objectContaining({ comment: 20, reply: 13 }) });
    expect(await call(sam, 'comment:post', { requestId: rid(), thread: 'news/1', body: 'after' })).toMatchObject({
      ok: false,
      error: { code: 'level_required', required: 20, level: 13 },
    });

    // Lowering below the site's gate records it, but the site stays the floor.
    const lowered = await http(gatesUrl(server.url, 'news/1'), 'PUT', ADMIN_KEY, '{"gates":{"comment":0}}');
    expect(lowered.body).toMatchObject({ recorded: { comment: 0 }, gates: { comment: 13 } });
    okData(await call(sam, 'comment:post', { requestId: rid(), thread: 'news/1', body: 'open again' }));
  });

  it('[THREAD-1] gates are set on threads the host created: an unknown thread is not_found until POST …/threads creates it', async () => {
    const server = await adminServer();
    expect((await http(gatesUrl(server.url, 'news/later'), 'PUT', ADMIN_KEY, '{"gates":{"comment":30}}')).status).toBe(404);
    const created = await http(`${server.url}/admin/sites/${TEST_SITE}/threads`, 'POST', ADMIN_KEY, JSON.stringify({ id: 'news/later', title: 'Later', gates: { comment: 30 } }));
    expect(created).toMatchObject({ status: 200, body: { created: true, thread: { id: 'news/later', title: 'Later', gates: { comment: 30 }, published: false, origin: 'admin' } } });
    const reader = await connect(server, await server.token('ann', { lvl: 20 }));
    const joined = okData(await call<{ viewer: { gates: Record<string, number> } }>(reader, 'thread:join', { thread: 'news/later' }));
    expect(joined.viewer.gates.comment).toBe(30);
  });
});

describe('[THREAD-1] the admin thread API', () => {
  it('[THREAD-1] create, update, show, list and publish; refusals explain themselves', async () => {
    const server = await adminServer();
    const base = `${server.url}/admin/sites/${TEST_SITE}/threads`;
    const create = (body: unknown, credential: string | null = ADMIN_KEY) => http(base, 'POST', credential, JSON.stringify(body));
    expect((await create({ id: 'world/1', title: 'Iran talks', url: 'https://news.example/world/1' })).body).toMatchObject({ created: true });
    expect((await create({ id: 'world/1', title: 'Iran talks, updated' })).body).toMatchObject({ created: false, thread: { title: 'Iran talks, updated', url: 'https://news.example/world/1' } });
    expect((await create({ id: 'world/2' }, await server.token('ann'))).status).toBe(403);
    expect((await create({ id: 'no spaces' })).body).toMatchObject({ error: 'invalid_payload' });
    expect((await create({ id: 'x', url: 'javascript:alert(1)' })).body).toMatchObject({ error: 'invalid_payload' });
    expect((await create({ id: 'x', gates: { comment: 5000 } })).body).toMatchObject({ error: 'invalid_payload' });
    const one = `${base}/${encodeURIComponent('world/1')}`;
    expect((await http(one, 'GET', ADMIN_KEY)).body).toMatchObject({ thread: { id: 'world/1', published: false, author: null } });
    const published = await http(`${one}/publish`, 'POST', ADMIN_KEY, JSON.stringify({ author: 'staff' }));
    expect(published.body).toMatchObject({ thread: { id: 'world/1', published: true, author: 'staff' } });
    // Publishing again changes nothing; the first author stays.
    expect((await http(`${one}/publish`, 'POST', ADMIN_KEY, JSON.stringify({ author: 'other' }))).body).toMatchObject({ thread: { author: 'staff' } });
    expect((await http(`${base}/${encodeURIComponent('never')}/publish`, 'POST', ADMIN_KEY, '{}')).status).toBe(404);
    const listed = await http(`${base}?limit=100`, 'GET', ADMIN_KEY);
    expect((listed.body.threads as { id: string }[]).map((t) => t.id)).toContain('world/1');
  });
});
