/**
 * Limits that stop abusers, not their neighbours — over real sockets. Every client here connects
 * from 127.0.0.1; "another address" is an X-Forwarded-For a trusted proxy (`trustProxy`) would write.
 */
import type { Ack } from '@parley/protocol';
import { io as connectSocket } from 'socket.io-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ParleyServerOptions } from '../config.js';
import { call, okData, rid, startTestServer, TEST_SECRET, type RawSocket, type TestServer } from '../test-helpers.js';
import { signToken } from './tokens.js';

interface Opened {
  socket: RawSocket;
  error?: Error & { data?: { code?: string; message?: string; retryAfterMs?: number } };
}

interface OpenOptions {
  token?: string;
  site?: string;
  /** Sent as X-Forwarded-For. */
  forwardedFor?: string;
  origin?: string;
}

/** A client with the headers a proxy (or a forger) would send; torn down with the test. */
function open(url: string, options: OpenOptions = {}): Promise<Opened> {
  const headers: Record<string, string> = {};
  if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
  if (options.origin) headers.origin = options.origin;
  const socket: RawSocket = connectSocket(url, {
    transports: ['websocket'],
    auth: { ...(options.token && { token: options.token }), ...(options.site && { site: options.site }) },
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
  });
  onTestFinished(() => {
    socket.disconnect();
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error: Opened['error'] & Error) => resolve({ socket, error }));
  });
}

async function connected(url: string, options: OpenOptions = {}): Promise<RawSocket> {
  const opened = await open(url, options);
  if (opened.error) throw new Error(`expected a connection, got ${JSON.stringify(opened.error.data ?? opened.error.message)}`);
  return opened.socket;
}

const limited = (ack: Ack<unknown>): boolean => !ack.ok && ack.error.code === 'rate_limited';

/** A rate_limited ack a person and a program can both act on. */
function expectRefusal(ack: Ack<unknown>): void {
  expect(ack).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/\w+ \w+/), retryAfterMs: expect.any(Number) } });
  if (!ack.ok) expect(ack.error.retryAfterMs).toBeGreaterThan(0);
}

const post = (socket: RawSocket, thread: string, body = 'hello'): Promise<Ack<unknown>> =>
  call(socket, 'comment:post', { requestId: rid(), thread, body });

const page = (socket: RawSocket, thread = 't'): Promise<Ack<unknown>> =>
  call(socket, 'comments:page', { thread, sort: 'new', cursor: 'eyJ4IjoxfQ' });

function limitedServer(rateLimit: NonNullable<Exclude<ParleyServerOptions['rateLimit'], false>>, options: ParleyServerOptions = {}): Promise<TestServer> {
  return startTestServer({ rateLimit, ...options });
}

/** Waits until the server has counted a closed connection out. */
async function settle(server: TestServer, clients: number): Promise<void> {
  for (let i = 0; i < 100 && server.io.engine.clientsCount !== clients; i++) await new Promise((next) => setTimeout(next, 10));
  expect(server.io.engine.clientsCount).toBe(clients);
}

