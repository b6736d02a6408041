import { ErrorCodes, type JoinResult } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, okData, startTestServer, type ClientSocket, type TestServer } from '../test-helpers.js';
import { presenceClient, rawCall } from './test-clients.js';

const THREAD = 'news/presence';

async function joined(server: TestServer, sub: string | null, lvl = 13): Promise<ClientSocket> {
  const socket = await server.connect(sub ? await server.token(sub, { name: sub === 'bella' ? 'Bella Ciao' : sub, lvl }) : undefined);
  okData(await call<JoinResult>(socket, 'thread:join', { thread: THREAD }));
  return socket;
}

/** Fast presence for tests: the count may change every 20 ms. */
const presenceServer = () => startTestServer({ presence: { countEveryMs: 20 } });

describe('presence over Socket.IO (integration)', () => {
  it('[PRES-1] a reader speaks only for themselves: the name shown comes from the token; a guest is counted but never types', async () => {
    const server = await presenceServer();
    const bella = presenceClient(await joined(server, 'bella', 21), THREAD);
    const guest = presenceClient(await joined(server, null), THREAD);
    okData(await bella.announce({ parentId: 'c42' }));
    okData(await guest.announce({ parentId: null }));
    // A field naming someone else is not even part of the schema.
    expect(await rawCall(bella.socket, 'presence:set', { thread: THREAD, typing: null, user: { name: 'Admin' } })).toMatchObject({ ok: false, error: { code: ErrorCodes.invalidPayload } });
    await guest.until((view) => view.readers === 2 && view.typists().length === 1);
    expect(guest.view.typists()).toEqual([{ key: 'u:bella', name: 'Bella Ciao', parentId: 'c42' }]);
  });

  it('[PRES-2] renewals that change nothing send nothing; a typing change reaches the room within a tick', async () => {
    const server = await presenceServer();
    const ann = presenceClient(await joined(server, 'ann'), THREAD);
    const watcher = presenceClient(await joined(server, null), THREAD);
    okData(await ann.announce(null));
    okData(await watcher.announce(null));
    await watcher.until((view) => view.readers === 2);
    await new Promise((next) => setTimeout(next, 150));
    const before = watcher.messages.length;
    for (let i = 0; i < 10; i++) okData(await ann.announce(null)); // renewals
    await new Promise((next) => setTimeout(next, 250));
    expect(watcher.messages.length).toBe(before);
    okData(await ann.announce({ parentId: null }));
    await watcher.until((view) => view.typists().length === 1);
    expect(watcher.messages.slice(before)).toEqual([expect.objectContaining({ typing: { set: [{ key: 'u:ann', name: 'ann', parentId: null }] } })]);
  });

  it('[PRES-3][PRES-4] a joiner gets the count and the typists; counts follow real connections up and down; tabs count once', async () => {
    const server = await presenceServer();
    const clients = [];
    for (const sub of ['ann', 'bob', 'ann', null]) {
      const client = presenceClient(await joined(server, sub), THREAD);
      okData(await client.announce(sub === 'bob' ? { parentId: 'c1' } : null));
      clients.push(client);
    }
    const newcomer = presenceClient(await joined(server, 'dan'), THREAD);
    okData(await newcomer.announce(null));
    await new Promise((next) => setTimeout(next, 150));
    const snapshot = await newcomer.sync();
    // ann (two tabs), bob, the guest, dan: four people; the answer names the typists only.
    expect(snapshot).toMatchObject({ thread: THREAD, readers: 4, typing: [{ key: 'u:bob', parentId: 'c1' }] });

    clients[1]!.socket.disconnect(); // bob's tab closes without a goodbye
    await newcomer.until((view) => view.readers === 3 && view.typists().length === 0);
    clients[0]!.socket.disconnect(); // one of ann's two tabs: ann is still here
    okData(await call(clients[3]!.socket, 'thread:leave', { thread: THREAD }));
    await newcomer.until((view) => view.readers === 2);
  });

  it('[PRES-3] presence:sync answers with what a reader sees, in a size that does not grow with the room', async () => {
    const server = await presenceServer();
    const readers = [];
    for (let i = 0; i < 30; i++) {
      const client = presenceClient(await joined(server, `r${i}`), THREAD);
      okData(await client.announce(null));
      readers.push(client);
    }
    await new Promise((next) => setTimeout(next, 150));
    const snapshot = await readers[0]!.sync();
    expect(snapshot.readers).toBe(30);
    expect(JSON.stringify(snapshot).length).toBeLessThan(120);
  });

  it('[PRES-8] a node alone repeats its full state only to a room it has said nothing to for a refresh interval', async () => {
    const server = await startTestServer({ presence: { countEveryMs: 20, refreshMs: 1000 } });
    const ann = presenceClient(await joined(server, 'ann'), THREAD);
    const watcher = presenceClient(await joined(server, null), THREAD);
    okData(await watcher.announce(null));
    // Ann types on and off every 100 ms for 2.6 s: the room hears a change every tick, and no repeat.
    for (let n = 0; n < 26; n++) {
      okData(await ann.announce(n % 2 === 0 ? { parentId: null } : null));
      await new Promise((next) => setTimeout(next, 100));
    }
    await watcher.until((view) => view.readers === 2 && view.typists().length === 0);
    expect(watcher.messages.length).toBeGreaterThan(5);
    expect(watcher.messages.filter((m) => m.full)).toEqual([]);
    // Then silence: the node's full state comes, so the watcher does not forget it.
    await watcher.until(() => watcher.messages.some((m) => m.full));
    expect(watcher.messages.at(-1)).toMatchObject({ full: true, readers: 2, typing: { set: [] } });
  });

  it('malformed presence is refused and the server stays up; presence needs a joined thread', async () => {
    const server = await presenceServer();
    const socket = await joined(server, 'ann');
    for (const payload of [{ thread: THREAD, typing: 'yes' }, { thread: THREAD, typing: { parentId: 5 } }, { thread: THREAD, typing: { parentId: 'x'.repeat(500) } }, { thread: THREAD }]) {
      expect(await rawCall(socket, 'presence:set', payload)).toMatchObject({ ok: false, error: { code: ErrorCodes.invalidPayload } });
    }
    okData(await call(socket, 'presence:set', { thread: THREAD, typing: null }));
    const outsider = await server.connect();
    expect(await rawCall(outsider, 'presence:set', { thread: THREAD, typing: null })).toMatchObject({ ok: false, error: { code: ErrorCodes.notJoined } });
    expect(await rawCall(outsider, 'presence:sync', { thread: THREAD })).toMatchObject({ ok: false, error: { code: ErrorCodes.notJoined } });
  });
});
