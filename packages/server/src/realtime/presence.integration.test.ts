import { ErrorCodes, type JoinResult } from '@parley/protocol';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import { call, okData, startTestServer, type ClientSocket, type TestServer } from '../test-helpers.js';
import { writeAwarenessUpdate } from './awareness-codec.js';
import { presenceClient, rawCall } from './test-clients.js';

const THREAD = 'news/presence';

async function joined(server: TestServer, sub: string | null, lvl = 13): Promise<ClientSocket> {
  const socket = await server.connect(sub ? await server.token(sub, { name: sub === 'bella' ? 'Bella Ciao' : sub, lvl }) : undefined);
  okData(await call<JoinResult>(socket, 'thread:join', { thread: THREAD }));
  return socket;
}

describe('presence over Socket.IO (integration)', () => {
  it('[PRES-1][PRES-2] a client speaks only for itself: user fields come from its token, unknown fields are dropped', async () => {
    const server = await startTestServer();
    const bella = presenceClient(await joined(server, 'bella', 21), THREAD);
    const reader = presenceClient(await joined(server, null), THREAD);
    okData(await bella.announce({ typing: { parentId: 'c42' }, user: { id: 'admin', name: 'Admin', level: 99 }, extra: 'x'.repeat(100) }));
    await reader.until((peers) => peers.length === 1);
    expect(reader.peers()).toEqual([
      { typing: { parentId: 'c42' }, reader: 'u:bella', user: { id: 'bella', name: 'Bella Ciao', level: 21 } },
    ]);
  });

  it('[PRES-6][PRES-4] presence counts follow real connections up and down', async () => {
    const server = await startTestServer();
    const clients = [];
    for (const sub of ['ann', 'bob', null]) {
      const client = presenceClient(await joined(server, sub), THREAD);
      okData(await client.announce({ typing: null }));
      clients.push(client);
    }
    const newcomer = presenceClient(await joined(server, 'dan'), THREAD);
    okData(await newcomer.announce({ typing: null }));
    await newcomer.sync();
    expect(newcomer.peers().map((p) => p.reader).sort()).toEqual(['g:' + clients[2]!.awareness.clientID, 'u:ann', 'u:bob']);
    await clients[0]!.until((peers) => peers.length === 3);

    clients[1]!.socket.disconnect(); // bob's tab closes without a goodbye
    await newcomer.until((peers) => peers.length === 2);
    await clients[0]!.until((peers) => !peers.some((p) => p.reader === 'u:bob'));
    okData(await call(clients[2]!.socket, 'thread:leave', { thread: THREAD }));
    await newcomer.until((peers) => peers.length === 1);

    const late = presenceClient(await joined(server, 'eve'), THREAD);
    await late.sync();
    expect(late.peers().map((p) => p.reader).sort()).toEqual(['u:ann', 'u:dan']);
  });

  it('[PRES-3] a clientID spoken for by another connection is refused and not relayed', async () => {
    const server = await startTestServer();
    const ann = presenceClient(await joined(server, 'ann'), THREAD);
    const mallory = await joined(server, 'mallory');
    const watcher = presenceClient(await joined(server, null), THREAD);
    okData(await ann.announce({ typing: null }));
    await watcher.until((peers) => peers.length === 1);
    const spoof = writeAwarenessUpdate([{ clientId: ann.awareness.clientID, clock: 99, state: { typing: { parentId: 'x' } } }]);
    expect(await rawCall(mallory, 'presence:update', { thread: THREAD, update: spoof })).toMatchObject({
      ok: false,
      error: { code: ErrorCodes.invalidUpdate },
    });
    const removal = writeAwarenessUpdate([{ clientId: ann.awareness.clientID, clock: 99, state: null }]);
    okData(await rawCall(mallory, 'presence:update', { thread: THREAD, update: removal }));
    // Ann's next change is relayed after those: had they been relayed, the watcher would show them first.
    okData(await ann.announce({ typing: { parentId: null } }));
    await watcher.until((peers) => (peers[0]?.typing as { parentId: unknown } | null)?.parentId === null);
    expect(watcher.peers()).toHaveLength(1);
    expect(watcher.peers()[0]).toMatchObject({ reader: 'u:ann' });
  });

  it('malformed or oversized presence updates are refused and the server stays up', async () => {
    const server = await startTestServer();
    const socket = await joined(server, 'ann');
    for (const update of [new Uint8Array([5, 1]), new Uint8Array([1, 1, 1, 3, 0x7b, 0x7b, 0x7b]), writeAwarenessUpdate([{ clientId: 1, clock: 1, state: 'hi' }])]) {
      expect(await rawCall(socket, 'presence:update', { thread: THREAD, update })).toMatchObject({
        ok: false,
        error: { code: ErrorCodes.invalidUpdate },
      });
    }
    expect(await rawCall(socket, 'presence:update', { thread: THREAD, update: new Uint8Array(5000) })).toMatchObject({
      ok: false,
      error: { code: ErrorCodes.invalidPayload },
    });
    const client = presenceClient(socket, THREAD);
    okData(await client.announce({ typing: null }));
  });

  it('presence needs a joined thread', async () => {
    const server = await startTestServer();
    const socket = await server.connect();
    const client = presenceClient(socket, THREAD);
    const update = encodeAwarenessUpdate(client.awareness, [client.awareness.clientID]);
    expect(await rawCall(socket, 'presence:update', { thread: THREAD, update })).toMatchObject({
      ok: false,
      error: { code: ErrorCodes.notJoined },
    });
  });
});