describe('[LIMIT] signed-in readers are counted per (site, user), not per address', () => {
  it('[LIMIT-1] a flooder and an honest reader behind the same address: the flooder is refused, the honest reader still posts within a second', async () => {
    const server = await limitedServer({});
    const flooder = await connected(server.url, { token: await server.token('flooder') });
    const honest = await connected(server.url, { token: await server.token('honest') });
    const flood = Array.from({ length: 400 }, (_, i) => post(flooder, 't', `spam ${i}`));
    // Sent in the middle of the flood, and not refused: the flood spends only the flooder's budget.
    // (How fast it is acknowledged is a figure for the bench, not an assertion here.)
    const mine = await post(honest, 't', 'an honest comment');
    const acks = await Promise.all(flood);
    expect(mine).toMatchObject({ ok: true });
    expect(acks.filter((a) => !limited(a))).toHaveLength(30);
    expect(acks.filter(limited)).toHaveLength(370);
    expectRefusal(acks.at(-1)!);
    // Still refused afterwards, and the honest reader still is not.
    expectRefusal(await post(flooder, 't'));
    expect(await post(honest, 't', 'and another')).toMatchObject({ ok: true });
  });

  it('[LIMIT-1] behind a reverse proxy (trustProxy), readers with the same X-Forwarded-For do not share a budget', async () => {
    const server = await limitedServer({ mutationsPerUser: { points: 5, duration: 3600 }, mutationsPerGuestIp: { points: 5, duration: 3600 } }, { trustProxy: 1 });
    const office = '198.51.100.7';
    const flooder = await connected(server.url, { token: await server.token('flooder'), forwardedFor: office });
    const readers = await Promise.all(['ann', 'bob', 'cat'].map(async (sub) => connected(server.url, { token: await server.token(sub), forwardedFor: office })));
    const acks = await Promise.all(Array.from({ length: 50 }, () => post(flooder, 't')));
    expect(acks.filter(limited)).toHaveLength(45);
    for (const reader of readers) for (let i = 0; i < 5; i++) expect(await post(reader, 't')).toMatchObject({ ok: true });
  });

  it('[LIMIT-2] reader 1001 of site a spending their budgets leaves reader 1001 of site b untouched', async () => {
    const sites = ['a', 'b'].map((id) => ({ id, secret: TEST_SECRET, origins: [`https://${id}.example`] }));
    const server = await limitedServer({ mutationsPerUser: { points: 3, duration: 3600 }, readsPerUser: { points: 3, duration: 3600 } }, { sites });
    const reader = async (site: string) =>
      connected(server.url, { site, origin: `https://${site}.example`, token: await signToken(TEST_SECRET, { sub: '1001', name: 'R' }, { audience: site }) });
    const onA = await reader('a');
    const onB = await reader('b');
    for (let i = 0; i < 3; i++) expect(limited(await post(onA, 'on-a'))).toBe(false);
    expectRefusal(await post(onA, 'on-a'));
    for (let i = 0; i < 3; i++) expect(limited(await page(onA, 'on-a'))).toBe(false);
    expectRefusal(await page(onA, 'on-a'));
    for (let i = 0; i < 3; i++) expect(limited(await post(onB, 'on-b'))).toBe(false);
    for (let i = 0; i < 3; i++) expect(limited(await page(onB, 'on-b'))).toBe(false);
    expectRefusal(await post(onB, 'on-b'));
  });
});

describe('[LIMIT-3] a request refused by one limit is charged to no other', () => {
  it('[LIMIT-3] a signed-in reader’s refused requests do not spend the guests’ budget of their address', async () => {
    const server = await limitedServer({ mutationsPerUser: { points: 1, duration: 3600 }, mutationsPerGuestIp: { points: 1, duration: 3600 } });
    const flooder = await connected(server.url, { token: await server.token('flooder') });
    const acks = await Promise.all(Array.from({ length: 20 }, () => post(flooder, 't')));
    expect(acks.filter(limited)).toHaveLength(19);
    // A guest at the same address still has its one mutation: it reaches the command (auth_required).
    const guest = await connected(server.url);
    expect(await post(guest, 't')).toMatchObject({ ok: false, error: { code: 'auth_required' } });
    expectRefusal(await post(guest, 't'));
  });

  it('[LIMIT-3] a join refused for too many threads gives back the read it was charged', async () => {
    const server = await limitedServer({ roomsPerSocket: 1, readsPerUser: { points: 3, duration: 3600 } });
    const ann = await connected(server.url, { token: await server.token('ann') });
    okData(await call(ann, 'thread:join', { thread: 't1' })); // read 1
    for (let i = 0; i < 5; i++) expectRefusal(await call(ann, 'thread:join', { thread: 't2' })); // rooms: given back
    okData(await call(ann, 'thread:join', { thread: 't1' })); // read 2
    expect(limited(await page(ann, 't1'))).toBe(false); // read 3
    expectRefusal(await page(ann, 't1'));
  });

  it('[LIMIT-3] a connection refused for too many open ones spends no handshake of its address', async () => {
    const server = await limitedServer({ connectionsPerIp: 1, connectAttemptsPerIp: { points: 2, duration: 3600 } });
    const first = await connected(server.url); // handshake 1
    for (let i = 0; i < 5; i++) expect((await open(server.url)).error?.data).toMatchObject({ code: 'rate_limited' });
    first.disconnect();
    await settle(server, 0);
    const second = await connected(server.url); // handshake 2
    second.disconnect();
    await settle(server, 0);
    expect((await open(server.url)).error?.data).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/connection attempts/) });
  });
});

