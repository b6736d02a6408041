import type { EconomyState, PnlReport, ReadProgress, WalletUpdate } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, connectClient, okData, rid, startTestServer, type ClientSocket } from '../test-helpers.js';

function nextWallet(socket: ClientSocket): Promise<WalletUpdate> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no wallet:update within 5 s')), 5000);
    socket.once('wallet:update', (update) => {
      clearTimeout(timer);
      resolve(update);
    });
  });
}

describe('the economy over real sockets', () => {
  it('sends wallet:update to every tab of the reader whose balance changed, after commit', async () => {
    const server = await startTestServer({ economy: { settleWindowMs: 0 } });
    const token = await server.token('ann');
    const [tab1, tab2] = [await server.connect(token), await server.connect(token)];
    okData(await call(tab1, 'thread:join', { thread: 't' }));
    const state = okData(await call<EconomyState>(tab1, 'economy:state', { thread: 't' }));
    okData(await call(tab2, 'economy:state', { thread: 't' }));
    const seen = nextWallet(tab2);
    okData(await call(tab1, 'comment:post', { requestId: rid(), thread: 't', body: 'hello' }));
    const rules = state.rules.amounts;
    expect(await seen).toMatchObject({
      balance: (state.wallet?.balance ?? 0) - rules.commentTributes + rules.commentRewards,
      thread: 't',
      readEarned: null,
      pending: 0,
      earnedToday: rules.commentRewards,
    });
  });

  it('[SETTLE-4] the server’s settle timer pays a reward once its window has passed, and tells every tab', async () => {
    const server = await startTestServer({ economy: { settleWindowMs: 300 }, settleEveryMs: 50 });
    const token = await server.token('ann');
    const [tab1, tab2] = [await server.connect(token), await server.connect(token)];
    okData(await call(tab1, 'thread:join', { thread: 't' }));
    const state = okData(await call<EconomyState>(tab1, 'economy:state', { thread: 't' }));
    okData(await call(tab2, 'economy:state', { thread: 't' }));
    const rules = state.rules.amounts;
    const posted = nextWallet(tab2);
    okData(await call(tab1, 'comment:post', { requestId: rid(), thread: 't', body: 'hello' }));
    expect(await posted).toMatchObject({ balance: (state.wallet?.balance ?? 0) - rules.commentTributes, pending: rules.commentRewards });
    // No request from the reader: the timer settles it and the wallet follows.
    expect(await nextWallet(tab2)).toMatchObject({
      balance: (state.wallet?.balance ?? 0) - rules.commentTributes + rules.commentRewards,
      pending: 0,
      earnedToday: rules.commentRewards,
    });
  });

  it('a report bought, then retried with the same requestId after a reconnect, charges once', async () => {
    const server = await startTestServer();
    const { socket } = await connectClient(server.url, await server.token('ann'), { reconnection: true });
    okData(await call(socket, 'thread:join', { thread: 't' }));
    const before = okData(await call<EconomyState>(socket, 'economy:state', { thread: 't' })).wallet?.balance ?? 0;
    const requestId = rid();
    const first = okData(await call<PnlReport>(socket, 'report:buy', { requestId, thread: 't' }));
    const reconnected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.io.engine.close();
    await reconnected;
    const retry = okData(await call<PnlReport>(socket, 'report:buy', { requestId, thread: 't' }));
    expect(retry).toEqual(first);
    const after = okData(await call<EconomyState>(socket, 'economy:state', { thread: 't' }));
    expect(after.wallet?.balance).toBe(before - 1);
    expect(after.reports).toEqual([first]);
  });

  it('200 report purchases raced over sockets against a balance that covers 50: exactly 50 succeed', async () => {
    const server = await startTestServer({ economy: { startingGrant: 50 } });
    const token = await server.token('ann');
    const tabs = await Promise.all(Array.from({ length: 4 }, () => server.connect(token)));
    okData(await call(tabs[0]!, 'thread:join', { thread: 't' }));
    okData(await call(tabs[0]!, 'economy:state', { thread: 't' }));
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) => call<PnlReport>(tabs[i % tabs.length]!, 'report:buy', { requestId: rid(), thread: 't' })),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(50);
    expect(acks.filter((a) => !a.ok && a.error.code === 'insufficient_funds')).toHaveLength(150);
    const after = okData(await call<EconomyState>(tabs[1]!, 'economy:state', { thread: 't' }));
    expect(after.wallet?.balance).toBe(0);
  });

  it('[CAP-4] heartbeats sent as fast as sockets can earn no more than the real time that passed, and one is written per reader', async () => {
    const server = await startTestServer({ economy: { heartbeatMs: 1000, readMsPerTwei: 100, readCapPerPost: 1000 } });
    const token = await server.token('ann');
    const tabs = await Promise.all(Array.from({ length: 5 }, () => server.connect(token)));
    okData(await call(tabs[0]!, 'thread:join', { thread: 't' }));
    const started = Date.now();
    const acks = await Promise.all(
      Array.from({ length: 300 }, (_, i) => call<ReadProgress>(tabs[i % tabs.length]!, 'read:heartbeat', { thread: 't' })),
    );
    const elapsed = Date.now() - started;
    const accepted = acks.filter((a) => a.ok).map(okData);
    // One per reader per half interval, however many sockets; the rest are refused and earn nothing.
    expect(accepted).toHaveLength(1);
    expect(acks.filter((a) => !a.ok && a.error.code === 'rate_limited')).toHaveLength(299);
    const last = accepted.reduce((max, b) => (b.readMs > max.readMs ? b : max));
    expect(last.readMs).toBeLessThanOrEqual(elapsed);
    expect(last.readEarned).toBe(Math.floor(last.readMs / 100));
  });

  it('[BEAT-16] a paid action short of Twei first writes the reading waiting in memory, then goes through', async () => {
    // A Twei a second of reading; one owed waits 6 s in memory (BEAT-14); a comment costs 2.
    const server = await startTestServer({ economy: { heartbeatMs: 1000, readMsPerTwei: 1000, readCapPerPost: 100, startingGrant: 0, amounts: { commentTributes: 2, commentRewards: 0 } } });
    const thread = await server.thread('read-me', { published: true, author: 'staff' });
    const socket = await server.connect(await server.token('ann'));
    okData(await call(socket, 'thread:join', { thread }));
    let progress = okData(await call<ReadProgress>(socket, 'read:heartbeat', { thread }));
    for (let i = 0; i < 12 && progress.readMs < 2000; i++) {
      await new Promise((next) => setTimeout(next, 560));
      progress = okData(await call<ReadProgress>(socket, 'read:heartbeat', { thread }));
    }
    // Two Twei read: the first written by its beat (readEarned counts what is written), the second still in memory.
    expect(progress.readMs).toBeGreaterThanOrEqual(2000);
    expect(progress).toMatchObject({ readEarned: 1, balance: 1 });
    const posted = await call(socket, 'comment:post', { requestId: rid(), thread, body: 'paid for by reading' });
    expect(posted).toMatchObject({ ok: true });
    const state = okData(await call<EconomyState>(socket, 'economy:state', { thread }));
    expect(state.wallet?.balance).toBe(0);
    // With nothing more waiting, a second comment is refused as before.
    expect(await call(socket, 'comment:post', { requestId: rid(), thread, body: 'no more' })).toMatchObject({ ok: false, error: { code: 'insufficient_funds' } });
  });

  it('heartbeats do not use up the mutation budget a reader’s comments and purchases need', async () => {
    const server = await startTestServer({ rateLimit: { mutationsPerUser: { points: 1, duration: 3600 } } });
    const socket = await server.connect(await server.token('ann'));
    okData(await call(socket, 'thread:join', { thread: 't' }));
    okData(await call(socket, 'economy:state', { thread: 't' }));
    okData(await call(socket, 'read:heartbeat', { thread: 't' }));
    okData(await call(socket, 'report:buy', { requestId: rid(), thread: 't' }));
    expect(await call(socket, 'report:buy', { requestId: rid(), thread: 't' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('a socket re-authenticated as another reader stops receiving the first reader’s wallet', async () => {
    const server = await startTestServer();
    const annToken = await server.token('ann');
    const ann = await server.connect(annToken);
    const switched = await server.connect(annToken);
    okData(await call(ann, 'thread:join', { thread: 't' }));
    okData(await call(switched, 'economy:state', { thread: 't' }));
    okData(await call(switched, 'session:auth', { token: await server.token('bob') }));
    const bobState = okData(await call<EconomyState>(switched, 'economy:state', { thread: 't' }));
    expect(bobState.wallet?.balance).toBe(10);
    const received: WalletUpdate[] = [];
    switched.on('wallet:update', (update) => received.push(update));
    const annSees = nextWallet(ann);
    okData(await call(ann, 'economy:state', { thread: 't' }));
    okData(await call(ann, 'report:buy', { requestId: rid(), thread: 't' }));
    await annSees;
    // A round trip on the switched socket: anything sent to it before now has arrived.
    okData(await call(switched, 'economy:state', { thread: 't' }));
    expect(received).toEqual([]);
  });

  it('refuses bad economy payloads with invalid_payload and guests with auth_required', async () => {
    const server = await startTestServer();
    const guest = await server.connect();
    const ann = await server.connect(await server.token('ann'));
    okData(await call(ann, 'thread:join', { thread: 't' }));
    expect(await call(ann, 'read:heartbeat', { thread: 't', readMs: 99999 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await call(ann, 'report:buy', { thread: 't' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await call(ann, 'economy:state', null)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await call(guest, 'read:heartbeat', { thread: 't' })).toMatchObject({ ok: false, error: { code: 'auth_required' } });
    expect(await call(guest, 'report:buy', { requestId: rid(), thread: 't' })).toMatchObject({ ok: false, error: { code: 'auth_required' } });
    expect(await call(ann, 'thread:publish', { requestId: rid(), thread: 't' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const guestState = okData(await call<EconomyState>(guest, 'economy:state', { thread: 't' }));
    expect(guestState.wallet).toBeNull();
  });
});
