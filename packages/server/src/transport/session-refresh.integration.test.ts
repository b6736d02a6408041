/**
 * [SESS-1] A token refreshed over the open socket (`session:auth`) changes who the connection is without
 * leaving any thread room: every event committed around the refresh arrives, seq gapless.
 * [SESS-2] A token that runs out unrefreshed turns the socket into a guest, which is told so.
 */
import type { ViewerSession } from '@parley/protocol';
import { io } from 'socket.io-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, collectThreadEvents, okData, rid, startTestServer, TEST_SECRET, TEST_SITE, type ClientSocket } from '../test-helpers.js';
import { signToken } from './tokens.js';

// The writer posts 40 comments in a second: rewards paid at once (no settlement window, SPEC
// SETTLE-1) keep the starting grant from running out; this test is about events, not Twei.
const gatedServer = () =>
  startTestServer({ sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], gates: { comment: 13 } }], economy: { settleWindowMs: 0 } });

const nextViewerUpdate = (socket: ClientSocket): Promise<ViewerSession> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no viewer:update within 8 s')), 8000);
    socket.once('viewer:update', (session) => {
      clearTimeout(timer);
      resolve(session);
    });
  });

describe('[SESS-1] token refresh during a live session', () => {
  it('[SESS-1] refreshing many times while another reader posts loses no event and doubles none', async () => {
    const server = await gatedServer();
    const writer = await server.connect(await server.token('sam', { lvl: 13 }));
    const reader = await server.connect(await server.token('nadia', { lvl: 4 }));
    okData(await call(reader, 'thread:join', { thread: 't' }));
    const log = collectThreadEvents(reader);

    const posts = 40;
    const writing = (async () => {
      let last = 0;
      for (let i = 0; i < posts; i++) {
        last = okData(await call<{ seq: number }>(writer, 'comment:post', { requestId: rid(), thread: 't', body: `post ${i}` })).seq;
      }
      return last;
    })();
    for (let i = 0; i < 10; i++) {
      const refreshed = okData(await call<ViewerSession>(reader, 'session:auth', { token: await server.token('nadia', { lvl: 4 + i }) }));
      expect(refreshed).toMatchObject({ role: 'reader', level: 4 + i, user: { id: 'nadia' } });
    }
    const lastSeq = await writing;
    await log.untilSeq(lastSeq);
    expect(log.events.map((e) => e.seq)).toEqual(Array.from({ length: posts }, (_, i) => i + 1));
  });

  it('[SESS-1] a refreshed token with a higher level opens the gate at once; signing out (null) makes a guest', async () => {
    const server = await gatedServer();
    const reader = await server.connect(await server.token('nadia', { lvl: 4 }));
    okData(await call(reader, 'thread:join', { thread: 't' }));
    expect(await call(reader, 'comment:post', { requestId: rid(), thread: 't', body: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'level_required', required: 13, level: 4 },
    });
    const session = okData(await call<ViewerSession>(reader, 'session:auth', { token: await server.token('nadia', { lvl: 13 }) }));
    expect(session).toMatchObject({ level: 13, expiresAt: expect.any(Number) });
    okData(await call(reader, 'comment:post', { requestId: rid(), thread: 't', body: 'hi' }));

    expect(okData(await call<ViewerSession>(reader, 'session:auth', { token: null }))).toEqual({ user: null, role: 'guest', level: 0, expiresAt: null });
    expect(await call(reader, 'comment:post', { requestId: rid(), thread: 't', body: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'auth_required' },
    });
  });

  it('[SESS-1] a refresh cannot switch to a token of another site', async () => {
    const server = await gatedServer();
    const reader = await server.connect(await server.token('nadia', { lvl: 4 }));
    const foreign = await signToken(TEST_SECRET, { sub: 'nadia', lvl: 99 }, { audience: 'another-site' });
    expect(await call(reader, 'session:auth', { token: foreign })).toMatchObject({ ok: false, error: { code: 'invalid_token' } });
  });
});

describe('[SESS-2] expiry', () => {
  it('[SESS-2] an expired socket becomes a guest (viewer:update), keeps reading, and a fresh token brings it back', async () => {
    const server = await gatedServer();
    const token = await signToken(TEST_SECRET, { sub: 'sam', lvl: 13 }, { audience: TEST_SITE, expiresIn: 2 });
    // Listening before the socket even connects: under load the expiry may come soon after.
    const reader: ClientSocket = io(server.url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    onTestFinished(() => void reader.disconnect());
    const expired = nextViewerUpdate(reader);
    await new Promise((resolve) => reader.once('connect', () => resolve(null)));
    okData(await call(reader, 'thread:join', { thread: 't' }));
    const update = await expired;
    expect(update).toEqual({ user: null, role: 'guest', level: 0, expiresAt: null });
    expect(await call(reader, 'comment:post', { requestId: rid(), thread: 't', body: 'late' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_token', message: expect.stringMatching(/expired/) },
    });
    const log = collectThreadEvents(reader);
    const other = await server.connect(await server.token('bella', { lvl: 13 }));
    const posted = okData(await call<{ seq: number }>(other, 'comment:post', { requestId: rid(), thread: 't', body: 'still live' }));
    await log.untilSeq(posted.seq);

    okData(await call(reader, 'session:auth', { token: await server.token('sam', { lvl: 13 }) }));
    okData(await call(reader, 'comment:post', { requestId: rid(), thread: 't', body: 'back' }));
  });
});
