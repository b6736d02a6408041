/**
 * What the server keeps per connected reader (issue 10 item 6, SPEC BEAT-5..7), by behaviour: what
 * is shared or not kept at all, and that every reader still hears what concerns them.
 */
import type { EconomyState, ThreadEvent, WalletUpdate } from '@parley/protocol';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../domain/identity.js';
import { identityWith } from '../sites/authenticate.js';
import { call, collectThreadEvents, connectClient, okData, rid, startTestServer, TEST_SITE, type ClientSocket } from '../test-helpers.js';

// V8's own test of two objects' hidden class. The flag stays on for this test file's process: the
// function is compiled when first called (and may be again after its bytecode is flushed).
setFlagsFromString('--allow-natives-syntax');
const sameShape = runInNewContext('(a, b) => %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

const walletUpdates = (socket: ClientSocket): WalletUpdate[] => {
  const seen: WalletUpdate[] = [];
  socket.on('wallet:update', (update) => seen.push(update));
  return seen;
};

describe('[BEAT-5] per-connection state, shared where it can be', () => {
  it('[BEAT-5] the identities of many signed-in readers share one hidden class, and keep every field', async () => {
    const server = await startTestServer();
    for (let n = 0; n < 40; n++) await server.connect(await server.token(`reader-${n}`, { name: `Reader ${n}`, lvl: 3 }));
    const identities: Identity[] = [];
    for (const socket of server.io.sockets.sockets.values()) if (socket.data.identity) identities.push(socket.data.identity);
    expect(identities.length).toBe(40);
    const first = identities[0]!;
    expect(identities.filter((identity) => !sameShape(first, identity))).toEqual([]);
    expect(first).toEqual({ id: expect.stringMatching(/^reader-/), name: expect.stringMatching(/^Reader /), avatar: null, level: expect.any(Number), role: 'reader', site: TEST_SITE });
  });

  it('[BEAT-5] a copy at another level keeps every field, the email opt-in included', () => {
    const reader: Identity = { id: 'ann', name: 'Ann', avatar: 'https://example.com/a.png', level: 2, role: 'moderator', site: 's', email: { address: 'ann@example.com', replies: true } };
    expect(identityWith(reader, 7)).toEqual({ ...reader, level: 7 });
    const { site: _site, email: _email, ...bare } = reader;
    expect(identityWith(bare, 3)).toEqual({ ...bare, level: 3 });
    expect(Object.keys(identityWith(bare, 3))).not.toContain('site');
  });

  it('[BEAT-5] a connection keeps no sign-in token once it is verified', async () => {
    const server = await startTestServer();
    const token = await server.token('ann');
    await server.connect(token);
    const [socket] = [...server.io.sockets.sockets.values()];
    expect(JSON.stringify(socket!.handshake)).not.toContain(token);
    expect(socket!.handshake.auth).toEqual({ site: TEST_SITE });
  });
});

describe('[BEAT-6] readers’ own pushes are not kept for connection-state recovery', () => {
  it('[BEAT-6] a wallet update reaches a connected reader but is not replayed to one who recovers; thread events are', async () => {
    const server = await startTestServer();
    const ann = await server.connect(await server.token('ann'));
    const { socket: bob } = await connectClient(server.url, await server.token('bob'), { reconnection: true });
    okData(await call(bob, 'thread:join', { thread: 't' }));
    okData(await call<EconomyState>(bob, 'economy:state', { thread: 't' }));
    const log = collectThreadEvents(bob);
    const wallets = walletUpdates(bob);
    const bobIdentity: Identity = { id: 'bob', name: 'bob', avatar: null, level: 1, role: 'reader', site: TEST_SITE };
    okData(await server.dispatch(bobIdentity, 'report:buy', { requestId: rid(), thread: 't' }));
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'before' }));
    await log.untilSeq(1);
    expect(wallets.length).toBe(1);

    const dropped = new Promise((resolve) => bob.once('disconnect', resolve));
    const reconnected = new Promise<void>((resolve) => bob.once('connect', () => resolve()));
    bob.io.engine.close();
    await dropped;
    okData(await server.dispatch(bobIdentity, 'report:buy', { requestId: rid(), thread: 't' }));
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'during' }));
    await reconnected;
    expect(bob.recovered).toBe(true);
    await log.untilSeq(2);
    expect(log.events.map((e: ThreadEvent) => e.seq)).toEqual([1, 2]);
    // A round trip after recovery: anything replayed has arrived by now. The widget reads its wallet
    // again on every connect, which is what makes the missed update unnecessary.
    const wallet = okData(await call<EconomyState>(bob, 'economy:state', { thread: 't' })).wallet;
    expect(wallets.length).toBe(1);
    expect(wallet?.balance).toBe((wallets[0]?.balance ?? 0) - 1);
    const kept = (server.io.of('/').adapter as unknown as { packets: { data: unknown[] }[] }).packets.map((packet) => packet.data[0]);
    expect(kept).toContain('thread:events');
    expect(kept).not.toContain('wallet:update');
  });
});

describe('[BEAT-7] a new reader’s wallet opens in the economy:state answer', () => {
  it('[BEAT-7] no tab of a new reader hears a push for the opening; later changes are pushed to every tab', async () => {
    const server = await startTestServer();
    const token = await server.token('newcomer');
    const [tab1, tab2] = [await server.connect(token), await server.connect(token)];
    const seen1 = walletUpdates(tab1);
    const seen2 = walletUpdates(tab2);
    okData(await call(tab2, 'thread:join', { thread: 't' }));
    const opened = okData(await call<EconomyState>(tab1, 'economy:state', { thread: 't' })).wallet;
    expect(opened?.balance).toBeGreaterThan(0);
    okData(await call<EconomyState>(tab2, 'economy:state', { thread: 't' }));
    expect([seen1, seen2]).toEqual([[], []]);
    okData(await call(tab1, 'report:buy', { requestId: rid(), thread: 't' }));
    // A round trip on each tab: a push sent before it has arrived.
    okData(await call(tab1, 'economy:state', { thread: 't' }));
    okData(await call(tab2, 'economy:state', { thread: 't' }));
    expect(seen1.map((update) => update.balance)).toEqual([(opened?.balance ?? 0) - 1]);
    expect(seen2.map((update) => update.balance)).toEqual([(opened?.balance ?? 0) - 1]);
  });
});
