import type { ThreadEvent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import {
  call,
  collectThreadEvents,
  connectClient,
  okData,
  rid,
  startTestServer,
  TEST_SECRET,
  TEST_SITE,
} from '../test-helpers.js';
import { signToken } from './tokens.js';

describe('connection state recovery and ordering', () => {
  it('[SRV-S5] a brief network drop recovers the room and delivers what was missed', async () => {
    const server = await startTestServer();
    const ann = await server.connect(await server.token('ann'));
    const { socket: bob } = await connectClient(server.url, await server.token('bob'), { reconnection: true });
    okData(await call(bob, 'thread:join', { thread: 't' }));
    const log = collectThreadEvents(bob);
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'before' }));
    await log.untilSeq(1);
    // Socket.IO needs one server→client packet with an offset before it can recover a session.
    const dropped = new Promise((resolve) => bob.once('disconnect', resolve));
    const reconnected = new Promise<void>((resolve) => bob.once('connect', () => resolve()));
    bob.io.engine.close();
    await dropped;
    // Posted while bob is away, or at worst just as he is back: either way he must get it once.
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'during' }));
    await reconnected;
    expect(bob.recovered).toBe(true);
    await log.untilSeq(2);
    expect(log.events.map((e: ThreadEvent) => e.seq)).toEqual([1, 2]);
  });

  it('[SRV-S6] a recovered session is authenticated again: an expired token cannot come back', async () => {
    const server = await startTestServer();
    // 3 s, not 1: `exp` counts from the signing second, and a loaded machine's handshake must land first.
    const token = await signToken(TEST_SECRET, { sub: 'ann' }, { audience: TEST_SITE, expiresIn: 3 });
    const { socket, error } = await connectClient(server.url, token, { reconnection: true });
    expect(error).toBeUndefined();
    okData(await call(socket, 'thread:join', { thread: 't' }));
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number };
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 20));
    const refused = new Promise<Error & { data?: unknown }>((resolve) => socket.once('connect_error', resolve));
    socket.io.engine.close();
    expect((await refused).data).toMatchObject({ code: 'invalid_token' });
    socket.disconnect();
  });

  it('[SRV-S7] concurrent mutations from many readers reach a watcher in seq order, without gaps', async () => {
    const server = await startTestServer();
    const watcher = await server.connect();
    okData(await call(watcher, 'thread:join', { thread: 't' }));
    const log = collectThreadEvents(watcher);
    const writers = await Promise.all(Array.from({ length: 8 }, async (_, i) => server.connect(await server.token(`u${i}`))));
    const [author] = writers;
    if (!author) throw new Error('no writers');
    const first = okData(await call<{ comment: { id: string } }>(author, 'comment:post', { requestId: rid(), thread: 't', body: 'root' }));
    const acks = await Promise.all(
      writers.flatMap((socket, i) => [
        call(socket, 'comment:post', { requestId: rid(), thread: 't', body: `from ${i}`, parentId: first.comment.id }),
        call(socket, 'comment:react', { requestId: rid(), thread: 't', commentId: first.comment.id, value: i % 2 ? 'like' : 'dislike' }),
        call(socket, 'post:vote', { requestId: rid(), thread: 't', value: 'plus' }),
      ]),
    );
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const total = 1 + writers.length * 3;
    await log.untilSeq(total);
    expect(log.events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });
});
