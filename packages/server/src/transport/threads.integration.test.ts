/**
 * Threads belong to the host, and sites are sealed (issue 8): attacks from clients that send any
 * header, with real sockets. Rules: SPEC THREAD-1…THREAD-6, SITE-1…SITE-3.
 */
import { ClientEventNames, type ClientEventName, type JoinResult, type PageResult } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { signThreadClaim, THREAD_CLAIM_TYPE } from '../sites/thread-claims.js';
import { call, connectClient, okData, rid, startTestServer, TEST_SECRET, TEST_SITE, type ClientSocket } from '../test-helpers.js';
import { signToken } from './tokens.js';

const NEWS_SECRET = 'news-secret-0123456789abcdef0123456789';
const OPEN_SECRET = 'open-secret-0123456789abcdef0123456789';
const PUBLISHER = 'http://publisher.example';

const twoSites = (extra: { autoCreateThreads?: boolean } = {}) =>
  startTestServer({
    threads: [],
    sites: [
      { id: 'news', secret: NEWS_SECRET, origins: ['same-origin', PUBLISHER], gates: { comment: 13 }, ...extra },
      { id: 'open', secret: OPEN_SECRET, origins: ['same-origin', PUBLISHER], ...extra },
    ],
  });

const tokenFor = (site: 'news' | 'open', sub: string, claims: Record<string, unknown> = {}) =>
  signToken(site === 'news' ? NEWS_SECRET : OPEN_SECRET, { sub, name: sub, lvl: 0, ...claims }, { audience: site });

async function reader(url: string, site: string, token?: string, origin?: string): Promise<ClientSocket> {
  const { socket, error } = await connectClient(url, token, { site, ...(origin && { origin }) });
  if (error) throw error;
  return socket;
}

