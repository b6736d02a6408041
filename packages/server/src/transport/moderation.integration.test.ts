/**
 * [MOD-1] A moderator or admin of the site may hide any comment and show it again; readers (even its
 * author) may not. A hidden comment's words reach no reader — live, in a snapshot or a page — and
 * come back exactly on unhide. [MOD-2] Moderators and admins may delete anyone's comment; readers only
 * their own.
 */
import type { CommentView, JoinResult, ThreadEvent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, nextThreadEvent, okData, rid, startTestServer } from '../test-helpers.js';

async function threadWithComment() {
  const server = await startTestServer();
  const ann = await server.connect(await server.token('ann'));
  okData(await call(ann, 'thread:join', { thread: 't' }));
  const posted = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Something rude' }));
  const mod = await server.connect(await server.token('mo', { role: 'moderator' }));
  okData(await call(mod, 'thread:join', { thread: 't' }));
  return { server, ann, mod, id: posted.comment.id };
}

const hide = (hidden: boolean, commentId: string) => ({ requestId: rid(), thread: 't', commentId, hidden });

describe('[MOD-1] hiding comments', () => {
  it('[MOD-1] a moderator hides: every reader gets the tombstone, never the words; unhide restores them', async () => {
    const { server, ann, mod, id } = await threadWithComment();
    const heard = nextThreadEvent(ann, (e) => e.type === 'comment.hidden');
    const result = okData(await call<{ seq: number; hiddenAt: number }>(mod, 'comment:hide', hide(true, id)));
    expect(result).toMatchObject({ commentId: id, seq: expect.any(Number), hiddenAt: expect.any(Number) });
    expect(await heard).toMatchObject({ type: 'comment.hidden', commentId: id, body: '', hiddenAt: result.hiddenAt });

    const reader = await server.connect(await server.token('zoe'));
    const joined = okData(await call<JoinResult & { mode: 'snapshot' }>(reader, 'thread:join', { thread: 't' }));
    expect(joined.page.comments[0]).toMatchObject({ id, body: '', hiddenAt: result.hiddenAt, deletedAt: null });
    expect(joined.thread.commentCount).toBe(1);
    const shown = nextThreadEvent(reader, (e) => e.type === 'comment.hidden');
    okData(await call(mod, 'comment:hide', hide(false, id)));
    expect(await shown).toMatchObject({ commentId: id, hiddenAt: null, body: 'Something rude' });
    const again = okData(await call<JoinResult & { mode: 'snapshot' }>(reader, 'thread:join', { thread: 't' }));
    expect(again.page.comments[0]).toMatchObject({ id, body: 'Something rude' });
    expect(again.page.comments[0]?.hiddenAt ?? null).toBeNull();
  });

  it('[MOD-1] a replay from the event log (join with since) does not reveal hidden or deleted words', async () => {
    const { server, ann, mod, id } = await threadWithComment();
    const other = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Taken back' }));
    okData(await call(ann, 'comment:edit', { requestId: rid(), thread: 't', commentId: id, body: 'Something ruder' }));
    okData(await call(mod, 'comment:hide', hide(true, id)));
    okData(await call(mod, 'comment:hide', hide(false, id)));
    okData(await call(mod, 'comment:hide', hide(true, id)));
    okData(await call(ann, 'comment:delete', { requestId: rid(), thread: 't', commentId: other.comment.id }));
    const reader = await server.connect(await server.token('zoe'));
    const replay = okData(await call<JoinResult & { mode: 'events' }>(reader, 'thread:join', { thread: 't', since: 0 }));
    expect(replay.mode).toBe('events');
    const text = JSON.stringify(replay.events);
    for (const words of ['Something rude', 'Something ruder', 'Taken back']) expect(text).not.toContain(words);
    expect(replay.events.at(-2)).toMatchObject({ type: 'comment.hidden', commentId: id, hiddenAt: expect.any(Number) });
  });

  it('[MOD-1] readers may not hide — not even their own comment — and guests must sign in', async () => {
    const { server, ann, id } = await threadWithComment();
    const bob = await server.connect(await server.token('bob', { lvl: 99 }));
    for (const socket of [ann, bob]) {
      expect(await call(socket, 'comment:hide', hide(true, id))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const guest = await server.connect();
    expect(await call(guest, 'comment:hide', hide(true, id))).toMatchObject({ ok: false, error: { code: 'auth_required' } });
    const events = await server.store.read((tx) => tx.listEvents('test-site:t', 0, 100));
    expect(events.map((e: ThreadEvent) => e.type)).toEqual(['comment.created']);
  });

  it('[MOD-1] an admin hides too; hiding twice changes nothing; the author cannot edit the words back', async () => {
    const { server, ann, id } = await threadWithComment();
    const admin = await server.connect(await server.token('boss', { role: 'admin' }));
    okData(await call(admin, 'comment:hide', hide(true, id)));
    expect(okData(await call<{ seq: number | null }>(admin, 'comment:hide', hide(true, id))).seq).toBeNull();
    expect(await call(ann, 'comment:edit', { requestId: rid(), thread: 't', commentId: id, body: 'Something rude, again' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await call(admin, 'comment:hide', hide(true, 'nope'))).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call(admin, 'comment:hide', { ...hide(true, id), extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });
});

describe('[MOD-2] deleting others\' comments', () => {
  it('[MOD-2] a moderator deletes any comment; a reader cannot delete someone else\'s', async () => {
    const { server, mod, id } = await threadWithComment();
    const bob = await server.connect(await server.token('bob'));
    expect(await call(bob, 'comment:delete', { requestId: rid(), thread: 't', commentId: id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    okData(await call(mod, 'comment:delete', { requestId: rid(), thread: 't', commentId: id }));
    expect(await call(mod, 'comment:hide', hide(true, id))).toMatchObject({ ok: false, error: { code: 'comment_deleted' } });
  });
});
