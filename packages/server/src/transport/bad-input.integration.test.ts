import { Limits } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, connectClient, okData, rid, startTestServer, type RawSocket } from '../test-helpers.js';

/** The server must still serve after everything a hostile client can send. */
async function stillServes(socket: RawSocket): Promise<void> {
  expect(await call(socket, 'thread:join', { thread: 'alive' })).toMatchObject({ ok: true });
}

describe('bad input never hurts the server', () => {
  it.each([
    ['a string', 'hello'],
    ['a number', 42],
    ['null', null],
    ['an array', [{ thread: 't' }]],
    ['a boolean', true],
    ['nothing', undefined],
  ])('[BAD-1] a payload that is %s instead of an object answers invalid_payload', async (_name, payload) => {
    const server = await startTestServer();
    const socket = (await server.connect(await server.token('ann'))) as RawSocket;
    for (const event of ['thread:join', 'comment:post', 'comment:react', 'post:vote', 'comments:page']) {
      const ack = await call(socket, event, payload);
      expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: expect.any(Array) } });
    }
    await stillServes(socket);
  });

  it('[BAD-2] wrong types, unknown keys, server-owned fields and prototype keys answer invalid_payload with issues', async () => {
    const server = await startTestServer();
    const socket = (await server.connect(await server.token('ann'))) as RawSocket;
    const cases: [string, unknown][] = [
      ['comment:post', { requestId: rid(), thread: 't', body: 42 }],
      ['comment:post', { requestId: 7, thread: 't', body: 'x' }],
      ['comment:post', { requestId: rid(), thread: 'bad thread id!', body: 'x' }],
      ['comment:post', { requestId: rid(), thread: 't', body: 'x', author: { id: 'admin' } }],
      ['comment:post', { requestId: rid(), thread: 't', body: 'x', likes: 1000 }],
      ['comment:post', JSON.parse('{"requestId":"r","thread":"t","body":"x","__proto__":{"admin":true}}')],
      ['comment:post', { requestId: rid(), thread: 't', body: 'x', constructor: { prototype: {} } }],
      ['comment:react', { requestId: rid(), thread: 't', commentId: 'c', value: 'love' }],
      ['post:vote', { requestId: rid(), thread: 't', value: 1 }],
      ['thread:join', { thread: 't', since: -1 }],
      ['thread:join', { thread: 't', since: 1.5 }],
      ['thread:join', { thread: 't', pageSize: Limits.maxPageSize + 1 }],
      ['comments:page', { thread: 't', sort: 'best', cursor: 'x' }],
      ['comment:post', { requestId: 'x'.repeat(Limits.maxIdLength + 1), thread: 't', body: 'x' }],
    ];
    for (const [event, payload] of cases) {
      const ack = await call(socket, event, payload);
      expect({ event, payload, ack }).toMatchObject({
        ack: { ok: false, error: { code: 'invalid_payload', message: expect.any(String), issues: expect.any(Array) } },
      });
    }
    const sample = await call(socket, 'comment:post', { requestId: rid(), thread: 't', body: 42 });
    expect(sample).toMatchObject({ ok: false, error: { issues: [{ path: 'body', message: expect.any(String) }] } });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    await stillServes(socket);
  });

  it.each(['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'thread:event', 'thread:events'])(
    '[BAD-3] an unknown event name (%s) answers unknown_event',
    async (event) => {
      const server = await startTestServer();
      const socket = (await server.connect(await server.token('ann'))) as RawSocket;
      expect(await call(socket, event, { thread: 't' })).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
      await stillServes(socket);
    },
  );

  it('[BAD-4] events without an ack, or with extra arguments, are handled without crashing', async () => {
    const server = await startTestServer();
    const socket = (await server.connect(await server.token('ann'))) as RawSocket;
    socket.emit('comment:post', { requestId: 'no-ack', thread: 't', body: 'still stored' });
    socket.emit('comment:post', 'garbage');
    socket.emit('nope');
    socket.emit('thread:join', { thread: 't' }, 'extra', 'args');
    // Events of one socket are handled concurrently: the post without an ack is stored, but a join
    // sent after it may be read before its commit (a join is one read, BEAT-10), so look until it is.
    await expect.poll(async () => call(socket, 'thread:join', { thread: 't' }), { timeout: 5000 }).toMatchObject({ ok: true, data: { thread: { seq: 1 } } });
    const extra = await (socket.timeout(5000).emitWithAck('thread:join', { thread: 't' }, 'extra') as Promise<unknown>);
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });

  it('[BAD-5] a body over the limit answers body_too_long with max; an empty one body_empty', async () => {
    const server = await startTestServer();
    const socket = (await server.connect(await server.token('ann'))) as RawSocket;
    const long = await call(socket, 'comment:post', { requestId: rid(), thread: 't', body: 'x'.repeat(Limits.maxBodyLength + 1) });
    expect(long).toMatchObject({ ok: false, error: { code: 'body_too_long', max: Limits.maxBodyLength } });
    const empty = await call(socket, 'comment:post', { requestId: rid(), thread: 't', body: '   ' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'body_empty' } });
    const missing = await call(socket, 'comment:edit', { requestId: rid(), thread: 't', commentId: 'missing', body: 'x' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('[BAD-6] a packet over 64 KiB closes that connection; the server keeps serving others', async () => {
    const server = await startTestServer();
    const socket = (await server.connect(await server.token('ann'))) as RawSocket;
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    socket.emit('comment:post', { requestId: rid(), thread: 't', body: 'x'.repeat(Limits.maxPacketBytes + 1) });
    expect(await closed).toMatch(/transport (close|error)/);

    const fresh = (await server.connect(await server.token('bob'))) as RawSocket;
    okData(await call(fresh, 'comment:post', { requestId: rid(), thread: 't', body: 'after the flood' }));
    expect(await call(fresh, 'thread:join', { thread: 't' })).toMatchObject({ ok: true, data: { thread: { commentCount: 1 } } });
  });

  it('[BAD-7] a garbled cursor answers invalid_cursor', async () => {
    const server = await startTestServer();
    const socket = (await server.connect()) as RawSocket;
    okData(await call(socket, 'thread:join', { thread: 't' }));
    expect(await call(socket, 'comments:page', { thread: 't', sort: 'top', cursor: 'eyJub3BlIjp0cnVlfQ' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_cursor' },
    });
  });

  it('[RATE-1] mutations beyond the per-user budget answer rate_limited with retryAfterMs', async () => {
    const server = await startTestServer({ rateLimit: { mutationsPerUser: { points: 3, duration: 3600 } } });
    const ann = (await server.connect(await server.token('ann'))) as RawSocket;
    for (let i = 0; i < 3; i++) okData(await call(ann, 'post:vote', { requestId: rid(), thread: 't', value: i % 2 ? null : 'plus' }));
    const limited = await call(ann, 'post:vote', { requestId: rid(), thread: 't', value: 'minus' });
    expect(limited).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAfterMs: expect.any(Number) } });
    if (!limited.ok) expect(limited.error.retryAfterMs).toBeGreaterThan(0);
    // Reads have a budget of their own, and another reader has their own budget.
    okData(await call(ann, 'thread:join', { thread: 't' }));
    const bob = (await server.connect(await server.token('bob'))) as RawSocket;
    okData(await call(bob, 'post:vote', { requestId: rid(), thread: 't', value: 'plus' }));
  });

  it('[BAD-8] an unexpected failure answers internal and is logged; the server keeps serving', async () => {
    const errors: string[] = [];
    const logger = { info: () => {}, warn: () => {}, error: (message: string) => void errors.push(message) };
    const server = await startTestServer({ logger });
    const socket = (await server.connect(await server.token('ann'))) as RawSocket;
    const original = server.store.write.bind(server.store);
    server.store.write = () => Promise.reject(new Error('disk on fire'));
    const ack = await call(socket, 'comment:post', { requestId: rid(), thread: 't', body: 'x' });
    expect(ack).toEqual({ ok: false, error: { code: 'internal', message: expect.any(String) } });
    expect(JSON.stringify(ack)).not.toContain('disk on fire');
    expect(errors).toHaveLength(1);
    server.store.write = original;
    okData(await call(socket, 'comment:post', { requestId: rid(), thread: 't', body: 'x' }));
    // connectClient is exercised here too so the helper's error path is covered.
    expect((await connectClient(server.url)).error).toBeUndefined();
  });
});
