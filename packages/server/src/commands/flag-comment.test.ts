/**
 * [FLAG-1] A reader flags someone else's comment once; a repeat is a no-op success. [FLAG-2] Not their own
 * (`forbidden`), not a deleted one (`comment_deleted`), not below the `flag` gate (`level_required`),
 * not as a guest (`auth_required`). [FLAG-3] Idempotent by requestId: a retry stores and notifies once;
 * the same requestId with other input is `request_id_reused`. [FLAG-4] Only moderators' views carry the
 * count; a flag writes no thread event. [FLAG-5] Only moderators read a hidden comment's words.
 */
import { describe, expect, it } from 'vitest';
import { resolveSite, SiteDirectory } from '../sites/site-config.js';
import { contextWithThread, createTestContext, identity, rid, type TestContext } from '../test-helpers.js';
import { deleteComment } from './delete-comment.js';
import { flagComment } from './flag-comment.js';
import { readHiddenBody } from './hidden-body.js';
import { hideComment } from './hide-comment.js';
import { joinThread } from './join-thread.js';
import { listComments, listReplies } from './list-comments.js';
import { postComment } from './post-comment.js';

const ann = identity('ann');
const bob = identity('bob', { level: 4 });
const cid = identity('cid');
const mod = identity('mo', { role: 'moderator' });

async function seed(ctx: TestContext) {
  return (await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'Buy cheap watches' })).result.comment;
}

const flag = (ctx: TestContext, who: typeof ann | null, commentId: string, extra: Partial<{ requestId: string; reason: 'spam' | 'abuse' | 'off-topic' | 'other'; note: string }> = {}) =>
  flagComment(ctx, who, { requestId: extra.requestId ?? rid(), thread: 't', commentId, reason: extra.reason ?? 'spam', ...(extra.note !== undefined ? { note: extra.note } : {}) });

