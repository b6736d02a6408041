/**
 * Test helpers. Everything started here is torn down by the helper itself when the test ends,
 * so a failing test cannot leak a port, a socket or a database into the next one.
 */
import type { Ack, ClientToServerEvents, ServerToClientEvents, ThreadEvent } from '@parley/protocol';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { onTestFinished } from 'vitest';
import { createCommandContext, type CommandContext } from './commands/index.js';
import type { ParleyServerOptions } from './config.js';
import { applyThreadSpec, type ThreadSpec } from './commands/threads.js';
import type { Identity } from './domain/identity.js';
import { startParleyServer, type ParleyServer } from './server.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { signToken, type TokenClaims } from './transport/tokens.js';

export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const TEST_SITE = 'test-site';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** A socket that may emit anything, for feeding the server bad input. */
export type RawSocket = Socket;

export interface TestServer extends ParleyServer {
  /** Creates a thread of the test site as its host would (SPEC THREAD-1); returns its id. */
  thread(id: string, spec?: Omit<ThreadSpec, 'id'>): Promise<string>;
  /** A valid token for this server. */
  token(sub: string, claims?: Omit<TokenClaims, 'sub'>): Promise<string>;
  /** A connected client; `token` omitted = guest. */
  connect(token?: string): Promise<ClientSocket>;
}

/**
 * The thread ids the integration tests use, created on the (first) test site at start as its host
 * would (SPEC THREAD-1): a reader can only open a thread that exists. A test about unknown threads
 * uses an id not in this list.
 */
export const TEST_THREADS = ['t', 't1', 't2', 't3', 'a', 'b', 'c', 'alive', 'news/1', 'news/today', 'news/cluster', 'news/notes', 'news/presence', 'news/rides', 'n1', 'p1'];

/**
 * Starts a server on port 0 with an in-memory database, with {@link TEST_THREADS} (or `threads`)
 * created; closed when the current test finishes.
 */
export async function startTestServer(options: ParleyServerOptions & { threads?: readonly string[] } = {}): Promise<TestServer> {
  const { threads = TEST_THREADS, ...serverOptions } = options;
  const server = await startParleyServer({
    dbPath: ':memory:',
    secret: TEST_SECRET,
    siteId: TEST_SITE,
    logger: false,
    rateLimit: false,
    ...serverOptions,
  });
  onTestFinished(() => server.close());
  for (const thread of threads) await server.upsertThread({ id: thread }, serverOptions.sites?.[0]?.id);
  return Object.assign(server, {
    thread: async (id: string, spec: Omit<ThreadSpec, 'id'> = {}) => (await server.upsertThread({ id, ...spec }, options.sites?.[0]?.id)).id,
    token: (sub: string, claims: Omit<TokenClaims, 'sub'> = {}) =>
      signToken(TEST_SECRET, { sub, name: sub, ...claims }, { audience: TEST_SITE }),
    connect: async (token?: string) => (await connectClient(server.url, token)).socket,
  });
}

/** Connects a client and waits for the outcome; teardown is registered on the current test. */
export function connectClient(
  url: string,
  token?: string,
  options: { reconnection?: boolean; site?: string; origin?: string } = {},
): Promise<{ socket: ClientSocket; error?: undefined } | { socket: ClientSocket; error: Error & { data?: unknown } }> {
  const socket: ClientSocket = connectSocket(url, {
    transports: ['websocket'],
    auth: { ...(token && { token }), ...(options.site && { site: options.site }) },
    ...(options.origin && { extraHeaders: { Origin: options.origin } }),
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 10,
    forceNew: true,
  });
  onTestFinished(() => {
    socket.disconnect();
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error: Error & { data?: unknown }) => resolve({ socket, error }));
  });
}

