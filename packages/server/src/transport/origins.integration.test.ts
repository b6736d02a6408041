/**
 * Origins, over real sockets and raw Engine.IO requests (a non-browser client can send any header):
 * [ORIGIN-1] exact comparison, [ORIGIN-2] a configured site lists its origins and `*` is for
 * development only, [ORIGIN-3] every request of a session carries an Origin of THAT session's site,
 * [ORIGIN-4] a request without Origin, [ORIGIN-5] what a refusal says and logs.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Logger } from '../logger.js';
import type { SiteOptions } from '../sites/site-config.js';
import { call, connectClient, okData, startTestServer, TEST_SECRET, TEST_SITE } from '../test-helpers.js';

const ALLOWED = 'https://news.example.com';
const BLOG = 'https://blog.example';

const matrix: [string, string | undefined, boolean][] = [
  ['the allowed origin', ALLOWED, true],
  ['the allowed origin in capitals', 'HTTPS://NEWS.EXAMPLE.COM', true],
  ['the allowed origin with its default port spelled out', 'https://news.example.com:443', true],
  ['no Origin (the site lists only explicit origins)', undefined, false],
  ['a disallowed origin', 'https://evil.example', false],
  ['the literal "null" (sandboxed iframe, file://)', 'null', false],
  ['a look-alike suffix', 'https://news.example.com.evil.example', false],
  ['a look-alike prefix', 'https://evilnews.example.com', false],
  ['a subdomain', 'https://www.news.example.com', false],
  ['another port', 'https://news.example.com:8443', false],
  ['another scheme', 'http://news.example.com', false],
  ['garbage', 'not a url', false],
];

const news = (overrides: Partial<SiteOptions> = {}): SiteOptions => ({ id: TEST_SITE, secret: TEST_SECRET, origins: [ALLOWED], ...overrides });
const blog = (overrides: Partial<SiteOptions> = {}): SiteOptions => ({ id: 'blog', secret: TEST_SECRET, origins: [BLOG], ...overrides });
const startSite = () => startTestServer({ sites: [news()] });

interface Reply {
  status: number;
  body: string;
}

/** One raw Engine.IO HTTP request: `query` after `/socket.io/?EIO=4&transport=polling`. */
function engineRequest(url: string, options: { query?: string; origin?: string | undefined; method?: 'GET' | 'POST'; body?: string } = {}): Promise<Reply> {
  const { query = '', origin, method = 'GET', body } = options;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(origin === undefined ? {} : { Origin: origin }), ...(body === undefined ? {} : { 'Content-Type': 'text/plain;charset=UTF-8' }) };
    const req = request(`${url}/socket.io/?EIO=4&transport=polling${query}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A direct WebSocket upgrade (`sid` given: the upgrade of an open polling session). 101 = upgraded. */
function websocketUpgrade(url: string, origin: string | undefined, sid?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/socket.io/?EIO=4&transport=websocket${sid ? `&sid=${sid}` : ''}`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...(origin === undefined ? {} : { Origin: origin }),
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // A refused upgrade may be answered by closing the socket.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(0) : reject(error)));
    req.end();
  });
}

/** The polling handshake's session id, as a browser's first XHR gets it. */
async function handshake(url: string, origin: string | undefined): Promise<string> {
  const reply = await engineRequest(url, { origin });
  expect(reply.status).toBe(200);
  return (JSON.parse(reply.body.slice(1)) as { sid: string }).sid;
}

/** A socket.io client on one transport, sending `origin` on every request (as a browser page would). */
function client(url: string, options: { origin?: string | undefined; site?: string; transports?: ('polling' | 'websocket')[]; token?: string } = {}): Promise<{ socket: Socket; error?: Error & { data?: unknown } }> {
  const { origin, site, transports = ['websocket'], token } = options;
  const socket = io(url, {
    transports,
    ...(origin === undefined ? {} : { extraHeaders: { Origin: origin } }),
    auth: { ...(site === undefined ? {} : { site }), ...(token === undefined ? {} : { token }) },
    reconnection: false,
    forceNew: true,
  });
  onTestFinished(() => void socket.disconnect());
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error: Error & { data?: unknown }) => resolve({ socket, error }));
  });
}

