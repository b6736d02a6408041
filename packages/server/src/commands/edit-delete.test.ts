import { describe, expect, it } from 'vitest';
import { contextWithThread, identity, rid, type TestContext } from '../test-helpers.js';
import { deleteComment } from './delete-comment.js';
import { editComment } from './edit-comment.js';
import { postComment } from './post-comment.js';
import { reactComment } from './react-comment.js';

const ann = identity('ann');
const bob = identity('bob');

async function seed(ctx: TestContext) {
  const root = (await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'root' })).result.comment;
  const reply = (await postComment(ctx, bob, { requestId: rid(), thread: 't', parentId: root.id, body: 'reply' })).result.comment;
  return { root, reply };
}

describe('editComment', () => {
  it('lets the author rewrite their comment, trimmed, with an event', async () => {
    const ctx = await contextWithThread();
    const { root } = await seed(ctx);
    ctx.advance(1000);
    const { result, events } = await editComment(ctx, ann, { requestId: rid(), thread: 't', commentId: root.id, body: ' better ' });
    expect(result).toEqual({ seq: 3, commentId: root.id, body: 'better', editedAt: ctx.now() });
    expect(events).toEqual([{ type: 'comment.edited', thread: 't', seq: 3, at: ctx.now(), commentId: root.id, body: 'better', editedAt: ctx.now() }]);
    expect(await ctx.store.read((tx) => tx.getComment('default:t', root.id))).toMatchObject({ body: 'better', editedAt: ctx.now() });
  });

  it('refuses guests, other readers, missing comments, bad bodies and deleted comments', async () => {
    const ctx = await contextWithThread();
    const { root } = await seed(ctx);
    const edit = (who: typeof ann | null, commentId: string, body = 'x') =>
      editComment(ctx, who, { requestId: rid(), thread: 't', commentId, body });
    await expect(edit(null, root.id)).rejects.toMatchObject({ code: 'auth_required' });
    await expect(edit(bob, root.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(edit(ann, 'missing')).rejects.toMatchObject({ code: 'not_found' });
    await expect(edit(ann, root.id, '   ')).rejects.toMatchObject({ code: 'body_empty' });
    await deleteComment(ctx, ann, { requestId: rid(), thread: 't', commentId: root.id });
    await expect(edit(ann, root.id)).rejects.toMatchObject({ code: 'comment_deleted' });
  });
});

describe('deleteComment', () => {
  it('tombstones the comment, keeps its replies, and uncounts it', async () => {
    const ctx = await contextWithThread();
    const { root, reply } = await seed(ctx);
    const { result, events } = await deleteComment(ctx, ann, { requestId: rid(), thread: 't', commentId: root.id });
    expect(result).toEqual({ seq: 3, commentId: root.id, deletedAt: ctx.now() });
    expect(events).toEqual([{ type: 'comment.deleted', thread: 't', seq: 3, at: ctx.now(), commentId: root.id, deletedAt: ctx.now() }]);
    const after = await ctx.store.read(async (tx) => ({
      root: await tx.getComment('default:t', root.id),
      reply: await tx.getComment('default:t', reply.id),
      thread: await tx.getThread('default:t'),
    }));
    expect(after.root).toMatchObject({ body: '', deletedAt: ctx.now(), replyCount: 1 });
    expect(after.reply).toMatchObject({ body: 'reply', deletedAt: null });
    expect(after.thread).toMatchObject({ commentCount: 1, seq: 3 });
  });

  it('refuses other readers, a second delete, and reactions or replies on the tombstone', async () => {
    const ctx = await contextWithThread();
    const { root } = await seed(ctx);
    await expect(deleteComment(ctx, bob, { requestId: rid(), thread: 't', commentId: root.id })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(deleteComment(ctx, null, { requestId: rid(), thread: 't', commentId: root.id })).rejects.toMatchObject({ code: 'auth_required' });
    await expect(deleteComment(ctx, ann, { requestId: rid(), thread: 't', commentId: 'missing' })).rejects.toMatchObject({ code: 'not_found' });
    await deleteComment(ctx, ann, { requestId: rid(), thread: 't', commentId: root.id });
    await expect(deleteComment(ctx, ann, { requestId: rid(), thread: 't', commentId: root.id })).rejects.toMatchObject({ code: 'comment_deleted' });
    await expect(reactComment(ctx, bob, { requestId: rid(), thread: 't', commentId: root.id, value: 'like' })).rejects.toMatchObject({
      code: 'comment_deleted',
    });
    await expect(postComment(ctx, bob, { requestId: rid(), thread: 't', parentId: root.id, body: 'x' })).rejects.toMatchObject({
      code: 'comment_deleted',
    });
    expect(await ctx.store.read((tx) => tx.getThread('default:t'))).toMatchObject({ commentCount: 1, seq: 3 });
  });

  it('a retried delete answers the first result instead of comment_deleted', async () => {
    const ctx = await contextWithThread();
    const { root } = await seed(ctx);
    const requestId = rid();
    const first = await deleteComment(ctx, ann, { requestId, thread: 't', commentId: root.id });
    const retry = await deleteComment(ctx, ann, { requestId, thread: 't', commentId: root.id });
    expect(retry).toEqual({ result: first.result, events: [] });
  });
});