describe('threads come to exist only from the host', () => {
  it('[THREAD-4] a guest without token or Origin cannot create a thread, set its gates or title, or flood creations', async () => {
    const server = await startTestServer({ threads: [] });
    const guest = await server.connect();
    for (let i = 0; i < 200; i++) {
      const ack = await call(guest, 'thread:join', { thread: `squat/${i}` });
      expect(ack).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('thread-token') } });
    }
    // Unsigned attributes are not even part of the protocol any more.
    for (const extra of [{ gates: { comment: 1000 } }, { title: 'Mine now' }]) {
      expect(await call(guest, 'thread:join', { thread: 'squat/x', ...extra })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    expect(await server.store.read((tx) => tx.listThreads(TEST_SITE, null, 10))).toEqual([]);
    // And an admin at LVL 100 is never locked out of a thread the host later creates.
    await server.thread('squat/1');
    const admin = await server.connect(await server.token('boss', { lvl: 100, role: 'admin' }));
    okData(await call(admin, 'thread:join', { thread: 'squat/1' }));
    okData(await call(admin, 'comment:post', { requestId: rid(), thread: 'squat/1', body: 'mine' }));
  });

  it('[THREAD-4] posting, voting or reading into a thread nobody created answers not_found and stores nothing', async () => {
    const server = await startTestServer({ threads: [] });
    const sam = await server.connect(await server.token('sam', { lvl: 50 }));
    for (const [event, payload] of [
      ['comment:post', { requestId: rid(), thread: 'ghost', body: 'planted' }],
      ['post:vote', { requestId: rid(), thread: 'ghost', value: 'plus' }],
      ['read:heartbeat', { thread: 'ghost' }],
      ['report:buy', { requestId: rid(), thread: 'ghost' }],
      ['comments:page', { thread: 'ghost', sort: 'new', cursor: 'x' }],
    ] as const) {
      const ack = await call(sam, event, payload);
      expect({ event, code: ack.ok ? 'ok' : ack.error.code }).toEqual({ event, code: event === 'comments:page' ? 'invalid_cursor' : 'not_found' });
    }
    expect(await server.store.read((tx) => tx.getThread(`${TEST_SITE}:ghost`))).toBeNull();
  });

  it('[THREAD-2] a host-signed claim creates the thread with its title, url, tightenings and author; unsigned input sets nothing', async () => {
    const server = await startTestServer({ threads: [], sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], gates: { comment: 5 } }] });
    const claim = await signThreadClaim(
      TEST_SECRET,
      { thread: 'world/1', title: 'Iran talks', url: 'https://news.example/world/1', gates: { comment: 15, react: 2 }, author: 'staff' },
      { audience: TEST_SITE },
    );
    const guest = await server.connect();
    // A guest's page view may carry the host's claim: the host created the thread, not the guest.
    const joined = okData(await call<JoinResult>(guest, 'thread:join', { thread: 'world/1', claim }));
    expect(joined.thread).toMatchObject({ id: 'world/1', title: 'Iran talks', url: 'https://news.example/world/1' });
    // Both tighten the site's gates (comment 5, react open), so both are recorded.
    expect(joined.viewer.gates).toMatchObject({ comment: 15, react: 2 });
    const economy = okData(await call<{ author: string | null }>(guest, 'economy:state', { thread: 'world/1' }));
    expect(economy.author).toBe('staff');
  });

  it('[THREAD-2][THREAD-7] claims are ordered by iat: a replayed or older claim changes nothing, a newer one re-gates open widgets', async () => {
    const server = await startTestServer({ threads: [] });
    const at = Math.floor(Date.now() / 1000);
    // Signed with an explicit iat, as a host signing at different times would.
    const sign = (iat: number, gates: Record<string, number>, title: string) =>
      new SignJWT({ thread: 'x', title, gates, published: true })
        .setProtectedHeader({ alg: 'HS256', typ: THREAD_CLAIM_TYPE })
        .setAudience(TEST_SITE)
        .setIssuedAt(iat)
        .sign(new TextEncoder().encode(TEST_SECRET));
    const sam = await server.connect(await server.token('sam', { lvl: 20 }));
    const first = okData(await call<JoinResult>(sam, 'thread:join', { thread: 'x', claim: await sign(at - 100, { comment: 15 }, 'First') }));
    expect(first.viewer.gates.comment).toBe(15);
    const older = okData(await call<JoinResult>(sam, 'thread:join', { thread: 'x', claim: await sign(at - 200, { comment: 0 }, 'Older') }));
    expect(older.thread.title).toBe('First');
    expect(older.viewer.gates.comment).toBe(15);
    const regated = new Promise((resolve) => sam.once('thread:gates', resolve));
    const newer = okData(await call<JoinResult>(sam, 'thread:join', { thread: 'x', claim: await sign(at, { comment: 25 }, 'Newer') }));
    expect(newer.thread.title).toBe('Newer');
    expect(await regated).toMatchObject({ thread: 'x', gates: { comment: 25 } });
  });

  it('[THREAD-2] a claim signed with another key, for another thread or site, or a reader token passed as a claim, is refused', async () => {
    const server = await startTestServer({ threads: [] });
    const guest = await server.connect();
    const cases = [
      await signThreadClaim('another-secret-0123456789abcdef0123', { thread: 'x' }, { audience: TEST_SITE }),
      await signThreadClaim(TEST_SECRET, { thread: 'other' }, { audience: TEST_SITE }),
      await signThreadClaim(TEST_SECRET, { thread: 'x' }, { audience: 'another-site' }),
      await server.token('sam', { lvl: 99 }),
    ];
    for (const claim of cases) {
      expect(await call(guest, 'thread:join', { thread: 'x', claim })).toMatchObject({ ok: false, error: { code: 'invalid_token', token: 'thread-token' } });
    }
    // A claim is not a sign-in either.
    const asToken = await connectClient(server.url, await signThreadClaim(TEST_SECRET, { thread: 'x' }, { audience: TEST_SITE }));
    expect(asToken.error?.data).toMatchObject({ code: 'invalid_token' });
    expect(await server.store.read((tx) => tx.getThread(`${TEST_SITE}:x`))).toBeNull();
  });

  it('[THREAD-5] tightenings are clamped to the site level curve: a claimed gate of 1000 locks nobody out above its top', async () => {
    const server = await startTestServer({ threads: [] });
    const claim = await signThreadClaim(TEST_SECRET, { thread: 'x', gates: { comment: 1000 } }, { audience: TEST_SITE });
    const admin = await server.connect(await server.token('boss', { lvl: 100, role: 'admin' }));
    const joined = okData(await call<JoinResult>(admin, 'thread:join', { thread: 'x', claim }));
    expect(joined.viewer.gates.comment).toBe(100);
    okData(await call(admin, 'comment:post', { requestId: rid(), thread: 'x', body: 'still mine' }));
  });

  it('[THREAD-6] read-to-earn pays only on a published thread', async () => {
    const server = await startTestServer({ threads: [], economy: { heartbeatMs: 200 } });
    await server.upsertThread({ id: 'draft' });
    await server.upsertThread({ id: 'live', published: true });
    const ann = await server.connect(await server.token('ann'));
    for (const thread of ['draft', 'live']) okData(await call(ann, 'thread:join', { thread }));
    // One beat per half interval per socket (the heartbeat throttle): wait between beats.
    const beat = async (thread: string) => {
      await new Promise((next) => setTimeout(next, 120));
      return okData(await call<{ readMs: number; credited: number }>(ann, 'read:heartbeat', { thread }));
    };
    await beat('draft');
    expect(await beat('draft')).toMatchObject({ readMs: 0, credited: 0 });
    await beat('live');
    expect((await beat('live')).readMs).toBeGreaterThan(0);
  });
});

