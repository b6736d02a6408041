/**
 * Pre-moderation, bans and the console's API end to end: real sockets, real HTTP with the console's
 * cookie and CSRF header, on SQLite and on a real PostgreSQL database of this file's own.
 */
import type { CommentView, JoinResult, PostCommentResult, ThreadEvent, ViewerSession } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, nextThreadEvent, okData, rid, startTestServer, TEST_SECRET, TEST_SITE, type ClientSocket, type TestServer } from '../test-helpers.js';
import { testDatabase } from '../store/postgres/test-database.js';
import type { ModerationEvent } from './events.js';
import { consoleCommand } from '../cli-console.js';

const ADMIN_KEY = 'console-admin-key-0123456789';
const pg = testDatabase('parley_mod');
let threads = 0;

interface Console {
  csrf: string;
  cookie: string;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
}

async function signIn(server: TestServer, credential = ADMIN_KEY): Promise<Console> {
  const response = await fetch(`${server.url}/admin/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ credential }) });
  const body = (await response.json()) as { csrf: string };
  expect(response.status).toBe(200);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  const send = async <T>(method: string, path: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}/admin/api${path}`, {
      method,
      headers: { cookie, 'Content-Type': 'application/json', 'X-Parley-CSRF': body.csrf, ...headers },
      ...(payload !== undefined && { body: JSON.stringify(payload) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  return {
    csrf: body.csrf,
    cookie,
    get: async <T>(path: string) => (await send<T>('GET', path)).body,
    post: <T>(path: string, payload: unknown, headers?: Record<string, string>) => send<T>('POST', path, payload, headers),
  };
}

const stores = [
  ['SQLite', () => ({ dbPath: ':memory:' })],
  ['PostgreSQL', () => ({ dbPath: undefined, databaseUrl: pg.url })],
] as const;

describe.each(stores)('moderation on %s', (_name, database) => {
  async function setUp(premoderation: Record<string, unknown> = { belowLevel: 10 }) {
    const server = await startTestServer({
      ...database(),
      threads: [],
      sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], adminKey: ADMIN_KEY, premoderation }],
    });
    const thread = await server.thread(`mod-${++threads}-${Date.now()}`);
    const events: ModerationEvent[] = [];
    server.moderation.events.onAny((event) => events.push(event));
    const join = async (socket: ClientSocket) => okData(await call<JoinResult & { mode: 'snapshot' }>(socket, 'thread:join', { thread }));
    const newbie = await server.connect(await server.token(`newbie-${threads}`, { lvl: 3 }));
    const regular = await server.connect(await server.token(`regular-${threads}`, { lvl: 20 }));
    await join(newbie);
    await join(regular);
    const post = (socket: ClientSocket, body: string) => call<PostCommentResult>(socket, 'comment:post', { requestId: rid(), thread, body });
    return { server, thread, events, newbie, regular, join, post, newbieId: `newbie-${threads}`, regularId: `regular-${threads}` };
  }

  it('[PREMOD-3] [PREMOD-4] a comment below the level is held: its author sees "held", nobody else sees or counts it', async () => {
    const { server, newbie, regular, join, post, events } = await setUp();
    const heard: ThreadEvent[] = [];
    regular.on('thread:events', (batch: ThreadEvent[]) => heard.push(...batch));
    const held = okData(await post(newbie, 'My first words'));
    expect(held.seq).toBeNull();
    expect(held.comment).toMatchObject({ body: 'My first words', status: 'held', seq: 0 });
    const published = okData(await post(regular, 'A regular speaks'));
    expect(published.seq).toBe(1);

    const other = await join(regular);
    expect(other.page.comments.map((c) => c.body)).toEqual(['A regular speaks']);
    expect(other.thread.commentCount).toBe(1);
    expect(other.own).toBeUndefined();
    const replay = okData(await call<JoinResult & { mode: 'events' }>(regular, 'thread:join', { thread: other.thread.id, since: 0 }));
    expect(JSON.stringify(replay)).not.toContain('My first words');
    expect(JSON.stringify(heard)).not.toContain('My first words');

    const mine = await join(newbie);
    expect(mine.own?.map((c: CommentView) => [c.body, c.status])).toEqual([['My first words', 'held']]);
    expect(events.map((e) => e.name)).toEqual(['comment.held', 'comment.created']);
    const queue = await (await signIn(server)).get<{ items: { id: string; thread: string; reasons: string[] }[]; total: number }>('/queue/held');
    expect(queue.items.filter((item) => item.thread === other.thread.id)).toEqual([
      expect.objectContaining({ id: held.comment.id, reasons: ['Comments from readers below LVL 10 are reviewed first.'] }),
    ]);
  });

  it('[PREMOD-5] approval publishes it live with the next seq, and only then moves its tribute and reward', async () => {
    const { server, newbie, regular, post, events, newbieId } = await setUp();
    const held = okData(await post(newbie, 'Worth the wait'));
    const transfersOf = async () =>
      (await server.store.read((tx) => tx.ledger.allTransfers())).filter((t) => t.ref?.includes(held.comment.id)).length;
    expect(await transfersOf()).toBe(0);
    const admin = await signIn(server);
    const arrives = nextThreadEvent(regular, (e) => e.type === 'comment.created');
    const done = await admin.post<{ results: { ok: boolean; data: { seq: number } }[] }>('/actions', { items: [{ action: 'approve', commentId: held.comment.id }] });
    expect(done.body.results[0]).toMatchObject({ ok: true, data: { seq: 1 } });
    expect(await arrives).toMatchObject({ type: 'comment.created', seq: 1, comment: { id: held.comment.id, body: 'Worth the wait', author: { id: newbieId } } });
    expect(await transfersOf()).toBeGreaterThan(0);
    const again = await admin.post<{ results: { ok: boolean; error: { code: string } }[] }>('/actions', { items: [{ action: 'approve', commentId: held.comment.id }] });
    expect(again.body.results[0]).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(events.filter((e) => e.name === 'comment.approved')).toHaveLength(1);
    const log = await admin.get<{ entries: { action: string; actorRole: string; commentId: string }[] }>('/log');
    expect(log.entries.filter((e) => e.commentId === held.comment.id)).toEqual([expect.objectContaining({ action: 'approve', actorRole: 'key' })]);
  });

  it('[PREMOD-1] [PREMOD-2] a registered screener holds with its reasons and tags, or rejects with comment_rejected and stores nothing', async () => {
    const { server, regular, newbie, join, post } = await setUp({});
    server.moderation.registerScreener('words', ({ body }) =>
      body.includes('forbidden') ? { action: 'reject', reasons: ['This comment uses a word this site does not allow.'] } : body.includes('suspect') ? { action: 'hold', reasons: ['suspect word'], tags: ['words'] } : null,
    );
    const refused = await post(regular, 'a forbidden thing');
    expect(refused).toMatchObject({ ok: false, error: { code: 'comment_rejected', message: 'This comment uses a word this site does not allow.', reasons: ['This comment uses a word this site does not allow.'] } });
    const held = okData(await post(regular, 'a suspect thing'));
    expect(held.comment.status).toBe('held');
    const queue = await (await signIn(server)).get<{ items: { id: string; reasons: string[]; tags: string[] }[] }>('/queue/held');
    expect(queue.items.find((item) => item.id === held.comment.id)).toMatchObject({ reasons: ['suspect word'], tags: ['words'] });
    expect((await join(newbie)).page.comments).toEqual([]);
  });

  it('[PREMOD-6] a rejected comment is never shown nor paid, and cannot be approved later', async () => {
    const { server, newbie, join, post, regular } = await setUp({ links: true });
    const held = okData(await post(regular, 'Buy now at www.cheap-pills.example.com'));
    expect(held.comment.status).toBe('held');
    const admin = await signIn(server);
    const rejected = await admin.post<{ results: { ok: boolean }[] }>('/actions', { items: [{ action: 'reject', commentId: held.comment.id, reason: 'spam' }, { action: 'approve', commentId: held.comment.id }] });
    expect(rejected.body.results.map((r) => r.ok)).toEqual([true, false]);
    expect((await join(regular)).own).toBeUndefined();
    expect((await join(newbie)).page.comments).toEqual([]);
    expect((await server.store.read((tx) => tx.ledger.allTransfers())).filter((t) => t.ref?.includes(held.comment.id))).toEqual([]);
  });

  it('[BAN-1] [BAN-2] a banned reader is refused every change with "banned"; a suspended one with "suspended" and until; lifting restores', async () => {
    const { server, regular, post, events, regularId } = await setUp({});
    const mine = okData(await post(regular, 'Before the ban'));
    const admin = await signIn(server);
    await admin.post('/actions', { items: [{ action: 'ban', userId: regularId, kind: 'ban', reason: 'abuse' }] });
    const refused = await post(regular, 'After the ban');
    expect(refused).toMatchObject({ ok: false, error: { code: 'banned', message: 'You are banned from commenting on this site. Reason: abuse' } });
    const react = await call(regular, 'comment:react', { requestId: rid(), thread: mine.comment.thread, commentId: mine.comment.id, value: 'like' });
    expect(react).toMatchObject({ ok: false, error: { code: 'banned' } });
    await admin.post('/actions', { items: [{ action: 'ban', userId: regularId, kind: 'suspend', durationMs: 3_600_000 }] });
    const suspended = await post(regular, 'Still suspended');
    expect(suspended).toMatchObject({ ok: false, error: { code: 'suspended', until: expect.any(Number) } });
    expect(suspended.ok === false && suspended.error.message).toMatch(/^You are suspended from commenting until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    await admin.post('/actions', { items: [{ action: 'unban', userId: regularId }] });
    expect(okData(await post(regular, 'Back again')).seq).toBeGreaterThan(0);
    expect(events.filter((e) => e.name.startsWith('reader.')).map((e) => e.name)).toEqual(['reader.banned', 'reader.banned', 'reader.unbanned']);
  });

  it('[BAN-3] a shadow-muted reader sees their comments; nobody else does, and no moderator queue fills', async () => {
    const { server, regular, newbie, join, post, regularId, thread } = await setUp({});
    const admin = await signIn(server);
    await admin.post('/actions', { items: [{ action: 'ban', userId: regularId, kind: 'mute' }] });
    const muted = okData(await post(regular, 'Into the void'));
    expect(muted.comment.body).toBe('Into the void');
    expect(muted.comment.status).toBeUndefined();
    expect((await join(regular)).own?.map((c) => c.body)).toEqual(['Into the void']);
    expect((await join(regular)).viewer.restriction).toBeUndefined();
    expect((await join(newbie)).page.comments).toEqual([]);
    const queue = await admin.get<{ items: { thread: string }[] }>('/queue/held');
    expect(queue.items.filter((item) => item.thread === thread)).toEqual([]);
  });

  it('[BAN-4] a ban reaches the reader\'s open sockets at once as viewer:update with the restriction', async () => {
    const { server, newbie, newbieId } = await setUp({});
    const second = await server.connect(await server.token(newbieId, { lvl: 3 }));
    const told = [newbie, second].map((socket) => new Promise<ViewerSession>((resolve) => socket.once('viewer:update', resolve)));
    const admin = await signIn(server);
    await admin.post('/actions', { items: [{ action: 'ban', userId: newbieId, kind: 'ban' }] });
    for (const session of await Promise.all(told)) expect(session.restriction).toMatchObject({ kind: 'ban', message: 'You are banned from commenting on this site.' });
  });

  it('[CON-1] [CON-2] the console refuses readers, a missing or wrong CSRF token and a foreign Origin', async () => {
    const { server } = await setUp({});
    const reader = await fetch(`${server.url}/admin/api/session`, { method: 'POST', body: JSON.stringify({ credential: await server.token('zoe') }) });
    expect(reader.status).toBe(403);
    const anonymous = await fetch(`${server.url}/admin/api/queue/held`);
    expect(anonymous.status).toBe(401);
    const moderator = await signIn(server, await server.token('mo', { role: 'moderator' }));
    expect((await moderator.post('/actions', { items: [{ action: 'unban', userId: 'x' }] }, { 'X-Parley-CSRF': 'forged' })).status).toBe(403);
    expect((await moderator.post('/actions', { items: [{ action: 'unban', userId: 'x' }] }, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await moderator.post('/actions', { items: [{ action: 'unban', userId: 'x' }] })).status).toBe(200);
    const forged = `${moderator.cookie.slice(0, -3)}abc`;
    expect((await fetch(`${server.url}/admin/api/queue/held`, { headers: { cookie: forged } })).status).toBe(401);
  });

  it('[PREMOD-7] a rejected held comment is told to its author\'s open sockets, with the reason; a muted reader\'s never is', async () => {
    const { server, newbie, regular, join, post, regularId, thread } = await setUp();
    const heard: { who: string; commentId: string; reason: string | null; thread: string }[] = [];
    newbie.on('own:rejected', (n: { commentId: string; reason: string | null; thread: string }) => heard.push({ who: 'newbie', ...n }));
    regular.on('own:rejected', (n: { commentId: string; reason: string | null; thread: string }) => heard.push({ who: 'regular', ...n }));
    const admin = await signIn(server);
    const held = okData(await post(newbie, 'Awaiting a verdict'));
    await admin.post('/actions', { items: [{ action: 'ban', userId: regularId, kind: 'mute' }] });
    const muted = okData(await post(regular, 'Shouting into the void'));
    const told = new Promise((resolve) => newbie.once('own:rejected', resolve));
    const done = await admin.post<{ results: { ok: boolean }[] }>('/actions', {
      items: [
        { action: 'reject', commentId: muted.comment.id },
        { action: 'reject', commentId: held.comment.id, reason: 'off-topic' },
      ],
    });
    expect(done.body.results.map((r) => r.ok)).toEqual([true, true]);
    await told;
    await join(regular);
    expect(heard).toEqual([{ who: 'newbie', thread, commentId: held.comment.id, reason: 'off-topic' }]);
    expect((await join(newbie)).own).toBeUndefined();
  });

  it('[CON-7] the console counts each queue, and its stream sends the counts when it opens and after each change', async () => {
    const { server, newbie, regular, post, regularId, thread } = await setUp();
    const admin = await signIn(server);
    type Counts = { held: number; flagged: number; readers: number; bans: number };
    const before = await admin.get<Counts>('/counts');
    const frames: Counts[] = [];
    const abort = new AbortController();
    const response = await fetch(`${server.url}/admin/api/stream`, { headers: { cookie: admin.cookie }, signal: abort.signal });
    const reading = (async () => {
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
          const frame = text.slice(0, end);
          text = text.slice(end + 2);
          const data = /^event: counts\ndata: (.*)$/m.exec(frame)?.[1];
          if (data) frames.push(JSON.parse(data) as Counts);
        }
      }
    })().catch(() => undefined);
    const framed = async (predicate: (c: Counts) => boolean): Promise<Counts> => {
      for (let i = 0; i < 200; i++) {
        const found = frames.find(predicate);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no counts frame matched: ${JSON.stringify(frames)}`);
    };
    expect(await framed(() => true)).toEqual(before);
    frames.length = 0;

    okData(await post(newbie, 'Waiting in line'));
    const target = okData(await post(regular, 'Flag me'));
    okData(await call(newbie, 'comment:flag', { requestId: rid(), thread, commentId: target.comment.id, reason: 'spam' }));
    await admin.post('/actions', { items: [{ action: 'ban', userId: regularId, kind: 'mute' }] });
    const after: Counts = { held: before.held + 1, flagged: before.flagged + 1, readers: before.readers + 1, bans: before.bans + 1 };
    expect(await admin.get<Counts>('/counts')).toEqual(after);
    expect(await framed((c) => c.held === after.held && c.flagged === after.flagged && c.bans === after.bans)).toEqual(after);

    frames.length = 0;
    await admin.post('/actions', { items: [{ action: 'keep', thread, commentId: target.comment.id }, { action: 'unban', userId: regularId }] });
    const kept = { ...after, flagged: before.flagged, bans: before.bans };
    expect(await framed((c) => c.flagged === before.flagged && c.bans === before.bans)).toEqual(kept);
    expect(await admin.get<Counts>('/counts')).toEqual(kept);
    abort.abort();
    await reading;
  });

  it('[CON-8] signing out revokes the session itself; an admin ends every session of a moderator; a new sign-in works', async () => {
    const { server } = await setUp({});
    const status = async (cookie: string) => (await fetch(`${server.url}/admin/api/queue/held`, { headers: { cookie } })).status;
    const leaving = await signIn(server, await server.token('mo-out', { role: 'moderator' }));
    const signedOut = await fetch(`${server.url}/admin/api/session`, { method: 'DELETE', headers: { cookie: leaving.cookie, 'X-Parley-CSRF': leaving.csrf } });
    expect(signedOut.headers.get('set-cookie')).toContain('Max-Age=0');
    expect(await status(leaving.cookie)).toBe(401);
    expect(await (await fetch(`${server.url}/admin/api/session`, { headers: { cookie: leaving.cookie } })).json()).toMatchObject({ signedIn: false });

    const moToken = await server.token('mo-many', { role: 'moderator' });
    const [first, second] = [await signIn(server, moToken), await signIn(server, moToken)];
    const colleague = await signIn(server, await server.token('mo-stays', { role: 'moderator' }));
    expect((await colleague.post('/sessions/revoke', { moderator: 'mo-many' })).status).toBe(403);
    const admin = await signIn(server);
    expect((await admin.post('/sessions/revoke', { moderator: 'mo-many' })).body).toEqual({ revoked: 'mo-many' });
    expect([await status(first.cookie), await status(second.cookie), await status(colleague.cookie), await status(admin.cookie)]).toEqual([401, 401, 200, 200]);
    const log = await admin.get<{ entries: { action: string; userId: string | null; actorRole: string }[] }>('/log');
    expect(log.entries[0]).toMatchObject({ action: 'revoke-sessions', userId: 'mo-many', actorRole: 'admin' });
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(await status((await signIn(server, moToken)).cookie)).toBe(200);
    // Signing oneself out everywhere needs no admin.
    expect((await colleague.post('/sessions/revoke', {})).body).toEqual({ revoked: 'mo-stays' });
    expect(await status(colleague.cookie)).toBe(401);
  });

  it('[CON-8] `parley console revoke <moderator>` ends their sessions through the admin API; a reader\'s token may not', async () => {
    const { server } = await setUp({});
    const status = async (cookie: string) => (await fetch(`${server.url}/admin/api/counts`, { headers: { cookie } })).status;
    const mo = await signIn(server, await server.token('mo-cli', { role: 'moderator' }));
    const refused = await fetch(`${server.url}/admin/sites/${TEST_SITE}/moderators/mo-cli/revoke-console`, { method: 'POST', headers: { Authorization: `Bearer ${await server.token('zoe')}` } });
    expect(refused.status).toBe(403);
    expect(await status(mo.cookie)).toBe(200);
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => printed.push(chunk) > 0) as typeof process.stdout.write;
    try {
      await consoleCommand(['revoke', 'mo-cli', '--server', server.url, '--site', TEST_SITE], { PARLEY_ADMIN_KEY: ADMIN_KEY });
    } finally {
      process.stdout.write = write;
    }
    expect(JSON.parse(printed.join(''))).toEqual({ revoked: 'mo-cli' });
    expect(await status(mo.cookie)).toBe(401);
  });

  it('[CON-8] a session opened with the admin key ends when the site\'s adminKey changes', async () => {
    const { server } = await setUp({});
    const admin = await signIn(server);
    const withKey = async (adminKey: string) => {
      const node = await startTestServer({ ...database(), threads: [], sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], adminKey }] });
      try {
        return (await fetch(`${node.url}/admin/api/queue/held`, { headers: { cookie: admin.cookie } })).status;
      } finally {
        await node.close();
      }
    };
    expect(await withKey(ADMIN_KEY)).toBe(200);
    expect(await withKey('a-rotated-admin-key-9876543210')).toBe(401);
  });

  it('[MODLOG-1] hides and deletes from the widget land in the audit log with who and what', async () => {
    const { server, regular, post } = await setUp({});
    const posted = okData(await post(regular, 'Rude words'));
    const mo = await server.connect(await server.token('mo', { role: 'moderator', name: 'Mo' }));
    okData(await call(mo, 'thread:join', { thread: posted.comment.thread }));
    okData(await call(mo, 'comment:hide', { requestId: rid(), thread: posted.comment.thread, commentId: posted.comment.id, hidden: true }));
    okData(await call(mo, 'comment:delete', { requestId: rid(), thread: posted.comment.thread, commentId: posted.comment.id }));
    const log = await (await signIn(server)).get<{ entries: { action: string; actorId: string; actorName: string; commentId: string }[] }>('/log');
    expect(log.entries.filter((e) => e.commentId === posted.comment.id).map((e) => [e.action, e.actorId, e.actorName, e.commentId])).toEqual([
      ['delete', 'mo', 'Mo', posted.comment.id],
      ['hide', 'mo', 'Mo', posted.comment.id],
    ]);
  });
});