/** A logger that keeps what it is told. */
function recordingLogger(): Logger & { warnings: { message: string; fields?: Record<string, unknown> }[] } {
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  return { info: () => {}, error: () => {}, warn: (message, fields) => void warnings.push({ message, ...(fields && { fields }) }), warnings };
}

describe('[ORIGIN-1] the Origin allowlist compares exactly', () => {
  it.each(matrix)('[ORIGIN-1] polling handshake from %s', async (_name, origin, allowed) => {
    const server = await startSite();
    const { status } = await engineRequest(server.url, { origin });
    if (allowed) expect(status).toBe(200);
    else expect(status).toBe(403);
  });

  it.each(matrix)('[ORIGIN-1] direct WebSocket upgrade from %s', async (_name, origin, allowed) => {
    const server = await startSite();
    const status = await websocketUpgrade(server.url, origin);
    if (allowed) expect(status).toBe(101);
    else expect(status).not.toBe(101);
  });

  it('[ORIGIN-1] a socket.io client sending a disallowed Origin never connects, on either transport', async () => {
    const server = await startSite();
    for (const [transports, origin, allowed] of [
      [['polling'], 'https://evil.example', false],
      [['websocket'], 'https://evil.example', false],
      [['polling'], ALLOWED, true],
      [['websocket'], ALLOWED, true],
    ] as const) {
      const { socket, error } = await client(server.url, { transports: [...transports], origin });
      socket.disconnect();
      expect({ transports, origin, connected: !error }).toEqual({ transports, origin, connected: allowed });
    }
  });

  it('[ORIGIN-1] same-origin: the page served by this server may connect, another host may not', async () => {
    const server = await startTestServer({ sites: [news({ origins: ['same-origin'] })] });
    expect((await engineRequest(server.url, { origin: server.url })).status).toBe(200);
    expect(await websocketUpgrade(server.url, server.url)).toBe(101);
    expect(await websocketUpgrade(server.url, server.url.replace('127.0.0.1', 'localhost'))).not.toBe(101);
    expect((await engineRequest(server.url, { origin: 'https://evil.example' })).status).toBe(403);
  });
});

describe('[ORIGIN-2] a configured site lists its origins; `*` exists only in development mode', () => {
  it('[ORIGIN-2] a configured site without origins, or with an empty list, is refused at start, saying what to write', async () => {
    for (const origins of [undefined, []]) {
      const site: SiteOptions = { id: 'news', secret: TEST_SECRET, ...(origins && { origins }) };
      await expect(startTestServer({ sites: [site] })).rejects.toThrow(
        /site "news": list the page origins allowed to connect, e\.g\. "origins": \["https:\/\/news\.example\.com"\] \(add "same-origin" for pages this server serves itself\)/,
      );
    }
  });

  it('[ORIGIN-2] a configured site may not list `*`, even beside other origins', async () => {
    for (const origins of [['*'], [ALLOWED, '*']]) {
      await expect(startTestServer({ sites: [news({ origins })] })).rejects.toThrow(/site "test-site": origin "\*" would let every page on the web connect; .*only in the config-less development mode/);
    }
  });

  it('[ORIGIN-2] the config-less development mode accepts every origin, and says so once at start', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({ logger });
    const loud = logger.warnings.filter((w) => /development mode: site "test-site" accepts connections from EVERY page origin/.test(w.message));
    expect(loud).toHaveLength(1);
    for (const origin of ['https://anything.example', 'null', undefined]) {
      const { error } = await client(server.url, { origin, transports: ['polling'] });
      expect({ origin, error }).toEqual({ origin, error: undefined });
    }
    expect(logger.warnings.filter((w) => /development mode/.test(w.message))).toHaveLength(1);
  });

  it('[ORIGIN-2] a configured server does not warn about development origins', async () => {
    const logger = recordingLogger();
    await startTestServer({ sites: [news()], logger });
    expect(logger.warnings.filter((w) => /development mode/.test(w.message))).toEqual([]);
  });
});

