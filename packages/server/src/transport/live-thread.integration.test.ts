import { Limits, type CommentView, type JoinResult, type PostCommentResult, type ThreadEvent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, collectThreadEvents, identity, nextThreadEvent, okData, rid, startTestServer, type ClientSocket } from '../test-helpers.js';

async function join(socket: ClientSocket, thread: string, extra: Record<string, unknown> = {}): Promise<JoinResult> {
  return okData(await call<JoinResult>(socket, 'thread:join', { thread, ...extra }));
}

async function post(socket: ClientSocket, thread: string, body: string, parentId?: string): Promise<CommentView> {
  const ack = await call<PostCommentResult>(socket, 'comment:post', { requestId: rid(), thread, body, ...(parentId && { parentId }) });
  return okData(ack).comment;
}

describe('live thread over Socket.IO', () => {
  it('[SRV-L1] one client posts, the other receives thread:events with the right seq', async () => {
    const server = await startTestServer();
    const ann = await server.connect(await server.token('ann', { name: 'Ann', lvl: 14 }));
    const reader = await server.connect();
    await join(ann, 'news/1');
    expect(await join(reader, 'news/1')).toMatchObject({ mode: 'snapshot', thread: { seq: 0 } });
    const received = nextThreadEvent(reader);
    const comment = await post(ann, 'news/1', 'First!');
    const event = await received;
    expect(event).toEqual({ type: 'comment.created', thread: 'news/1', seq: 1, at: comment.createdAt, comment });
    expect(comment).toMatchObject({ body: 'First!', author: { id: 'ann', name: 'Ann', level: 14 } });
  });

  it('[SRV-L2] replies, edits, deletes, reactions and votes are broadcast in seq order', async () => {
    const server = await startTestServer();
    const ann = await server.connect(await server.token('ann', { name: 'Ann' }));
    const bob = await server.connect(await server.token('bob', { name: 'Bob' }));
    const reader = await server.connect();
    for (const socket of [ann, bob, reader]) await join(socket, 't');
    const log = collectThreadEvents(reader);

    const root = await post(ann, 't', 'root');
    const reply = await post(bob, 't', 'reply', root.id);
    okData(await call(ann, 'comment:edit', { requestId: rid(), thread: 't', commentId: root.id, body: 'root, edited' }));
    okData(await call(bob, 'comment:react', { requestId: rid(), thread: 't', commentId: root.id, value: 'like' }));
    okData(await call(ann, 'post:vote', { requestId: rid(), thread: 't', value: 'minus' }));
    okData(await call(bob, 'comment:delete', { requestId: rid(), thread: 't', commentId: reply.id }));
    const seen = await log.untilSeq(6);

    expect(seen.map((e) => [e.seq, e.type])).toEqual([
      [1, 'comment.created'],
      [2, 'comment.created'],
      [3, 'comment.edited'],
      [4, 'comment.reacted'],
      [5, 'post.voted'],
      [6, 'comment.deleted'],
    ]);
    expect(seen[1]).toMatchObject({ comment: { parentId: root.id, rootId: root.id, depth: 1, replyToName: 'Ann' } });
    expect(seen[2]).toMatchObject({ commentId: root.id, body: 'root, edited' });
    expect(seen[3]).toMatchObject({ commentId: root.id, likes: 1, dislikes: 0, userId: 'bob', value: 'like' });
    expect(seen[4]).toMatchObject({ plus: 0, minus: 1, userId: 'ann', value: 'minus' });
    expect(seen[5]).toMatchObject({ commentId: reply.id });
  });

  it('[SRV-L3] thread:leave stops the events; other threads never leak in', async () => {
    const server = await startTestServer();
    const ann = await server.connect(await server.token('ann'));
    const reader = await server.connect();
    await join(reader, 'a');
    await join(reader, 'b');
    const log = collectThreadEvents(reader);
    okData(await call(reader, 'thread:leave', { thread: 'a' }));
    await post(ann, 'a', 'not for you');
    await post(ann, 'c', 'other thread');
    await post(ann, 'b', 'for you');
    // Events to one socket arrive in emit order, so 'b' arriving means 'a' and 'c' would have by now.
    await log.untilSeq(1);
    expect(log.events.map((e) => e.thread)).toEqual(['b']);
  });

  it('[SRV-S1] a reader who missed events rejoins with since and gets exactly those', async () => {
    const server = await startTestServer();
    const ann = await server.connect(await server.token('ann'));
    const bob = await server.connect(await server.token('bob'));
    await join(bob, 't');
    await post(ann, 't', 'one');
    await nextThreadEvent(bob, (e) => e.seq === 1);
    bob.disconnect();

    const two = await post(ann, 't', 'two');
    okData(await call(ann, 'comment:react', { requestId: rid(), thread: 't', commentId: two.id, value: 'like' }));
    await post(ann, 't', 'three', two.id);

    const bobAgain = await server.connect(await server.token('bob'));
    const rejoined = await join(bobAgain, 't', { since: 1 });
    expect(rejoined.mode).toBe('events');
    if (rejoined.mode !== 'events') return;
    expect(rejoined.events.map((e: ThreadEvent) => [e.seq, e.type])).toEqual([
      [2, 'comment.created'],
      [3, 'comment.reacted'],
      [4, 'comment.created'],
    ]);
    expect(rejoined.thread).toMatchObject({ seq: 4, commentCount: 3 });
    // And it is back in the room.
    const live = nextThreadEvent(bobAgain);
    await post(ann, 't', 'five');
    expect((await live).seq).toBe(5);
  });

  it('[SRV-S2] a reader very far behind gets a snapshot instead of events', async () => {
    const server = await startTestServer();
    const ann = identity('ann');
    for (let i = 0; i <= Limits.maxReplayEvents; i++) {
      okData(await server.dispatch(ann, 'post:vote', { requestId: rid(), thread: 't', value: i % 2 ? null : 'plus' }));
    }
    const reader = await server.connect();
    const joined = await join(reader, 't', { since: 0, sort: 'new' });
    expect(joined).toMatchObject({ mode: 'snapshot', thread: { seq: Limits.maxReplayEvents + 1 } });
  });

  it('[SRV-S3] a post retried with the same requestId after a reconnect is stored once', async () => {
    const server = await startTestServer();
    const token = await server.token('ann');
    const first = await server.connect(token);
    const payload = { requestId: 'retry-me', thread: 't', body: 'typed in a tunnel' };
    const original = okData(await call<PostCommentResult>(first, 'comment:post', payload));
    first.disconnect();

    const second = await server.connect(token);
    const retried = okData(await call<PostCommentResult>(second, 'comment:post', payload));
    expect(retried).toEqual(original);
    const joined = await join(second, 't');
    expect(joined.thread).toMatchObject({ seq: 1, commentCount: 1 });
    expect(joined.mode === 'snapshot' && joined.page.comments.map((c) => c.id)).toEqual([original.comment.id]);
  });

  it('[SRV-S4] the same requestId with a different body is refused with request_id_reused', async () => {
    const server = await startTestServer();
    const ann = await server.connect(await server.token('ann'));
    okData(await call(ann, 'comment:post', { requestId: 'r', thread: 't', body: 'one' }));
    const ack = await call(ann, 'comment:post', { requestId: 'r', thread: 't', body: 'two' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'request_id_reused', message: expect.any(String) } });
  });

  it('[AUTH-1] a guest reads but every mutation answers auth_required', async () => {
    const server = await startTestServer();
    const guest = await server.connect();
    expect(await join(guest, 't')).toMatchObject({ mode: 'snapshot', viewer: { role: 'guest', user: null } });
    const attempts = [
      ['comment:post', { requestId: rid(), thread: 't', body: 'hi' }],
      ['comment:edit', { requestId: rid(), thread: 't', commentId: 'c', body: 'hi' }],
      ['comment:delete', { requestId: rid(), thread: 't', commentId: 'c' }],
      ['comment:react', { requestId: rid(), thread: 't', commentId: 'c', value: 'like' }],
      ['post:vote', { requestId: rid(), thread: 't', value: 'plus' }],
    ] as const;
    for (const [event, payload] of attempts) {
      expect(await call(guest, event, payload)).toMatchObject({ ok: false, error: { code: 'auth_required' } });
    }
  });

  it('[DISP-1] dispatch takes the socket path minus the socket: validation, command, broadcast', async () => {
    const server = await startTestServer();
    const reader = await server.connect();
    await join(reader, 't');
    const received = nextThreadEvent(reader);
    const ack = await server.dispatch(identity('seed'), 'comment:post', { requestId: rid(), thread: 't', body: 'seeded' });
    expect(ack).toMatchObject({ ok: true, data: { seq: 1, comment: { body: 'seeded' } } });
    expect(await received).toMatchObject({ seq: 1, type: 'comment.created' });
    expect(await server.dispatch(identity('seed'), 'comment:post', { thread: 't' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(await server.dispatch(null, 'nope' as never, {})).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
  });
});
