/**
 * `GET /api/thread-page` over real HTTP beside real sockets: [PAINT-1] the guest join's page with its
 * seq, [PAINT-2] cacheable with a validator, [PAINT-3] the Origin rules of the socket join,
 * [PAINT-4] unknown threads and sites, bad input, [PAINT-5] rate limited like joins, [PAINT-6] a
 * socket that joins `since` the page's seq misses nothing.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { JoinResult, ThreadEvent } from '@parley/protocol';
import type { SiteOptions } from '../sites/site-config.js';
import { call, okData, rid, startTestServer, TEST_SECRET, TEST_SITE } from '../test-helpers.js';
import type { ThreadPageResponse } from './thread-page.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request(url, { headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    })
      .on('error', reject)
      .end();
  });
}

function getRaw(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

const pageUrl = (base: string, query: Record<string, string>): string => `${base}/api/thread-page?${new URLSearchParams(query).toString()}`;
const ALLOWED = 'https://news.example.com';
const news = (overrides: Partial<SiteOptions> = {}): SiteOptions => ({ id: TEST_SITE, secret: TEST_SECRET, origins: [ALLOWED], ...overrides });

describe('GET /api/thread-page', () => {
  it('[PAINT-1] answers exactly what a guest\'s thread:join answers, with the thread\'s seq and the economy rules', async () => {
    const server = await startTestServer();
    const writer = await server.connect(await server.token('w', { lvl: 20 }));
    okData(await call(writer, 'thread:join', { thread: 'news/1' }));
    for (const body of ['first', 'second', 'third']) okData(await call(writer, 'comment:post', { requestId: rid(), thread: 'news/1', body }));
    const guest = await server.connect();
    const joined = okData(await call<JoinResult>(guest, 'thread:join', { thread: 'news/1', sort: 'old', pageSize: 2 }));
    const reply = await get(pageUrl(server.url, { thread: 'news/1', sort: 'old', pageSize: '2' }));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(reply.text) as ThreadPageResponse;
    expect(body.site).toBe(TEST_SITE);
    expect(body.join).toEqual(joined);
    expect(body.join.thread.seq).toBe(3);
    expect(body.join.page.comments.map((c) => c.body)).toEqual(['first', 'second']);
    expect(body.join.viewer).toMatchObject({ user: null, role: 'guest' });
    expect(body.economy?.rules.amounts.commentTributes).toEqual(expect.any(Number));
    // Compressed for a client that asks, the same page.
    const compressed = await getRaw(pageUrl(server.url, { thread: 'news/1', sort: 'old', pageSize: '2' }), { 'Accept-Encoding': 'br, gzip' });
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.body.length).toBeLessThan(reply.text.length);
    expect(JSON.parse(brotliDecompressSync(compressed.body).toString())).toEqual(body);
    expect(compressed.headers.etag).toBe(reply.headers.etag);
  });

  it('[PAINT-2] is cacheable with a validator: an unchanged thread revalidates to a 304 without a body, a change gives a new ETag', async () => {
    const server = await startTestServer();
    const url = pageUrl(server.url, { thread: 't' });
    const first = await get(url);
    expect(first.headers['cache-control']).toBe('public, no-cache');
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get(url, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(etag);
    const writer = await server.connect(await server.token('w'));
    okData(await call(writer, 'thread:join', { thread: 't' }));
    okData(await call(writer, 'comment:post', { requestId: rid(), thread: 't', body: 'news' }));
    const changed = await get(url, { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('[PAINT-3] follows the Origin rules of the socket join: the allowed origin may read it, others get origin_not_allowed naming the fix, readable by their page', async () => {
    const server = await startTestServer({ sites: [news()] });
    const url = pageUrl(server.url, { thread: 't' });
    const allowed = await get(url, { Origin: ALLOWED });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(allowed.headers.vary).toMatch(/Origin/);
    for (const origin of ['https://evil.example', 'https://news.example.com.evil.example', 'http://news.example.com']) {
      const refused = await get(url, { Origin: origin });
      expect(refused.status).toBe(403);
      // Readable by the refused page (its widget shows what to fix); the refusal holds nothing else.
      expect(refused.headers['access-control-allow-origin']).toBe(origin);
      const error = JSON.parse(refused.text) as { code: string; message: string };
      expect(error.code).toBe('origin_not_allowed');
      expect(error.message).toContain(`add ${JSON.stringify(origin.toLowerCase())} to that site's "origins"`);
    }
    // [ORIGIN-4] without Origin only a site listing same-origin answers.
    expect((await get(url)).status).toBe(403);
    const sameOrigin = await startTestServer({ sites: [news({ origins: ['same-origin'] })] });
    expect((await get(pageUrl(sameOrigin.url, { thread: 't' }))).status).toBe(200);
  });

  it('[PAINT-4] [SITE-4] an unknown thread is not_found and is not created; an unknown or missing site and bad input are refused with a code', async () => {
    const server = await startTestServer({ sites: [news(), { id: 'blog', secret: TEST_SECRET, origins: ['https://blog.example'] }] });
    const unknown = await get(pageUrl(server.url, { site: TEST_SITE, thread: 'never/created' }), { Origin: ALLOWED });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ code: 'not_found' });
    expect(unknown.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect((await get(pageUrl(server.url, { site: TEST_SITE, thread: 'never/created' }), { Origin: ALLOWED })).status).toBe(404);
    // [SITE-4] as the handshake: without `site`, the one site listing the page's Origin answers; none, no answer.
    const implicit = await get(pageUrl(server.url, { thread: 't' }), { Origin: ALLOWED });
    expect(implicit.status).toBe(200);
    expect((JSON.parse(implicit.text) as ThreadPageResponse).site).toBe(TEST_SITE);
    const noSite = await get(pageUrl(server.url, { thread: 't' }), { Origin: 'https://elsewhere.example' });
    expect(noSite.status).toBe(404);
    expect(JSON.parse(noSite.text)).toMatchObject({ code: 'unknown_site', message: expect.stringContaining('`site` attribute') });
    expect(JSON.parse((await get(pageUrl(server.url, { site: 'nope', thread: 't' }))).text)).toMatchObject({ code: 'unknown_site' });
    const malformed: Record<string, string>[] = [{ site: TEST_SITE }, { site: TEST_SITE, thread: 't', sort: 'sideways' }, { site: TEST_SITE, thread: 't', pageSize: '100000' }, { site: TEST_SITE, thread: 'x'.repeat(5000) }];
    for (const query of malformed) {
      const bad = await get(pageUrl(server.url, query), { Origin: ALLOWED });
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.text)).toMatchObject({ code: 'invalid_payload' });
    }
    // The other site's thread is not this one's: same id, other site, other answer.
    expect((await get(pageUrl(server.url, { site: 'blog', thread: 't' }), { Origin: 'https://blog.example' })).status).toBe(404);
  });

  it('[PAINT-5] is charged to the guest read budget of the address, as a join is', async () => {
    const server = await startTestServer({ rateLimit: { readsPerGuestIp: { points: 3, duration: 60 } } });
    const url = pageUrl(server.url, { thread: 't' });
    for (let i = 0; i < 3; i++) expect((await get(url)).status).toBe(200);
    const refused = await get(url);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'rate_limited' });
    // The same budget: a guest's socket join from this address is refused too.
    const guest = await server.connect();
    const join = await call(guest, 'thread:join', { thread: 't' });
    expect(join).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('[PAINT-6] a socket joining since the page\'s seq gets every event after it: nothing falls between the GET and the join', async () => {
    const server = await startTestServer();
    const writer = await server.connect(await server.token('w'));
    okData(await call(writer, 'thread:join', { thread: 't' }));
    okData(await call(writer, 'comment:post', { requestId: rid(), thread: 't', body: 'before' }));
    const page = JSON.parse((await get(pageUrl(server.url, { thread: 't' }))).text) as ThreadPageResponse;
    okData(await call(writer, 'comment:post', { requestId: rid(), thread: 't', body: 'between' }));
    const guest = await server.connect();
    const joined = okData(await call<JoinResult>(guest, 'thread:join', { thread: 't', since: page.join.thread.seq }));
    expect(joined.mode).toBe('events');
    const events = (joined as { events: ThreadEvent[] }).events;
    expect(events.map((e) => e.seq)).toEqual([page.join.thread.seq + 1]);
    expect(events[0]).toMatchObject({ type: 'comment.created', comment: { body: 'between' } });
  });

  it('[PAINT-6] a signed-in reader joining since the page names the comments it shows and gets their own reactions on them, nobody else\'s', async () => {
    const server = await startTestServer();
    const writer = await server.connect(await server.token('w'));
    okData(await call(writer, 'thread:join', { thread: 't' }));
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) ids.push(okData(await call<{ comment: { id: string } }>(writer, 'comment:post', { requestId: rid(), thread: 't', body })).comment.id);
    const reader = await server.connect(await server.token('r'));
    okData(await call(reader, 'thread:join', { thread: 't' }));
    okData(await call(reader, 'comment:react', { requestId: rid(), thread: 't', commentId: ids[0], value: 'like' }));
    okData(await call(writer, 'comment:react', { requestId: rid(), thread: 't', commentId: ids[1], value: 'dislike' }));
    const page = JSON.parse((await get(pageUrl(server.url, { thread: 't' }))).text) as ThreadPageResponse;
    const again = await server.connect(await server.token('r'));
    const joined = okData(await call<JoinResult>(again, 'thread:join', { thread: 't', since: page.join.thread.seq, reactionsFor: ids }));
    expect(joined.mode).toBe('events');
    expect(joined.viewer.reactions).toEqual({ [ids[0]!]: 'like' });
    // A guest's list brings nothing; a list too long or of non-ids is refused like any bad payload.
    const guest = await server.connect();
    expect(okData(await call<JoinResult>(guest, 'thread:join', { thread: 't', since: page.join.thread.seq, reactionsFor: ids })).viewer.reactions).toEqual({});
    const tooMany = await call(again, 'thread:join', { thread: 't', since: 0, reactionsFor: Array.from({ length: 2000 }, (_, i) => `c${i}`) });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });
});