/** Emits and waits for the ack (rejecting after 5 s rather than hanging the suite). */
export function call<T = unknown>(socket: ClientSocket | RawSocket, event: string, payload: unknown): Promise<Ack<T>> {
  return (socket as RawSocket).timeout(5000).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/** Unwraps a successful ack, failing the test with the error otherwise. */
export function okData<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok ack, got ${JSON.stringify(ack.error)}`);
  return ack.data;
}

/** Resolves with the first thread event (of any `thread:events` message) matching `match`. */
export function nextThreadEvent(socket: ClientSocket, match: (event: ThreadEvent) => boolean = () => true): Promise<ThreadEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('thread:events', listener);
      reject(new Error('no matching thread event within 5 s'));
    }, 5000);
    const listener = (events: ThreadEvent[]): void => {
      const found = events.find(match);
      if (!found) return;
      clearTimeout(timer);
      socket.off('thread:events', listener);
      resolve(found);
    };
    socket.on('thread:events', listener);
  });
}

export interface EventLog {
  events: ThreadEvent[];
  /** Each `thread:events` message as it arrived (how the events were grouped on the wire). */
  messages: ThreadEvent[][];
  /** Resolves once an event with this seq has arrived (at once if it already has). */
  untilSeq(seq: number): Promise<ThreadEvent[]>;
}

/** Every thread event the socket receives from now on. */
export function collectThreadEvents(socket: ClientSocket): EventLog {
  const events: ThreadEvent[] = [];
  const messages: ThreadEvent[][] = [];
  const waiters: { seq: number; resolve: () => void }[] = [];
  socket.on('thread:events', (batch) => {
    messages.push(batch);
    for (const event of batch) {
      events.push(event);
      for (const waiter of waiters.filter((w) => w.seq === event.seq)) waiter.resolve();
    }
  });
  return {
    events,
    messages,
    untilSeq(seq) {
      if (events.some((e) => e.seq === seq)) return Promise.resolve(events);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event with seq ${seq} within 5 s`)), 5000);
        waiters.push({ seq, resolve: () => (clearTimeout(timer), resolve(events)) });
      });
    },
  };
}

export const identity = (id: string, overrides: Partial<Identity> = {}): Identity => ({
  id,
  name: id.charAt(0).toUpperCase() + id.slice(1),
  avatar: null,
  level: 13,
  role: 'reader',
  ...overrides,
});

export interface TestContext extends CommandContext {
  store: SqliteStore;
  /** Creates a thread (of the only site, or `site`) as its host would; returns its id. */
  thread(id: string, spec?: Omit<ThreadSpec, 'id'>, site?: string): Promise<string>;
  /** Moves the fake clock forward. */
  advance(ms: number): void;
}

/** A command context over a fresh in-memory store, with a fake clock and sequential ids. */
export function createTestContext(): TestContext {
  const store = SqliteStore.open({ path: ':memory:' });
  onTestFinished(() => store.close());
  let clock = 1_700_000_000_000;
  let ids = 0;
  const ctx = createCommandContext(store, { now: () => clock, newId: () => `c${++ids}` });
  const thread = async (id: string, spec: Omit<ThreadSpec, 'id'> = {}, site?: string): Promise<string> => {
    const resolved = site === undefined ? ctx.sites.only : ctx.sites.get(site);
    if (!resolved) throw new Error(`test context: no site ${site ?? '(only)'}`);
    await store.write((tx) => applyThreadSpec(ctx, tx, resolved, { id, ...spec }, 'admin', clock));
    return id;
  };
  return { ...ctx, store, thread, advance: (ms) => void (clock += ms) };
}

let requestCounter = 0;
/** A fresh requestId. */
export const rid = (): string => `r${++requestCounter}-${Math.random().toString(36).slice(2, 8)}`;

/** {@link createTestContext} with a thread its host created (default `t`): where most command tests start. */
export async function contextWithThread(...threads: string[]): Promise<TestContext> {
  const ctx = createTestContext();
  for (const thread of threads.length ? threads : ['t']) await ctx.thread(thread);
  return ctx;
}
