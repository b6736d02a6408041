/**
 * [O1] A browser page whose Origin a site does not allow cannot connect: not by the polling
 * handshake, not by a direct WebSocket upgrade. A request without Origin (a server-side client,
 * whose token is what limits it) is let through. The comparison is exact: scheme, host and port.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { connectClient, startTestServer, TEST_SECRET, TEST_SITE } from '../test-helpers.js';

const ALLOWED = 'https://news.example.com';

const matrix: [string, string | undefined, boolean][] = [
  ['no Origin (a server-side client)', undefined, true],
  ['the allowed origin', ALLOWED, true],
  ['the allowed origin in capitals', 'HTTPS://NEWS.EXAMPLE.COM', true],
  ['the allowed origin with its default port spelled out', 'https://news.example.com:443', true],
  ['a disallowed origin', 'https://evil.example', false],
  ['the literal "null" (sandboxed iframe, file://)', 'null', false],
  ['a look-alike suffix', 'https://news.example.com.evil.example', false],
  ['a look-alike prefix', 'https://evilnews.example.com', false],
  ['a subdomain', 'https://www.news.example.com', false],
  ['another port', 'https://news.example.com:8443', false],
  ['another scheme', 'http://news.example.com', false],
  ['garbage', 'not a url', false],
];

const startSite = () => startTestServer({ sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: [ALLOWED] }] });

/** The Engine.IO polling handshake, as a browser's first XHR would send it. */
function pollingHandshake(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/socket.io/?EIO=4&transport=polling`, { headers: origin === undefined ? {} : { Origin: origin } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A direct WebSocket upgrade (no polling first), as `transports: ['websocket']` opens. 101 = upgraded. */
function websocketUpgrade(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/socket.io/?EIO=4&transport=websocket`, {
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
    req.on('error', reject);
    req.end();
  });
}

describe('[O1] the Origin allowlist', () => {
  it.each(matrix)('[O1] polling handshake from %s', async (_name, origin, allowed) => {
    const server = await startSite();
    const status = await pollingHandshake(server.url, origin);
    if (allowed) expect(status).toBe(200);
    else expect(status).toBeGreaterThanOrEqual(400);
  });

  it.each(matrix)('[O1] direct WebSocket upgrade from %s', async (_name, origin, allowed) => {
    const server = await startSite();
    const status = await websocketUpgrade(server.url, origin);
    if (allowed) expect(status).toBe(101);
    else expect(status).toBeGreaterThanOrEqual(400);
  });

  it('[O1] a socket.io client sending a disallowed Origin never connects', async () => {
    const server = await startSite();
    const { io } = await import('socket.io-client');
    for (const [transports, origin, allowed] of [
      [['polling'], 'https://evil.example', false],
      [['websocket'], 'https://evil.example', false],
      [['websocket'], ALLOWED, true],
    ] as const) {
      const socket = io(server.url, { transports: [...transports], extraHeaders: { Origin: origin }, reconnection: false, forceNew: true });
      const connected = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true));
        socket.once('connect_error', () => resolve(false));
      });
      socket.disconnect();
      expect({ transports, origin, connected }).toEqual({ transports, origin, connected: allowed });
    }
  });

  it('[O1] with several sites, an origin one site allows cannot open another site', async () => {
    const server = await startTestServer({
      sites: [
        { id: TEST_SITE, secret: TEST_SECRET, origins: [ALLOWED] },
        { id: 'blog', secret: TEST_SECRET, origins: ['https://blog.example'] },
      ],
    });
    const { io } = await import('socket.io-client');
    const socket = io(server.url, { transports: ['websocket'], extraHeaders: { Origin: ALLOWED }, auth: { site: 'blog' }, reconnection: false, forceNew: true });
    const error = await new Promise<Error & { data?: unknown }>((resolve) => socket.once('connect_error', resolve));
    socket.disconnect();
    expect(error.data).toMatchObject({ code: 'origin_not_allowed' });
    // The handshake must name a site when several are hosted, and only a hosted one.
    const unnamed = await connectClient(server.url);
    expect(unnamed.error?.data).toMatchObject({ code: 'unknown_site' });
  });

  it('[O1] same-origin: the page served by this server may connect, another host may not', async () => {
    const server = await startTestServer({ sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'] }] });
    expect(await pollingHandshake(server.url, server.url)).toBe(200);
    expect(await websocketUpgrade(server.url, server.url)).toBe(101);
    expect(await websocketUpgrade(server.url, server.url.replace('127.0.0.1', 'localhost'))).toBeGreaterThanOrEqual(400);
    expect(await pollingHandshake(server.url, 'https://evil.example')).toBeGreaterThanOrEqual(400);
  });
});
