import type { PostCommentResult } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, collectThreadEvents, identity, okData, rid, startTestServer } from '../test-helpers.js';

describe('coalesced thread events over Socket.IO', () => {
  it('[COAL-6] a burst of 20 reactions reaches a watcher in one or two messages, gapless and in seq order', async () => {
    // A long tick, so a slow machine still fits the whole burst in at most two ticks.
    const server = await startTestServer({ eventTickMs: 1000 });
    const comment = okData(await server.dispatch(identity('ann'), 'comment:post', { requestId: rid(), thread: 't', body: 'hi' })) as PostCommentResult;
    const watcher = await server.connect();
    okData(await call(watcher, 'thread:join', { thread: 't' }));
    const log = collectThreadEvents(watcher);

    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.dispatch(identity(`r${i}`), 'comment:react', { requestId: rid(), thread: 't', commentId: comment.comment.id, value: 'like' }),
      ),
    );
    // Acks do not wait for the tick: all 20 are answered before any broadcast.
    expect(acks.every((ack) => ack.ok)).toBe(true);
    expect(log.messages).toHaveLength(0);

    await log.untilSeq(21);
    expect(log.messages.length).toBeGreaterThanOrEqual(1);
    expect(log.messages.length).toBeLessThanOrEqual(2);
    expect(log.events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(log.events.at(-1)).toMatchObject({ type: 'comment.reacted', likes: 20 });
  });

  it('[COAL-7] a comment after reactions arrives after them, at once, in the same message', async () => {
    const server = await startTestServer({ eventTickMs: 60_000 });
    const ann = identity('ann');
    const first = okData(await server.dispatch(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'one' })) as PostCommentResult;
    const watcher = await server.connect();
    okData(await call(watcher, 'thread:join', { thread: 't' }));
    const log = collectThreadEvents(watcher);

    for (const who of ['bob', 'cat', 'dan']) {
      okData(await server.dispatch(identity(who), 'comment:react', { requestId: rid(), thread: 't', commentId: first.comment.id, value: 'like' }));
    }
    okData(await server.dispatch(ann, 'post:vote', { requestId: rid(), thread: 't', value: 'plus' }));
    okData(await server.dispatch(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'two' }));

    // The tick is a minute away: only the comment can have sent them.
    await log.untilSeq(6);
    expect(log.messages.map((m) => m.map((e) => [e.seq, e.type]))).toEqual([
      [
        [2, 'comment.reacted'],
        [3, 'comment.reacted'],
        [4, 'comment.reacted'],
        [5, 'post.voted'],
        [6, 'comment.created'],
      ],
    ]);
  });

  it('[COAL-8] closing the server sends the reactions still waiting for their tick', async () => {
    const server = await startTestServer({ eventTickMs: 60_000 });
    const first = okData(await server.dispatch(identity('ann'), 'comment:post', { requestId: rid(), thread: 't', body: 'one' })) as PostCommentResult;
    const watcher = await server.connect();
    okData(await call(watcher, 'thread:join', { thread: 't' }));
    const log = collectThreadEvents(watcher);
    okData(await server.dispatch(identity('bob'), 'comment:react', { requestId: rid(), thread: 't', commentId: first.comment.id, value: 'like' }));
    const arrived = log.untilSeq(2);
    await server.close();
    expect((await arrived).map((e) => e.seq)).toEqual([2]);
  });
});