describe('paste-and-go', () => {
  it('[THREAD-3] only a signed-in reader on an explicitly allowed Origin, for a URL on it, creates a thread — with site defaults only', async () => {
    const server = await twoSites({ autoCreateThreads: true });
    const token = await tokenFor('open', 'ann');
    const noOrigin = await reader(server.url, 'open', token);
    expect(await call(noOrigin, 'thread:join', { thread: 'p/1', url: `${PUBLISHER}/p/1` })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const onOrigin = await reader(server.url, 'open', token, PUBLISHER);
    expect(await call(onOrigin, 'thread:join', { thread: 'p/1', url: 'http://elsewhere.example/p/1' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const guest = await reader(server.url, 'open', undefined, PUBLISHER);
    // A guest sees an empty thread and creates nothing.
    const empty = okData(await call<JoinResult>(guest, 'thread:join', { thread: 'p/1', url: `${PUBLISHER}/p/1` }));
    expect(empty.thread).toMatchObject({ id: 'p/1', seq: 0, commentCount: 0 });
    expect(await server.store.read((tx) => tx.getThread('open:p/1'))).toBeNull();
    const created = okData(await call<JoinResult>(onOrigin, 'thread:join', { thread: 'p/1', url: `${PUBLISHER}/p/1` }));
    expect(created.thread).toMatchObject({ id: 'p/1', title: null, url: `${PUBLISHER}/p/1` });
    expect(await server.store.read((tx) => tx.getThread('open:p/1'))).toMatchObject({ origin: 'auto', publishedAt: null });
  });
});

describe('sites are sealed', () => {
  it('[SITE-1] a reader of one site cannot plant a comment in a thread id another site opens later', async () => {
    const server = await twoSites();
    await server.upsertThread({ id: 'x' }, 'open');
    const planter = await reader(server.url, 'open', await tokenFor('open', 'mallory'));
    okData(await call(planter, 'thread:join', { thread: 'x' }));
    okData(await call(planter, 'comment:post', { requestId: rid(), thread: 'x', body: 'planted' }));
    // news's thread of the same id is another thread: unknown until news creates it, then empty.
    const newsReader = await reader(server.url, 'news', await tokenFor('news', 'nina', { lvl: 20 }));
    expect(await call(newsReader, 'thread:join', { thread: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await server.upsertThread({ id: 'x' }, 'news');
    const joined = okData(await call<JoinResult & { mode: 'snapshot' }>(newsReader, 'thread:join', { thread: 'x' }));
    expect(joined.page.comments).toEqual([]);
    expect(joined.thread.commentCount).toBe(0);
  });

  it('[SITE-1] pages and replies with a hand-made cursor never reach another site\'s comments', async () => {
    const server = await twoSites();
    await server.upsertThread({ id: 'secret' }, 'news');
    const writer = await reader(server.url, 'news', await tokenFor('news', 'nina', { lvl: 20 }));
    okData(await call(writer, 'thread:join', { thread: 'secret' }));
    const root = okData(await call<{ comment: { id: string } }>(writer, 'comment:post', { requestId: rid(), thread: 'secret', body: 'news only' }));
    const cursor = Buffer.from(JSON.stringify({ sort: 'new', seq: 99 })).toString('base64url');
    const outsider = await reader(server.url, 'open', await tokenFor('open', 'mallory', { role: 'moderator' }));
    for (const [event, payload] of [
      ['comments:page', { thread: 'secret', sort: 'new', cursor }],
      ['comments:replies', { thread: 'secret', rootId: root.comment.id }],
      ['comments:around', { thread: 'secret', commentId: root.comment.id }],
      ['comment:hidden-body', { thread: 'secret', commentId: root.comment.id }],
      ['comment:react', { requestId: rid(), thread: 'secret', commentId: root.comment.id, value: 'like' }],
      ['comment:flag', { requestId: rid(), thread: 'secret', commentId: root.comment.id, reason: 'spam' }],
      ['comment:hide', { requestId: rid(), thread: 'secret', commentId: root.comment.id, hidden: true }],
      ['economy:state', { thread: 'secret' }],
    ] as const) {
      const ack = await call<PageResult>(outsider, event, payload);
      const leaked = ack.ok && event !== 'economy:state';
      expect({ event, leaked, code: ack.ok ? null : ack.error.code }).toMatchObject({ event, leaked: false });
      if (!ack.ok) expect(['not_found', 'invalid_cursor']).toContain(ack.error.code);
    }
  });

  it('[SITE-1] every client event from an admin of another site, aimed at a thread id both sites have, leaves this site\'s thread untouched', async () => {
    const server = await twoSites();
    await server.upsertThread({ id: 'secret', published: true, author: 'nina' }, 'news');
    await server.upsertThread({ id: 'secret' }, 'open');
    const nina = await reader(server.url, 'news', await tokenFor('news', 'nina', { lvl: 20 }));
    okData(await call(nina, 'thread:join', { thread: 'secret' }));
    const root = okData(await call<{ comment: { id: string } }>(nina, 'comment:post', { requestId: rid(), thread: 'secret', body: 'news only' }));
    const id = root.comment.id;
    const key = 'news:secret';
    const state = () =>
      server.store.read(async (tx) => ({
        thread: await tx.getThread(key),
        events: await tx.listEvents(key, 0, 100),
        comment: await tx.getComment(key, id),
        flags: await tx.listFlags(key, id),
        notes: (await tx.listNoteUpdates(key)).length,
        author: await tx.ledger.postAuthor(key),
        transfers: (await tx.ledger.allTransfers()).filter((t) => t.thread === key).length,
      }));
    const before = await state();

    // The strongest outsider: an admin of the other site, in its own thread of the same id.
    const mallory = await reader(server.url, 'open', await tokenFor('open', 'mallory', { lvl: 100, role: 'admin' }));
    okData(await call(mallory, 'thread:join', { thread: 'secret' }));
    const bytes = new Uint8Array([1, 0]);
    const cursor = Buffer.from(JSON.stringify({ sort: 'new', seq: 99 })).toString('base64url');
    const attempts: Record<ClientEventName, unknown> = {
      'thread:join': { thread: 'secret', claim: await signThreadClaim(NEWS_SECRET, { thread: 'secret', title: 'pwned' }, { audience: 'news' }) },
      'thread:leave': { thread: 'secret' },
      'comments:page': { thread: 'secret', sort: 'new', cursor },
      'comments:replies': { thread: 'secret', rootId: id },
      'comments:around': { thread: 'secret', commentId: id },
      'comment:post': { requestId: rid(), thread: 'secret', parentId: id, body: 'planted reply' },
      'comment:edit': { requestId: rid(), thread: 'secret', commentId: id, body: 'rewritten' },
      'comment:delete': { requestId: rid(), thread: 'secret', commentId: id },
      'comment:react': { requestId: rid(), thread: 'secret', commentId: id, value: 'dislike' },
      'comment:hide': { requestId: rid(), thread: 'secret', commentId: id, hidden: true },
      'comment:flag': { requestId: rid(), thread: 'secret', commentId: id, reason: 'spam' },
      'comment:hidden-body': { thread: 'secret', commentId: id },
      'post:vote': { requestId: rid(), thread: 'secret', value: 'minus' },
      'presence:set': { thread: 'secret', typing: { parentId: id } },
      'presence:sync': { thread: 'secret' },
      'notes:sync': { thread: 'secret', stateVector: new Uint8Array([0]) },
      'notes:update': { thread: 'secret', update: bytes },
      'session:auth': { token: await tokenFor('news', 'nina', { lvl: 20 }) },
      'economy:state': { thread: 'secret' },
      'read:heartbeat': { thread: 'secret' },
      'report:buy': { requestId: rid(), thread: 'secret' },
      'report:list': { thread: 'secret' },
      'thread:publish': { requestId: rid(), thread: 'secret' },
    };
    expect(Object.keys(attempts).sort()).toEqual([...ClientEventNames].sort());
    for (const event of ClientEventNames) {
      const ack = await call(mallory, event, attempts[event]);
      // No answer carries the other site's words.
      expect({ event, leaked: JSON.stringify(ack).includes('news only') }).toEqual({ event, leaked: false });
      if (event === 'session:auth') expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_token' } });
    }
    expect(await state()).toEqual(before);
  });

  it('[SITE-2] a guest is a guest of the site it connected for, not of the first site', async () => {
    const server = await twoSites();
    await server.upsertThread({ id: 'only-open' }, 'open');
    const openGuest = await reader(server.url, 'open');
    okData(await call(openGuest, 'thread:join', { thread: 'only-open' }));
    const newsGuest = await reader(server.url, 'news');
    expect(await call(newsGuest, 'thread:join', { thread: 'only-open' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('[SITE-3] request ids are per site and user: the same requestId on two sites is two requests', async () => {
    const server = await twoSites();
    await server.upsertThread({ id: 't' }, 'news');
    await server.upsertThread({ id: 't' }, 'open');
    const onNews = await reader(server.url, 'news', await tokenFor('news', '1001', { lvl: 20 }));
    const onOpen = await reader(server.url, 'open', await tokenFor('open', '1001', { lvl: 20 }));
    const requestId = rid();
    for (const socket of [onNews, onOpen]) okData(await call(socket, 'thread:join', { thread: 't' }));
    okData(await call(onNews, 'comment:post', { requestId, thread: 't', body: 'on news' }));
    const other = okData(await call<{ comment: { body: string } }>(onOpen, 'comment:post', { requestId, thread: 't', body: 'on open' }));
    expect(other.comment.body).toBe('on open');
  });
});