describe('[ORIGIN-3] every poll and upgrade of a session carries an Origin of that session\'s own site', () => {
  const twoSites = () => startTestServer({ sites: [news(), blog()] });

  it('[ORIGIN-3] a polling session of one site is refused when polled, posted to or upgraded with the other site\'s Origin; its own Origin works', async () => {
    const server = await twoSites();
    const { socket, error } = await client(server.url, { origin: ALLOWED, site: TEST_SITE, transports: ['polling'], token: await server.token('ann') });
    expect(error).toBeUndefined();
    const sid = socket.io.engine.id;
    const query = `&sid=${sid}`;
    // Blog's Origin is allowed on this server, but not for this session's site.
    expect(await engineRequest(server.url, { query, origin: BLOG })).toMatchObject({ status: 403 });
    expect(await engineRequest(server.url, { query, origin: BLOG, method: 'POST', body: '42["thread:join",{"thread":"t"}]' })).toMatchObject({ status: 403 });
    expect(await websocketUpgrade(server.url, BLOG, sid)).not.toBe(101);
    // Nor with no Origin, which this site (explicit origins only) does not accept.
    expect(await engineRequest(server.url, { query })).toMatchObject({ status: 403 });
    expect(await websocketUpgrade(server.url, undefined, sid)).not.toBe(101);
    // The session itself is untouched: its own polls go on, and its own Origin may upgrade it.
    expect(okData(await call(socket, 'session:auth', { token: await server.token('ann') }))).toMatchObject({ user: { id: 'ann' } });
    expect(await engineRequest(server.url, { query, origin: ALLOWED, method: 'POST', body: '3' })).toMatchObject({ status: 200 });
    expect(await websocketUpgrade(server.url, ALLOWED, sid)).toBe(101);
  });

  it('[ORIGIN-3] the handshake with one site\'s Origin and a CONNECT naming the other site is refused', async () => {
    const server = await twoSites();
    for (const transports of [['polling'], ['websocket']] as const) {
      const { error } = await client(server.url, { origin: ALLOWED, site: 'blog', transports: [...transports] });
      expect(error?.data).toEqual({ code: 'origin_not_allowed', message: expect.stringContaining('"https://news.example.com" may not connect to site "blog"') });
    }
  });

  it('[ORIGIN-3] a CONNECT carried with another Origin than the handshake\'s is checked against the site too', async () => {
    const server = await twoSites();
    const sid = await handshake(server.url, ALLOWED);
    const query = `&sid=${sid}`;
    // The handshake was news's; the request carrying the CONNECT for news has blog's Origin.
    expect(await engineRequest(server.url, { query, origin: BLOG, method: 'POST', body: `40${JSON.stringify({ site: TEST_SITE })}` })).toMatchObject({ status: 200 });
    const answer = await engineRequest(server.url, { query, origin: ALLOWED });
    expect(answer.body).toMatch(/^44/);
    expect(JSON.parse(answer.body.slice(2))).toMatchObject({ data: { code: 'origin_not_allowed', message: expect.stringContaining('"https://blog.example" may not connect to site "test-site"') } });
    // Refused, the session is bound to nothing: a CONNECT naming blog is refused as well (news's handshake).
    await engineRequest(server.url, { query, origin: BLOG, method: 'POST', body: `40${JSON.stringify({ site: 'blog' })}` });
    expect((await engineRequest(server.url, { query, origin: ALLOWED })).body).toMatch(/^44.*origin_not_allowed/);
  });

  it('[ORIGIN-3] a session accepted for one site cannot be re-bound by a second CONNECT naming the other site', async () => {
    const server = await startTestServer({ sites: [news({ origins: [ALLOWED, 'same-origin'] }), blog({ origins: [BLOG, ALLOWED] })] });
    const sid = await handshake(server.url, ALLOWED);
    const query = `&sid=${sid}`;
    await engineRequest(server.url, { query, origin: ALLOWED, method: 'POST', body: `40${JSON.stringify({ site: TEST_SITE })}` });
    expect((await engineRequest(server.url, { query, origin: ALLOWED })).body).toMatch(/^40/);
    await engineRequest(server.url, { query, origin: ALLOWED, method: 'POST', body: `41` });
    await engineRequest(server.url, { query, origin: ALLOWED, method: 'POST', body: `40${JSON.stringify({ site: 'blog' })}` });
    const answer = await engineRequest(server.url, { query, origin: ALLOWED });
    expect(answer.body).toMatch(/^44/);
    expect(answer.body).toContain('This connection belongs to site \\"test-site\\"');
    // Bound to news, which allows same-origin: a poll without Origin now passes, one with blog's does not.
    expect(await engineRequest(server.url, { query, origin: BLOG, method: 'POST', body: '3' })).toMatchObject({ status: 403 });
    expect(await engineRequest(server.url, { query, method: 'POST', body: '3' })).toMatchObject({ status: 200 });
  });
});

