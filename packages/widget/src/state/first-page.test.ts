/**
 * The first page from HTTP in the store and the connection that goes live after it (DOM-free):
 * [PAINT-6] a primed page, then the socket's join; [PAINT-7] the deferred connection;
 * [PAINT-11] the reader the token names.
 */
import { describe, expect, it } from 'vitest';
import { ThreadStore } from './thread-store.js';
import { memoryStorage } from './pending-mutations.js';
import { FakeConnection } from './testing/fake-connection.js';
import { THREAD, bella, comment, created, snapshot, viewer } from './testing/fixtures.js';
import { DeferredConnection } from '../transport/deferred-connection.js';
import { tokenViewer } from '../thread/token-viewer.js';

const page = () => snapshot([comment('a', { seq: 1 }), comment('b', { seq: 2 })], { viewer: viewer(null) });

function store(options: { signedIn?: boolean } = {}) {
  const connection = new FakeConnection();
  const s = new ThreadStore(connection, { thread: THREAD, storage: memoryStorage(), gapGraceMs: 0, ...options });
  return { connection, store: s };
}

const ids = (s: ThreadStore): string[] => s.groups().flatMap((g) => [g.root, ...g.replies].map((c) => c.id));

const jwt = (claims: Record<string, unknown>): string =>
  ['{"alg":"HS256"}', JSON.stringify(claims)].map((part) => btoa(part).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')).join('.') + '.sig';

describe('the first page before the socket', () => {
  it('[PAINT-6] a primed page shows at once; a guest\'s first socket join asks since its seq and applies what came after, once', () => {
    const { connection, store: s } = store();
    s.prime(page());
    expect(s.loaded).toBe(true);
    expect(s.joining).toBe(true);
    expect(ids(s)).toEqual(['a', 'b']);
    connection.setStatus('connected');
    expect(connection.pending('thread:join').input).toMatchObject({ since: 2 });
    connection.answer('thread:join', { mode: 'events', thread: page().thread, events: [created(3, comment('c'))], viewer: viewer(null) });
    expect(s.joining).toBe(false);
    expect([...ids(s)].sort()).toEqual(['a', 'b', 'c']);
    expect(s.lastSeq).toBe(3);
  });

  it('[PAINT-6] a signed-in reader\'s first join asks since the page with the comments it shows, and gets their reactions on them', () => {
    const { connection, store: s } = store({ signedIn: true });
    s.prime(page(), tokenViewer(jwt({ sub: bella.id, name: bella.name, lvl: bella.level })));
    connection.setStatus('connected');
    expect(connection.pending('thread:join').input).toMatchObject({ since: 2, reactionsFor: ['a', 'b'] });
    connection.answer('thread:join', { mode: 'events', thread: page().thread, events: [], viewer: viewer(bella, { reactions: { a: 'like' } }) });
    const a = s.groups().find((g) => g.root.id === 'a')!.root;
    expect(a.myReaction).toBe('like');
    // Later rejoins replay as usual, without the list.
    connection.setStatus('reconnecting');
    connection.setStatus('connected');
    expect(connection.pending('thread:join').input).toMatchObject({ since: 2 });
    expect(connection.pending('thread:join').input).not.toHaveProperty('reactionsFor');
  });

  it('[PAINT-6] a moderator\'s first join, or a token whose reader is unknown, asks for a snapshot (flag counts are not in a guest\'s page)', () => {
    for (const reader of [tokenViewer(jwt({ sub: 'mira', role: 'moderator', lvl: 30 })), null]) {
      const { connection, store: s } = store({ signedIn: true });
      s.prime(page(), reader);
      connection.setStatus('connected');
      expect(connection.pending('thread:join').input).not.toHaveProperty('since');
    }
  });

  it('[PAINT-6] a guest who signs in before the socket joined gets a snapshot too; a page for another sort, or after a join, is ignored', () => {
    const { connection, store: s } = store();
    s.prime(page());
    s.authenticate('token');
    connection.setStatus('connected');
    connection.answer('session:auth', { user: bella, role: 'reader', level: bella.level, expiresAt: null });
    expect(connection.pending('thread:join').input).not.toHaveProperty('since');

    const other = store();
    other.store.prime({ ...page(), page: { ...(page() as { page: object }).page, sort: 'new' } } as never);
    expect(other.store.loaded).toBe(false);
    other.connection.setStatus('connected');
    other.connection.answer('thread:join', snapshot([comment('z', { seq: 9 })]));
    other.store.prime(page());
    expect(ids(other.store)).toEqual(['z']);
  });

  it('[PAINT-11] the primed page is drawn for the reader the token names, as a layout guess the join then replaces', () => {
    const { connection, store: s } = store({ signedIn: true });
    s.prime(page(), tokenViewer(jwt({ sub: 'bella', name: 'Bella Ciao', lvl: 21 })));
    expect(s.viewer).toMatchObject({ user: { id: 'bella', name: 'Bella Ciao', level: 21 }, role: 'reader', level: 21 });
    connection.setStatus('connected');
    connection.answer('thread:join', snapshot([comment('a', { seq: 1 })], { viewer: viewer(bella, { level: 14 }) }));
    expect(s.viewer?.level).toBe(14);
  });
});

describe('[PAINT-11] tokenViewer', () => {
  it('reads sub, name, lvl, role and avatar; an expired, unreadable or subject-less token is a guest', () => {
    const now = 1_700_000_000_000;
    expect(tokenViewer(jwt({ sub: 'u1', name: 'Ana', lvl: 7, role: 'moderator', exp: now / 1000 + 60 }), now)).toEqual({
      user: { id: 'u1', name: 'Ana', avatar: null, level: 7 },
      role: 'moderator',
      level: 7,
    });
    expect(tokenViewer(jwt({ sub: 'u1', role: 'owner', lvl: -3 }), now)).toMatchObject({ user: { name: 'u1', level: 0 }, role: 'reader' });
    expect(tokenViewer(jwt({ sub: 'u1', exp: now / 1000 - 1 }), now)).toBeNull();
    expect(tokenViewer(jwt({ name: 'nobody' }), now)).toBeNull();
    for (const bad of [undefined, '', 'garbage', 'a.%%%.c', 'a.bm90IGpzb24.c']) expect(tokenViewer(bad, now)).toBeNull();
  });
});

describe('[PAINT-7] DeferredConnection', () => {
  it('loads nothing until started; then hands over queued requests in order, listeners and the token', async () => {
    let loads = 0;
    let real!: FakeConnection;
    let made: { token: string | undefined; site: string | undefined } | null = null;
    const deferred = new DeferredConnection('https://parley.example', undefined, 'news', async () => {
      loads++;
      return (_server, token, site) => {
        made = { token, site };
        return (real = new FakeConnection());
      };
    });
    const statuses: string[] = [];
    const events: number[] = [];
    deferred.onStatus((s) => statuses.push(s));
    deferred.onThreadEvents((batch) => events.push(...batch.map((e) => e.seq)));
    const answers: unknown[] = [];
    deferred.request('thread:join', { thread: THREAD }, (ack) => answers.push(ack));
    deferred.request('economy:state', { thread: THREAD }, (ack) => answers.push(ack));
    deferred.setToken('fresh');
    expect(deferred.status).toBe('connecting');
    await Promise.resolve();
    expect(loads).toBe(0);
    deferred.start();
    deferred.start();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(loads).toBe(1);
    expect(made).toEqual({ token: 'fresh', site: 'news' });
    expect(real.sent.map((r) => r.event)).toEqual(['thread:join', 'economy:state']);
    real.setStatus('connected');
    expect(statuses).toEqual(['connected']);
    expect(deferred.status).toBe('connected');
    real.deliverMessage([created(1, comment('a'))]);
    expect(events).toEqual([1]);
    deferred.close();
    expect((real as unknown as { closed: boolean }).closed).toBe(true);
  });
});