describe('[LIMIT-4] guests are counted per client address', () => {
  it('[LIMIT-4] guests at one address share one budget; another address and signed-in readers there are untouched', async () => {
    const server = await limitedServer(
      { readsPerGuestIp: { points: 4, duration: 3600 }, mutationsPerGuestIp: { points: 2, duration: 3600 }, readsPerUser: { points: 10, duration: 3600 } },
      { trustProxy: 1 },
    );
    const here = '203.0.113.10';
    const one = await connected(server.url, { forwardedFor: here });
    const two = await connected(server.url, { forwardedFor: here });
    for (const guest of [one, one, two, two]) expect(limited(await page(guest))).toBe(false);
    expectRefusal(await page(one));
    expectRefusal(await page(two));
    // Mutations have their own guest budget at the address (charged before auth_required).
    expect(await post(two, 't')).toMatchObject({ error: { code: 'auth_required' } });
    expect(await post(one, 't')).toMatchObject({ error: { code: 'auth_required' } });
    expectRefusal(await post(one, 't'));
    const elsewhere = await connected(server.url, { forwardedFor: '203.0.113.11' });
    expect(limited(await page(elsewhere))).toBe(false);
    const reader = await connected(server.url, { forwardedFor: here, token: await server.token('ann') });
    expect(limited(await page(reader))).toBe(false);
  });
});

describe('[LIMIT-5] connections per client address', () => {
  it('[LIMIT-5] beyond the open connections of an address, connect_error carries { code, message, retryAfterMs }; closing one lets the next in', async () => {
    const server = await limitedServer({ connectionsPerIp: 3 }, { trustProxy: 1 });
    const open3 = await Promise.all([1, 2, 3].map(() => connected(server.url)));
    const refused = await open(server.url);
    expect(refused.error?.data).toEqual({ code: 'rate_limited', message: expect.stringMatching(/Too many connections from your network/), retryAfterMs: expect.any(Number) });
    expect(refused.error?.data?.retryAfterMs).toBeGreaterThan(0);
    await settle(server, 3); // the refused session is closed, not kept
    await connected(server.url, { forwardedFor: '192.0.2.1' }); // another address
    open3[0]!.disconnect();
    await settle(server, 3);
    await connected(server.url);
  });

  it('[LIMIT-5] connection attempts per address per window: a reconnect loop is refused, another address is not', async () => {
    const server = await limitedServer({ connectAttemptsPerIp: { points: 4, duration: 3600 } }, { trustProxy: 1 });
    for (let i = 0; i < 4; i++) (await connected(server.url)).disconnect();
    const refused = await open(server.url);
    expect(refused.error?.data).toEqual({ code: 'rate_limited', message: expect.stringMatching(/connection attempts/), retryAfterMs: expect.any(Number) });
    await connected(server.url, { forwardedFor: '192.0.2.2' });
  });

  it('[LIMIT-5] raw Engine.IO sessions that never ask to connect are closed, so a flood holds nothing', async () => {
    const server = await limitedServer({ connectionsPerIp: 3 });
    const handshakes = await Promise.all(
      Array.from({ length: 60 }, () => fetch(`${server.url}/socket.io/?EIO=4&transport=polling`).then((r) => r.text())),
    );
    expect(handshakes.every((body) => body.startsWith('0{'))).toBe(true);
    expect(server.io.engine.clientsCount).toBeLessThanOrEqual(3 + 32);
    await new Promise((next) => setTimeout(next, 2300));
    expect(server.io.engine.clientsCount).toBeLessThanOrEqual(3);
  });
});

