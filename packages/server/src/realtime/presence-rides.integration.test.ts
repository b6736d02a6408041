import { ErrorCodes, type JoinResult, type PostCommentResult } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, identity, okData, rid, startTestServer, type ClientSocket, type TestServer } from '../test-helpers.js';
import { presenceClient, rawCall, type PresenceClient } from './test-clients.js';

const THREAD = 'news/rides';

async function reader(server: TestServer, sub: string, rides: boolean): Promise<PresenceClient> {
  const socket: ClientSocket = await server.connect(await server.token(sub, { name: sub, lvl: 13 }));
  okData(await call<JoinResult>(socket, 'thread:join', { thread: THREAD }));
  const client = presenceClient(socket, THREAD, rides);
  okData(await client.announce(null));
  await client.sync();
  return client;
}

const post = (server: TestServer, body: string) =>
  server.dispatch(identity('poster'), 'comment:post', { requestId: rid(), thread: THREAD, body }).then((ack) => okData(ack) as PostCommentResult);

describe('presence riding on thread:events (integration)', () => {
  it('[PRES-9] in a room of riders, a waiting count rides on the next thread:events at once instead of waiting for its own message', async () => {
    // The count may go out alone only once a minute: whatever arrives sooner rode.
    const server = await startTestServer({ presence: { countEveryMs: 60_000 } });
    const ann = await reader(server, 'ann', true);
    await ann.until(() => ann.messages.some((m) => m.readers === 1)); // the first count goes alone: nothing to ride on
    const bob = await reader(server, 'bob', true);
    await new Promise((next) => setTimeout(next, 250)); // a few ticks: the count waits for its gap
    expect(ann.view.readers).toBe(1);
    const before = ann.messages.length;
    await post(server, 'a comment the room gets anyway');
    await ann.until((view) => view.readers === 2);
    expect(ann.messages.length).toBe(before);
    expect(ann.ridden.at(-1)).toMatchObject({ thread: THREAD, readers: 2 });
    await bob.until((view) => view.readers === 2);
  });

  it('[PRES-9] a change that finds no thread:events goes out alone, to riders too, within a tick', async () => {
    const server = await startTestServer({ presence: { countEveryMs: 20 } });
    const ann = await reader(server, 'ann', true);
    await reader(server, 'bob', true).then((bob) => bob.announce({ parentId: null }));
    await ann.until((view) => view.readers === 2 && view.typists().length === 1);
    expect(ann.ridden).toEqual([]);
    expect(ann.messages.some((m) => m.typing?.set?.[0]?.key === 'u:bob')).toBe(true);
  });

  it('[PRES-9] a reader that did not opt in keeps receiving presence:state exactly as before, beside riders', async () => {
    const server = await startTestServer({ presence: { countEveryMs: 20 } });
    const old = await reader(server, 'old', false);
    const ann = await reader(server, 'ann', true);
    await old.until((view) => view.readers === 2);
    for (let i = 0; i < 5; i++) {
      const cat = await reader(server, `cat${i}`, i % 2 === 0);
      await cat.announce({ parentId: null });
      await post(server, `comment ${i}`);
    }
    await old.until((view) => view.readers === 7 && view.typists().length === 5);
    await ann.until((view) => view.readers === 7 && view.typists().length === 5);
    // Everything the old widget knows came as presence:state (it never looked at a rider).
    const replay = presenceClient(old.socket, THREAD);
    for (const change of old.messages) replay.view.applyChange(change);
    expect(replay.view.readers).toBe(7);
  });

  it('[PRES-9] rides is validated: only `true`, anything else is refused with a clear code', async () => {
    const server = await startTestServer();
    const socket = await server.connect(await server.token('ann', { name: 'ann', lvl: 13 }));
    okData(await call<JoinResult>(socket, 'thread:join', { thread: THREAD }));
    for (const rides of [false, 'yes', 1, { on: true }]) {
      expect(await rawCall(socket, 'presence:sync', { thread: THREAD, rides })).toMatchObject({ ok: false, error: { code: ErrorCodes.invalidPayload } });
    }
    okData(await call(socket, 'presence:sync', { thread: THREAD, rides: true }));
  });
});
