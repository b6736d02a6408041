/** `GET /counts` for `<parley-count>` on listing pages (SPEC COUNT-1…COUNT-4). */
import { describe, expect, it } from 'vitest';
import { rid, startTestServer, TEST_SECRET, TEST_SITE } from '../test-helpers.js';

const PAGE = 'https://news.example.com';

async function countsServer() {
  return startTestServer({
    sites: [
      { id: TEST_SITE, secret: TEST_SECRET, origins: [PAGE, 'same-origin'] },
      { id: 'blog', secret: 'blog-secret-0123456789abcdef0123456789', origins: ['https://blog.example.com'] },
    ],
    threads: ['a', 'b', 'news/1'],
  });
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

describe('GET /counts', () => {
  it('[COUNT-1] [COUNT-2] many threads in one request: counts for the known, `unknown` for the rest, in the order asked', async () => {
    const server = await countsServer();
    await server.dispatch({ id: 'bella', name: 'Bella', avatar: null, level: 20, role: 'reader', site: TEST_SITE }, 'comment:post', { requestId: rid(), thread: 'a', body: 'one' });
    await server.dispatch({ id: 'bella', name: 'Bella', avatar: null, level: 20, role: 'reader', site: TEST_SITE }, 'comment:post', { requestId: rid(), thread: 'a', body: 'two' });
    await server.dispatch({ id: 'eli', name: 'Eli', avatar: null, level: 20, role: 'reader', site: TEST_SITE }, 'post:vote', { requestId: rid(), thread: 'a', value: 'plus' });
    const res = await get(`${server.url}/counts?site=${TEST_SITE}&threads=a,news/1,nope,a,bad%20id`, { Origin: PAGE });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(res.headers.get('vary')).toBe('Origin');
    expect(await res.json()).toEqual({ site: TEST_SITE, threads: { a: { comments: 2, plus: 1, minus: 0 }, 'news/1': { comments: 0, plus: 0, minus: 0 } }, unknown: ['nope', 'bad id'] });
  });

  it('[COUNT-3] cacheable: Cache-Control and an ETag; If-None-Match answers 304, a new comment a new ETag', async () => {
    const server = await countsServer();
    const url = `${server.url}/counts?site=${TEST_SITE}&threads=a,b`;
    const first = await get(url, { Origin: PAGE });
    const etag = first.headers.get('etag') ?? '';
    expect(first.headers.get('cache-control')).toBe('public, max-age=15, stale-while-revalidate=60');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get(url, { Origin: PAGE, 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    await server.dispatch({ id: 'bella', name: 'Bella', avatar: null, level: 20, role: 'reader', site: TEST_SITE }, 'comment:post', { requestId: rid(), thread: 'b', body: 'new' });
    const changed = await get(url, { Origin: PAGE, 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as { threads: Record<string, { comments: number }> }).threads.b?.comments).toBe(1);
  });

  it('[COUNT-4] Origin rules as for the widget, a bounded list, and errors a publisher understands', async () => {
    const server = await countsServer();
    const refused = await get(`${server.url}/counts?site=${TEST_SITE}&threads=a`, { Origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'origin_not_allowed', message: expect.stringContaining('https://evil.example') });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    // Another site's thread ids are that site's: blog allows only its own origin, and has no thread "a".
    expect((await get(`${server.url}/counts?site=blog&threads=a`, { Origin: 'https://blog.example.com' }).then((r) => r.json())) as unknown).toEqual({ site: 'blog', threads: {}, unknown: ['a'] });
    // Without site=, the only site allowing the page's Origin is meant.
    expect(((await get(`${server.url}/counts?threads=a`, { Origin: PAGE }).then((r) => r.json())) as { site: string }).site).toBe(TEST_SITE);
    const ambiguous = await get(`${server.url}/counts?threads=a`, { Origin: 'https://other.example' });
    expect(ambiguous.status).toBe(400);
    expect(await ambiguous.json()).toMatchObject({ message: expect.stringContaining('add site=<id>') });
    expect(await get(`${server.url}/counts?site=nowhere&threads=a`).then((r) => r.json())).toMatchObject({ error: 'unknown_site' });
    const many = Array.from({ length: 101 }, (_, i) => `t${i}`).join(',');
    const tooMany = await get(`${server.url}/counts?site=${TEST_SITE}&threads=${many}`, { Origin: PAGE });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ error: 'invalid_payload', message: expect.stringContaining('At most 100') });
    expect(await get(`${server.url}/counts?site=${TEST_SITE}`, { Origin: PAGE }).then((r) => r.status)).toBe(400);
    expect(await fetch(`${server.url}/counts?site=${TEST_SITE}&threads=a`, { method: 'POST', headers: { Origin: PAGE } }).then((r) => r.status)).toBe(405);
  });

  it('[COUNT-7] charged to the address\'s guest read budget: a poller is refused with 429 and Retry-After, another address is not', async () => {
    const server = await startTestServer({
      sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: [PAGE] }],
      threads: ['a'],
      rateLimit: { readsPerGuestIp: { points: 3, duration: 3600 } },
      trustProxy: 1,
    });
    const from = (address: string) => get(`${server.url}/counts?site=${TEST_SITE}&threads=a`, { Origin: PAGE, 'X-Forwarded-For': address });
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).status).toBe(200);
    const refused = await from('203.0.113.7');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(await refused.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/try again in \d+ s/) });
    expect((await from('203.0.113.8')).status).toBe(200);
  });
});