describe('[ORIGIN-4] a request without Origin passes only for a site listing same-origin (or development `*`)', () => {
  it('[ORIGIN-4] a site listing only explicit origins refuses a handshake, a client and an upgrade without Origin', async () => {
    const server = await startSite();
    expect((await engineRequest(server.url)).status).toBe(403);
    expect(await websocketUpgrade(server.url, undefined)).not.toBe(101);
    const { error } = await connectClient(server.url, await server.token('ann'));
    expect(error).toBeDefined();
  });

  it('[ORIGIN-4] a same-origin site accepts requests without Origin (browsers omit it on same-origin GETs)', async () => {
    const server = await startTestServer({ sites: [news({ origins: ['same-origin'] })] });
    expect((await engineRequest(server.url)).status).toBe(200);
    for (const transports of [['polling'], ['websocket']] as const) {
      const { error } = await client(server.url, { transports: [...transports], token: await server.token('ann') });
      expect(error).toBeUndefined();
    }
  });

  it('[ORIGIN-4] with two sites, a handshake without Origin may open the same-origin site, not the explicit one', async () => {
    const server = await startTestServer({ sites: [news(), blog({ origins: ['same-origin'] })] });
    expect((await client(server.url, { site: 'blog', transports: ['polling'] })).error).toBeUndefined();
    const { error } = await client(server.url, { site: TEST_SITE, transports: ['polling'] });
    expect(error?.data).toEqual({ code: 'origin_not_allowed', message: expect.stringContaining('without an Origin header may not connect to site "test-site"') });
  });
});

