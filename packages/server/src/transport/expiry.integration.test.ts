/**
 * [BEAT-4] Token expiries share one timer (expiry-wheel.ts), and still end each session on time:
 * the socket whose token ran out becomes a guest, the one that refreshed stays signed in, and a
 * closed socket is forgotten.
 */
import type { ViewerSession } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, okData, startTestServer, TEST_SECRET, TEST_SITE, type ClientSocket } from '../test-helpers.js';
import { expiriesWaiting } from './session.js';
import { signToken } from './tokens.js';

const updates = (socket: ClientSocket): ViewerSession[] => {
  const seen: ViewerSession[] = [];
  socket.on('viewer:update', (session) => seen.push(session));
  return seen;
};

describe('[BEAT-4] token expiry without a timer per socket', () => {
  it('[BEAT-4] the expired socket turns guest on time, the refreshed one stays signed in, a closed one is forgotten', async () => {
    const server = await startTestServer();
    const waitingBefore = expiriesWaiting();
    const short = () => signToken(TEST_SECRET, { sub: 'sam', lvl: 13 }, { audience: TEST_SITE, expiresIn: 2 });
    const expiring = await server.connect(await short());
    const refreshing = await server.connect(await short());
    const closing = await server.connect(await short());
    const guest = await server.connect();
    const expiringSeen = updates(expiring);
    const refreshingSeen = updates(refreshing);
    // Three signed-in sockets wait on the wheel; the guest has nothing to expire.
    expect(expiriesWaiting() - waitingBefore).toBe(3);
    okData(await call(refreshing, 'session:auth', { token: await server.token('sam', { lvl: 13 }) }));
    closing.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The refreshed socket waits for its new (hour-long) token; the closed one is gone.
    expect(expiriesWaiting() - waitingBefore).toBe(2);

    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(expiringSeen).toEqual([{ user: null, role: 'guest', level: 0, expiresAt: null }]);
    expect(refreshingSeen).toEqual([]);
    expect(await call(expiring, 'report:list', { thread: 't' })).toMatchObject({ ok: false });
    expect(okData(await call<ViewerSession>(refreshing, 'session:auth', { token: await server.token('sam', { lvl: 13 }) }))).toMatchObject({ role: 'reader' });
    expect(expiriesWaiting() - waitingBefore).toBe(1);
    guest.disconnect();
  });
});
