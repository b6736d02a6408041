/**
 * [GATE-1] Every gated command is refused on the server below its gate, whatever a crafted client sends,
 * with `{ code: 'level_required', required, level }`, and nothing is stored or broadcast.
 * A thread's own tightenings come only from its host: threads.integration.test.ts (THREAD-2, THREAD-5).
 */
import { InputSchemas } from '@parley/protocol/schemas';
import { describe, expect, it } from 'vitest';
import type { GateTightenings } from '@parley/protocol';
import { call, collectThreadEvents, okData, rid, startTestServer, TEST_SECRET, TEST_SITE, type RawSocket, type TestServer } from '../test-helpers.js';

const GATE = 13;
const siteGates = { react: GATE, plus: GATE, minus: GATE, comment: GATE, reply: GATE, flag: GATE, notes: GATE, report: GATE };

const gatedServer = (gates: GateTightenings = siteGates) =>
  startTestServer({ sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], gates }] });

/** Everything a refused call must leave untouched. */
async function snapshot(server: TestServer, thread: string) {
  const key = `${TEST_SITE}:${thread}`;
  return server.store.read(async (tx) => ({
    thread: await tx.getThread(key),
    events: await tx.listEvents(key, 0, 1000),
    notes: (await tx.listNoteUpdates(key)).length,
  }));
}

describe('[GATE-1] a level-4 reader with a hand-written client', () => {
  it('[GATE-1] every gated command is refused with level_required, and nothing changes', async () => {
    const server = await gatedServer();
    const writer = await server.connect(await server.token('sam', { lvl: GATE }));
    okData(await call(writer, 'thread:join', { thread: 't' }));
    const root = okData(await call<{ comment: { id: string } }>(writer, 'comment:post', { requestId: rid(), thread: 't', body: 'First' }));

    const nadia = (await server.connect(await server.token('nadia', { lvl: 4 }))) as RawSocket;
    const joined = okData(await call<{ viewer: { level: number; gates: unknown } }>(nadia, 'thread:join', { thread: 't' }));
    expect(joined.viewer).toMatchObject({ level: 4, gates: siteGates });
    const watcher = collectThreadEvents(writer);
    const before = await snapshot(server, 't');

    const attempts: [string, string, unknown][] = [
      ['comment', 'comment:post', { requestId: rid(), thread: 't', body: 'sneaking in' }],
      ['reply', 'comment:post', { requestId: rid(), thread: 't', parentId: root.comment.id, body: 'sneaking a reply' }],
      ['react', 'comment:react', { requestId: rid(), thread: 't', commentId: root.comment.id, value: 'like' }],
      ['react', 'comment:react', { requestId: rid(), thread: 't', commentId: root.comment.id, value: 'dislike' }],
      ['plus', 'post:vote', { requestId: rid(), thread: 't', value: 'plus' }],
      ['minus', 'post:vote', { requestId: rid(), thread: 't', value: 'minus' }],
      ['flag', 'comment:flag', { requestId: rid(), thread: 't', commentId: root.comment.id, reason: 'spam' }],
      ['notes', 'notes:update', { thread: 't', update: new Uint8Array([1, 2, 3]) }],
      // The economy's report exists once engineer B's handlers are registered.
      ...(InputSchemas.has('report:buy') ? [['report', 'report:buy', { requestId: rid(), thread: 't' }] as [string, string, unknown]] : []),
    ];
    for (const [action, event, payload] of attempts) {
      const ack = await call(nadia, event, payload);
      expect({ event, ack }).toEqual({
        event,
        ack: { ok: false, error: { code: 'level_required', message: expect.stringContaining(`LVL ${GATE}`), action, required: GATE, level: 4 } },
      });
    }
    // A fake level in the payload is not a field any schema accepts.
    expect(await call(nadia, 'comment:post', { requestId: rid(), thread: 't', body: 'x', level: 99 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    // Nothing stored: same thread row (seq, counts), same event log, no notes.
    expect(await snapshot(server, 't')).toEqual(before);
    // Nothing broadcast: the writer's own next post is the next seq the watcher sees.
    const next = okData(await call<{ seq: number }>(writer, 'comment:post', { requestId: rid(), thread: 't', body: 'Still here' }));
    expect(next.seq).toBe((before.thread?.seq ?? 0) + 1);
    await watcher.untilSeq(next.seq);
    expect(watcher.events.map((e) => e.seq)).toEqual([next.seq]);
  });

  it('[GATE-1] a guest is told to sign in (auth_required), and a reader at the gate passes', async () => {
    const server = await gatedServer();
    const guest = await server.connect();
    okData(await call(guest, 'thread:join', { thread: 't' }));
    expect(await call(guest, 'comment:post', { requestId: rid(), thread: 't', body: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'auth_required' },
    });
    const sam = await server.connect(await server.token('sam', { lvl: GATE }));
    okData(await call(sam, 'comment:post', { requestId: rid(), thread: 't', body: 'hi' }));
    okData(await call(sam, 'post:vote', { requestId: rid(), thread: 't', value: 'plus' }));
  });
});