describe('flagComment', () => {
  it('[FLAG-1] records one flag, counts it on the comment, tells the moderators and writes no thread event', async () => {
    const ctx = await contextWithThread();
    const c = await seed(ctx);
    const first = await flag(ctx, bob, c.id, { note: '  bot  ' });
    expect(first).toEqual({
      result: { seq: null, commentId: c.id, flagged: true },
      events: [],
      notices: [{ site: 'default', notice: { type: 'comment.flagged', thread: 't', commentId: c.id, flags: 1 } }],
      moderation: [
        {
          name: 'comment.flagged',
          payload: expect.objectContaining({ site: 'default', thread: 't', commentId: c.id, reason: 'spam', note: 'bot', flags: 1, flaggedBy: 'bob' }),
        },
      ],
    });
    const second = await flag(ctx, cid, c.id, { reason: 'abuse' });
    expect(second.notices?.[0]?.notice).toMatchObject({ flags: 2 });
    const stored = await ctx.store.read(async (tx) => ({
      comment: await tx.getComment('default:t', c.id),
      flags: await tx.listFlags('default:t', c.id),
      thread: await tx.getThread('default:t'),
    }));
    expect(stored.comment?.flagCount).toBe(2);
    expect(stored.flags.map((f) => [f.userId, f.reason, f.note])).toEqual([
      ['bob', 'spam', 'bot'],
      ['cid', 'abuse', null],
    ]);
    expect(stored.thread?.seq).toBe(1);
  });

  it('[FLAG-1] flagging again (new requestId, any reason) is a success that changes and notifies nothing', async () => {
    const ctx = await contextWithThread();
    const c = await seed(ctx);
    await flag(ctx, bob, c.id);
    const again = await flag(ctx, bob, c.id, { reason: 'other', note: 'changed my mind' });
    expect(again).toEqual({ result: { seq: null, commentId: c.id, flagged: true }, events: [] });
    const flags = await ctx.store.read((tx) => tx.listFlags('default:t', c.id));
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ reason: 'spam', note: null });
    expect((await ctx.store.read((tx) => tx.getComment('default:t', c.id)))?.flagCount).toBe(1);
  });

  it('[FLAG-2] refuses the author, a deleted comment, a missing one, and guests', async () => {
    const ctx = await contextWithThread();
    const c = await seed(ctx);
    await expect(flag(ctx, ann, c.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(flag(ctx, null, c.id)).rejects.toMatchObject({ code: 'auth_required' });
    await expect(flag(ctx, bob, 'missing')).rejects.toMatchObject({ code: 'not_found' });
    await deleteComment(ctx, ann, { requestId: rid(), thread: 't', commentId: c.id });
    await expect(flag(ctx, bob, c.id)).rejects.toMatchObject({ code: 'comment_deleted' });
    expect(await ctx.store.read((tx) => tx.listFlags('default:t', c.id))).toEqual([]);
  });

  it('[FLAG-2] below the flag gate: level_required with the required level and the reader\'s', async () => {
    const base = createTestContext();
    const ctx: TestContext = { ...base, sites: new SiteDirectory([resolveSite({ id: 'default', secret: 'unused', gates: { flag: 5 } }, { development: true })]) };
    await ctx.thread('t');
    const c = await seed(ctx);
    await expect(flag(ctx, bob, c.id)).rejects.toMatchObject({ code: 'level_required', details: { action: 'flag', required: 5, level: 4 } });
    expect(await ctx.store.read((tx) => tx.listFlags('default:t', c.id))).toEqual([]);
    await expect(flag(ctx, cid, c.id)).resolves.toMatchObject({ result: { flagged: true } });
  });

  it('[FLAG-3] a retry with the same requestId stores once and notifies once; other input with it is refused', async () => {
    const ctx = await contextWithThread();
    const c = await seed(ctx);
    const other = (await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'Another' })).result.comment;
    const requestId = rid();
    const first = await flag(ctx, bob, c.id, { requestId });
    const retry = await flag(ctx, bob, c.id, { requestId });
    expect(first.notices).toHaveLength(1);
    expect(retry).toEqual({ result: first.result, events: [] });
    expect((await ctx.store.read((tx) => tx.getComment('default:t', c.id)))?.flagCount).toBe(1);
    await expect(flag(ctx, bob, c.id, { requestId, reason: 'abuse' })).rejects.toMatchObject({ code: 'request_id_reused' });
    await expect(flag(ctx, bob, other.id, { requestId })).rejects.toMatchObject({ code: 'request_id_reused' });
    expect((await ctx.store.read((tx) => tx.getComment('default:t', other.id)))?.flagCount).toBe(0);
  });

  it('[FLAG-4] snapshot, page and replies carry `flags` for a moderator only', async () => {
    const ctx = await contextWithThread();
    const c = await seed(ctx);
    const reply = (await postComment(ctx, cid, { requestId: rid(), thread: 't', parentId: c.id, body: 'Spam too' })).result.comment;
    for (let i = 0; i < 3; i++) await postComment(ctx, cid, { requestId: rid(), thread: 't', body: `filler ${i}` });
    await flag(ctx, bob, c.id);
    await flag(ctx, bob, reply.id);
    const join = async (who: typeof ann | null) => {
      const { result } = await joinThread(ctx, who, { thread: 't', sort: 'old', pageSize: 1 });
      if (result.mode !== 'snapshot') throw new Error('expected a snapshot');
      return result.page;
    };
    const seen = await join(mod);
    expect(seen.comments.map((v) => [v.id, v.flags])).toEqual([[c.id, 1], [reply.id, 1]]);
    const next = await listComments(ctx, mod, { thread: 't', sort: 'old', cursor: seen.nextCursor! });
    expect(next.result.comments.every((v) => v.flags === 0)).toBe(true);
    expect((await listReplies(ctx, mod, { thread: 't', rootId: c.id })).result.comments[0]?.flags).toBe(1);
    for (const who of [bob, ann, null]) {
      const page = await join(who);
      const more = await listComments(ctx, who, { thread: 't', sort: 'old', cursor: page.nextCursor! });
      const replies = await listReplies(ctx, who, { thread: 't', rootId: c.id });
      for (const view of [...page.comments, ...more.result.comments, ...replies.result.comments]) expect(view).not.toHaveProperty('flags');
    }
  });
});

describe('readHiddenBody', () => {
  it('[FLAG-5] a moderator reads a hidden comment\'s words (or a shown one\'s body); readers are refused', async () => {
    const ctx = await contextWithThread();
    const c = await seed(ctx);
    await hideComment(ctx, mod, { requestId: rid(), thread: 't', commentId: c.id, hidden: true });
    const read = (who: typeof ann | null, commentId = c.id) => readHiddenBody(ctx, who, { thread: 't', commentId });
    const { result } = await read(mod);
    expect(result).toEqual({ commentId: c.id, body: 'Buy cheap watches', hiddenAt: ctx.now() });
    await expect(read(identity('boss', { role: 'admin' }))).resolves.toMatchObject({ result: { body: 'Buy cheap watches' } });
    await expect(read(ann)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(read(cid)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(read(null)).rejects.toMatchObject({ code: 'auth_required' });
    await expect(read(mod, 'missing')).rejects.toMatchObject({ code: 'not_found' });
    await hideComment(ctx, mod, { requestId: rid(), thread: 't', commentId: c.id, hidden: false });
    expect((await read(mod)).result).toEqual({ commentId: c.id, body: 'Buy cheap watches', hiddenAt: null });
    await deleteComment(ctx, ann, { requestId: rid(), thread: 't', commentId: c.id });
    await expect(read(mod)).rejects.toMatchObject({ code: 'comment_deleted' });
  });
});