describe('[LIMIT-6] threads per connection', () => {
  it('[LIMIT-6] a join beyond roomsPerSocket is refused with what to do; a thread already joined, or after leaving one, is not', async () => {
    const server = await limitedServer({ roomsPerSocket: 2 });
    const ann = await connected(server.url, { token: await server.token('ann') });
    okData(await call(ann, 'thread:join', { thread: 't1' }));
    okData(await call(ann, 'thread:join', { thread: 't2' }));
    const refused = await call(ann, 'thread:join', { thread: 't3' });
    expectRefusal(refused);
    if (!refused.ok) expect(refused.error.message).toMatch(/already follows 2 discussions.*leave one/);
    okData(await call(ann, 'thread:join', { thread: 't1', since: 0 })); // a rejoin after a gap
    okData(await call(ann, 'thread:leave', { thread: 't2' }));
    okData(await call(ann, 'thread:join', { thread: 't3' }));
  });

  it('[LIMIT-6] joins sent together cannot overshoot the limit', async () => {
    const server = await limitedServer({ roomsPerSocket: 2 });
    const guest = await connected(server.url);
    const threads = ['t', 't1', 't2', 't3', 'a', 'b', 'alive', 'n1', 'p1', 'news/1'];
    const acks = await Promise.all(threads.map((thread) => call(guest, 'thread:join', { thread })));
    expect(acks.filter((a) => a.ok)).toHaveLength(2);
    expect(acks.filter(limited)).toHaveLength(8);
  });
});

describe('[LIMIT-7] read events are limited', () => {
  const stateVector = new Uint8Array([0]);
  const reads: [string, (token: string) => unknown][] = [
    ['thread:join', () => ({ thread: 't' })],
    ['thread:leave', () => ({ thread: 't' })],
    ['comments:page', () => ({ thread: 't', sort: 'new', cursor: 'eyJ4IjoxfQ' })],
    ['comments:replies', () => ({ thread: 't', rootId: 'c1' })],
    ['presence:sync', () => ({ thread: 't' })],
    ['notes:sync', () => ({ thread: 't', stateVector })],
    ['session:auth', (token) => ({ token })],
    ['economy:state', () => ({ thread: 't' })],
  ];

  it.each(reads)('[LIMIT-7] %s beyond the reader’s read budget answers rate_limited', async (event, payload) => {
    const server = await limitedServer({ readsPerUser: { points: 3, duration: 3600 } });
    const token = await server.token('ann');
    const ann = await connected(server.url, { token });
    for (let i = 0; i < 3; i++) expect(limited(await call(ann, event, payload(token)))).toBe(false);
    expectRefusal(await call(ann, event, payload(token)));
  });

  it('[LIMIT-7] with the defaults, a script reading in a loop is stopped after its budget (200 reads, 2,000 for a guest address, per 10 s), and so is a guest’s', async () => {
    // "Within a second" follows from the budget: any loop faster than 200 reads a second is refused
    // inside its first second. Counted here, not timed (a loaded machine must not fail the rule).
    const server = await limitedServer({});
    for (const token of [await server.token('script'), undefined]) {
      const socket = await connected(server.url, token ? { token } : {});
      const acks = await Promise.all(Array.from({ length: 2500 }, () => page(socket)));
      const firstRefusal = acks.findIndex(limited);
      expect(firstRefusal).toBe(token ? 200 : 2000);
      expect(acks.slice(firstRefusal).every(limited)).toBe(true);
    }
  });
});

