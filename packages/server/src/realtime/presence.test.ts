import { RealtimeLimits, type JoinResult } from '@parley/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../logger.js';
import { call, identity, okData, startTestServer } from '../test-helpers.js';
import { MalformedAwarenessUpdate, readAwarenessUpdate, writeAwarenessUpdate } from './awareness-codec.js';
import { Presence } from './presence.js';
import { presenceClient } from './test-clients.js';

const THREAD = 'p1';

describe('presence expiry', () => {
  it('[PRES-5] a state not renewed within the timeout is removed and the removal relayed', async () => {
    const server = await startTestServer();
    // Starts at the real time: the server's own sweeper (real clock) then sees these states as fresh.
    let clock = Date.now();
    // A second Presence on the same io with a fake clock and a fast sweep: the rule, not the wait.
    const presence = new Presence({ io: server.io, logger: silentLogger, now: () => clock, sweepEveryMs: 10 });
    onTestFinished(() => presence.close());
    const ann = await server.connect(await server.token('ann'));
    const watcher = presenceClient(await server.connect(), THREAD);
    for (const socket of [ann, watcher.socket]) okData(await call<JoinResult>(socket, 'thread:join', { thread: THREAD }));
    const annSocket = server.io.of('/').sockets.get(ann.id!)!;
    const caller = { identity: identity('ann'), socket: annSocket, ip: null, tokenExpiresAt: null, site: null };
    presence.update(caller, { thread: THREAD, update: writeAwarenessUpdate([{ clientId: 77, clock: 1, state: { typing: null } }]) });
    await watcher.until((peers) => peers.length === 1);

    clock += RealtimeLimits.presenceTimeoutMs - 1;
    presence.update(caller, { thread: THREAD, update: writeAwarenessUpdate([{ clientId: 77, clock: 2, state: { typing: null } }]) });
    clock += RealtimeLimits.presenceTimeoutMs - 1; // renewed in time: still here
    expect(annSocket.data.presence).toHaveLength(1);

    clock += 2;
    await watcher.until((peers) => peers.length === 0);
    expect(annSocket.data.presence).toEqual([]);
  });
});

describe('presence coalescing', () => {
  it('updates within one tick reach readers as one message per thread, with the latest state', async () => {
    const server = await startTestServer();
    const presence = new Presence({ io: server.io, logger: silentLogger, tickMs: 60_000 });
    onTestFinished(() => presence.close());
    const ann = await server.connect(await server.token('ann'));
    const watcher = presenceClient(await server.connect(), THREAD);
    for (const socket of [ann, watcher.socket]) okData(await call<JoinResult>(socket, 'thread:join', { thread: THREAD }));
    let messages = 0;
    watcher.socket.on('presence:update', () => void messages++);
    const caller = { identity: identity('ann'), socket: server.io.of('/').sockets.get(ann.id!)!, ip: null, tokenExpiresAt: null, site: null };
    for (let clock = 1; clock <= 10; clock++) {
      const typing = clock % 2 ? { parentId: `c${clock}` } : null;
      presence.update(caller, { thread: THREAD, update: writeAwarenessUpdate([{ clientId: 5, clock, state: { typing } }]) });
    }
    presence.ticker.flush();
    await watcher.until((peers) => peers.length === 1);
    expect(messages).toBe(1);
    expect(watcher.peers()[0]).toMatchObject({ typing: null, reader: 'u:ann' });
  });
});

describe('awareness codec', () => {
  it('round-trips entries, and refuses more entries than allowed', () => {
    const entries = [
      { clientId: 1, clock: 3, state: { typing: null } },
      { clientId: 2 ** 31, clock: 0, state: null },
    ];
    expect(readAwarenessUpdate(writeAwarenessUpdate(entries), 4)).toEqual(entries);
    expect(() => readAwarenessUpdate(writeAwarenessUpdate(entries), 1)).toThrow(MalformedAwarenessUpdate);
  });

  it('never throws anything but MalformedAwarenessUpdate on random bytes', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const real = writeAwarenessUpdate([{ clientId: 5, clock: 9, state: { typing: { parentId: 'c1' } } }]);
    for (let i = 0; i < 500; i++) {
      const bytes = i % 2 ? real.slice(0, Math.floor(random() * real.length)) : Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
      try {
        readAwarenessUpdate(bytes, 4);
      } catch (error) {
        expect(error).toBeInstanceOf(MalformedAwarenessUpdate);
      }
    }
  });
});
