/**
 * [MOD-3] A flag reaches the site's moderators and nobody else: readers in the thread's room hear
 * nothing (not the flag, not who flagged, not a count); a moderator's socket gets a
 * `moderation:notice` with the new count, and a moderator's snapshot carries `flags`.
 * [MOD-4] Only moderators and admins read a hidden comment's words (`comment:hidden-body`).
 */
import type { CommentView, JoinResult, ModerationNotice } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, okData, rid, startTestServer, TEST_SECRET, TEST_SITE, type ClientSocket } from '../test-helpers.js';

/** Everything a socket receives from the server, whatever the event name. */
function recordAll(socket: ClientSocket): { name: string; payload: unknown }[] {
  const heard: { name: string; payload: unknown }[] = [];
  socket.onAny((name: string, payload: unknown) => heard.push({ name, payload }));
  return heard;
}

function nextNotice(socket: ClientSocket): Promise<ModerationNotice> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no moderation:notice within 5 s')), 5000);
    socket.once('moderation:notice', (notice) => {
      clearTimeout(timer);
      resolve(notice);
    });
  });
}

async function flaggedThread() {
  const server = await startTestServer({ sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], gates: { flag: 5 } }] });
  const ann = await server.connect(await server.token('ann', { lvl: 13 }));
  okData(await call(ann, 'thread:join', { thread: 't' }));
  const posted = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Buy cheap watches' }));
  const mod = await server.connect(await server.token('mo', { role: 'moderator' }));
  const zoe = await server.connect(await server.token('zoe', { lvl: 14 }));
  okData(await call(zoe, 'thread:join', { thread: 't' }));
  return { server, ann, mod, zoe, id: posted.comment.id };
}

describe('[MOD-3] flags', () => {
  it('[MOD-3] readers in the room hear nothing of a flag; a moderator socket gets the notice with the count', async () => {
    const { server, ann, mod, zoe, id } = await flaggedThread();
    const bob = await server.connect(await server.token('bob', { lvl: 9 }));
    okData(await call(bob, 'thread:join', { thread: 't' }));
    const heardByReaders = [ann, zoe, bob].map(recordAll);
    const noticed = nextNotice(mod);
    const ack = await call(zoe, 'comment:flag', { requestId: rid(), thread: 't', commentId: id, reason: 'spam', note: 'a bot' });
    expect(ack).toEqual({ ok: true, data: { seq: null, commentId: id, flagged: true } });
    expect(await noticed).toEqual({ type: 'comment.flagged', thread: 't', commentId: id, flags: 1 });
    const second = nextNotice(mod);
    okData(await call(bob, 'comment:flag', { requestId: rid(), thread: 't', commentId: id, reason: 'abuse' }));
    expect(await second).toMatchObject({ flags: 2 });
    // A round trip after the flags: anything broadcast to the room would have arrived by now.
    for (const socket of [ann, zoe, bob]) okData(await call(socket, 'thread:join', { thread: 't', since: 1 }));
    for (const heard of heardByReaders) expect(heard).toEqual([]);

    const modView = okData(await call<JoinResult & { mode: 'snapshot' }>(mod, 'thread:join', { thread: 't' }));
    expect(modView.page.comments[0]).toMatchObject({ id, flags: 2 });
    const readerView = okData(await call<JoinResult & { mode: 'snapshot' }>(zoe, 'thread:join', { thread: 't' }));
    expect(readerView.page.comments[0]).not.toHaveProperty('flags');
  });

  it('[MOD-3] a repeat is a quiet success; the author is forbidden; below the gate and guests are refused', async () => {
    const { server, ann, mod, zoe, id } = await flaggedThread();
    const flag = () => ({ requestId: rid(), thread: 't', commentId: id, reason: 'spam' });
    const first = nextNotice(mod);
    okData(await call(zoe, 'comment:flag', flag()));
    await first;
    const modHeard = recordAll(mod);
    expect(await call(zoe, 'comment:flag', flag())).toMatchObject({ ok: true, data: { flagged: true, seq: null } });
    expect(await call(ann, 'comment:flag', flag())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const nadia = await server.connect(await server.token('nadia', { lvl: 4 }));
    expect(await call(nadia, 'comment:flag', flag())).toEqual({
      ok: false,
      error: { code: 'level_required', message: expect.stringContaining('LVL 5'), action: 'flag', required: 5, level: 4 },
    });
    const guest = await server.connect();
    expect(await call(guest, 'comment:flag', flag())).toMatchObject({ ok: false, error: { code: 'auth_required' } });
    expect(await call(zoe, 'comment:flag', { ...flag(), reason: 'boring' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await call(zoe, 'comment:flag', { ...flag(), note: 'x'.repeat(501) })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    okData(await call(mod, 'thread:join', { thread: 't' }));
    expect(modHeard).toEqual([]);
    expect((await server.store.read((tx) => tx.getComment('test-site:t', id)))?.flagCount).toBe(1);
  });

  it('[MOD-3] a socket re-authenticated without the moderator role stops hearing notices', async () => {
    const { server, mod, zoe, id } = await flaggedThread();
    okData(await call(mod, 'session:auth', { token: await server.token('mo') }));
    const heard = recordAll(mod);
    okData(await call(zoe, 'comment:flag', { requestId: rid(), thread: 't', commentId: id, reason: 'spam' }));
    okData(await call(mod, 'thread:join', { thread: 't' }));
    expect(heard).toEqual([]);
  });
});

describe('[MOD-4] reading hidden words', () => {
  it('[MOD-4] a reader asking for a hidden body is refused; a moderator gets the words', async () => {
    const { server, ann, mod, zoe, id } = await flaggedThread();
    okData(await call(mod, 'comment:hide', { requestId: rid(), thread: 't', commentId: id, hidden: true }));
    for (const socket of [ann, zoe]) {
      expect(await call(socket, 'comment:hidden-body', { thread: 't', commentId: id })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    const guest = await server.connect();
    expect(await call(guest, 'comment:hidden-body', { thread: 't', commentId: id })).toMatchObject({ ok: false, error: { code: 'auth_required' } });
    expect(await call(mod, 'comment:hidden-body', { thread: 't', commentId: id })).toEqual({
      ok: true,
      data: { commentId: id, body: 'Buy cheap watches', hiddenAt: expect.any(Number) },
    });
    const admin = await server.connect(await server.token('boss', { role: 'admin' }));
    expect(okData(await call<{ body: string }>(admin, 'comment:hidden-body', { thread: 't', commentId: id })).body).toBe('Buy cheap watches');
  });
});