describe('[ORIGIN-5] a refusal names the origin, the site and the fix, and is logged at warn without the token', () => {
  it('[ORIGIN-5] origin_not_allowed and unknown_site keep err.data = { code, message } and say what to add', async () => {
    const server = await startTestServer({ sites: [news(), blog()] });
    const wrong = await client(server.url, { origin: 'https://evil.example', site: TEST_SITE, transports: ['websocket'] });
    // Refused before any site is named: the Engine.IO handshake itself answers 403.
    expect(wrong.error).toBeDefined();
    const crossed = await client(server.url, { origin: BLOG, site: TEST_SITE });
    expect(crossed.error?.data).toEqual({
      code: 'origin_not_allowed',
      message: 'The page origin "https://blog.example" may not connect to site "test-site". To allow it, add "https://blog.example" to that site\'s "origins" in the Parley configuration.',
    });
    // An origin that cannot be listed gets no advice to list it.
    const sandboxed = await startTestServer({ sites: [news({ origins: [ALLOWED, 'same-origin'] })] });
    const { socket } = await client(sandboxed.url, { transports: ['polling'] });
    const nulled = await engineRequest(sandboxed.url, { query: `&sid=${socket.io.engine.id}`, origin: 'null', method: 'POST', body: '3' });
    expect(JSON.parse(nulled.body)).toEqual({ code: 'origin_not_allowed', message: expect.stringContaining('only http(s) page origins can be allowed') });
    const unknown = await client(server.url, { origin: ALLOWED, site: 'shop' });
    expect(unknown.error?.data).toEqual({ code: 'unknown_site', message: expect.stringContaining('Site "shop" is not hosted on this server') });
    const unnamed = await client(server.url, { origin: 'https://elsewhere.example' });
    expect(unnamed.error).toBeDefined();
    const twice = await startTestServer({ sites: [news(), blog({ origins: [BLOG, ALLOWED] })] });
    const ambiguous = await client(twice.url, { origin: ALLOWED });
    expect(ambiguous.error?.data).toEqual({ code: 'unknown_site', message: expect.stringContaining('`site` attribute') });
  });

  it('[ORIGIN-5] the Engine.IO refusal of a poll answers 403 with the same code and a message naming origin and site', async () => {
    const server = await startTestServer({ sites: [news(), blog()] });
    const { socket } = await client(server.url, { origin: ALLOWED, site: TEST_SITE, transports: ['polling'] });
    const reply = await engineRequest(server.url, { query: `&sid=${socket.io.engine.id}`, origin: BLOG, method: 'POST', body: '3' });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toEqual({ code: 'origin_not_allowed', message: expect.stringContaining('"https://blog.example" may not connect to site "test-site"') });
    expect(JSON.parse((await engineRequest(server.url, { origin: 'https://evil.example' })).body)).toEqual({
      code: 'origin_not_allowed',
      message: expect.stringContaining('"https://evil.example" is not allowed by any site hosted here'),
    });
  });

  it('[ORIGIN-5] each refusal is logged at warn with reason, site and origin, never the token', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({ sites: [news(), blog()], logger });
    const token = await server.token('ann');
    const forged = `${token.slice(0, -4)}AAAA`;
    await client(server.url, { origin: BLOG, site: TEST_SITE, token });
    await client(server.url, { origin: ALLOWED, site: TEST_SITE, token: forged });
    await engineRequest(server.url, { origin: 'https://evil.example' });
    const { socket } = await client(server.url, { origin: ALLOWED, site: TEST_SITE, transports: ['polling'], token });
    await engineRequest(server.url, { query: `&sid=${socket.io.engine.id}`, origin: BLOG, method: 'POST', body: '3' });
    const refusals = logger.warnings.filter((w) => w.message === 'connection refused').map((w) => w.fields);
    expect(refusals).toEqual([
      { reason: 'origin_not_allowed', site: TEST_SITE, origin: BLOG },
      { reason: 'invalid_token', site: TEST_SITE, origin: ALLOWED },
      { reason: 'origin_not_allowed', site: null, origin: 'https://evil.example', phase: 'handshake' },
      { reason: 'origin_not_allowed', site: TEST_SITE, origin: BLOG, phase: 'poll' },
    ]);
    const logged = JSON.stringify(logger.warnings);
    expect(logged).not.toContain(token.split('.')[2]);
    expect(logged).not.toContain(forged.split('.')[2]);
  });
});

describe('[SITE-4] a page may omit `site` when its Origin names one hosted site', () => {
  it('[SITE-4] with two sites, the Origin one of them lists chooses it: its keys verify the token, the other\'s do not', async () => {
    const server = await startTestServer({ sites: [news(), blog()] });
    const token = await server.token('ann');
    expect((await client(server.url, { origin: ALLOWED, token })).error).toBeUndefined();
    // The same token from the blog's page: the blog is chosen, and a test-site token is not the blog's.
    const crossed = await client(server.url, { origin: BLOG, token });
    expect(crossed.error?.data).toMatchObject({ code: 'invalid_token' });
    // A guest on the blog's page is the blog's guest.
    expect((await client(server.url, { origin: BLOG })).error).toBeUndefined();
  });

  it('[SITE-4] two sites listing the same Origin choose none: unknown_site names the origin', async () => {
    const server = await startTestServer({ sites: [news(), blog({ origins: [BLOG, ALLOWED] })] });
    const { error } = await client(server.url, { origin: ALLOWED });
    expect(error?.data).toEqual({ code: 'unknown_site', message: expect.stringContaining('"https://news.example.com"') });
    expect((await client(server.url, { origin: ALLOWED, site: 'blog' })).error).toBeUndefined();
  });
});