describe('[LIMIT-8] the client address, behind proxies', () => {
  /** Two guests with these X-Forwarded-For headers: do they share a one-read budget? */
  async function share(trustProxy: ParleyServerOptions['trustProxy'], first: string, second: string): Promise<boolean> {
    const server = await limitedServer({ readsPerGuestIp: { points: 1, duration: 3600 } }, trustProxy === undefined ? {} : { trustProxy });
    const a = await connected(server.url, { forwardedFor: first });
    const b = await connected(server.url, { forwardedFor: second });
    expect(limited(await page(a))).toBe(false);
    return limited(await page(b));
  }

  it('[LIMIT-8] by default no proxy is trusted: a forged X-Forwarded-For changes nothing', async () => {
    expect(await share(undefined, '198.51.100.1', '198.51.100.2')).toBe(true);
  });

  it('[LIMIT-8] a hop count believes that many proxies: the address the nearest one saw', async () => {
    expect(await share(1, '198.51.100.1', '198.51.100.2')).toBe(false);
    // What a client wrote before the proxy appended its peer is not believed.
    expect(await share(1, '198.51.100.9, 203.0.113.5', '198.51.100.8, 203.0.113.5')).toBe(true);
    expect(await share(2, '198.51.100.9, 203.0.113.5', '198.51.100.8, 203.0.113.5')).toBe(false);
  });

  it('[LIMIT-8] a CIDR list believes only proxies in it: from an untrusted peer the header is ignored', async () => {
    expect(await share(['127.0.0.0/8'], '198.51.100.1', '198.51.100.2')).toBe(false);
    expect(await share(['loopback'], '198.51.100.1', '198.51.100.2')).toBe(false);
    expect(await share(['10.0.0.0/8'], '198.51.100.1', '198.51.100.2')).toBe(true);
    // Trusted loopback, then 10.1.1.1 which is not in the list: that is the client, whatever it forwarded.
    expect(await share(['loopback'], '198.51.100.1, 10.1.1.1', '198.51.100.2, 10.1.1.1')).toBe(true);
  });
});

describe('[LIMIT-10] rateLimit: false', () => {
  it('[LIMIT-10] disables every limit (tests, benchmarks)', async () => {
    const server = await startTestServer({ rateLimit: false });
    const sockets = await Promise.all(Array.from({ length: 20 }, async () => connected(server.url, { token: await server.token('ann') })));
    const acks = await Promise.all(Array.from({ length: 120 }, (_, i) => call(sockets[0]!, 'thread:join', { thread: `t${i}` })));
    expect(acks.filter(limited)).toHaveLength(0);
    const posts = await Promise.all(Array.from({ length: 60 }, () => post(sockets[1]!, 't')));
    expect(posts.filter(limited)).toHaveLength(0);
  });
});

describe('[LIMIT-11] the defaults never refuse real use', () => {
  it('[LIMIT-11] 200 readers and 200 guests behind one address, each loading a thread as the widget does, are never refused', async () => {
    const server = await limitedServer({});
    const load = async (token?: string): Promise<Ack<unknown>[]> => {
      const socket = await connected(server.url, token ? { token } : {});
      const acks: Ack<unknown>[] = [];
      if (token) acks.push(await call(socket, 'session:auth', { token }));
      acks.push(await call(socket, 'thread:join', { thread: 'news/today' }));
      acks.push(
        ...(await Promise.all([
          call(socket, 'presence:sync', { thread: 'news/today' }),
          call(socket, 'notes:sync', { thread: 'news/today', stateVector: new Uint8Array([0]) }),
          call(socket, 'economy:state', { thread: 'news/today' }),
        ])),
      );
      return acks;
    };
    const tokens = await Promise.all(Array.from({ length: 200 }, (_, i) => server.token(`reader-${i}`)));
    const all = await Promise.all([...tokens.map((token) => load(token)), ...Array.from({ length: 200 }, () => load())]);
    expect(all.flat().filter(limited)).toEqual([]);
  }, 20_000);
});
