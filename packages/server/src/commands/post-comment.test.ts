import { Limits, type CommentView } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { contextWithThread, identity, rid } from '../test-helpers.js';
import { postComment } from './post-comment.js';

const ann = identity('ann', { level: 14, avatar: 'https://a/ann.png' });
const bob = identity('bob');

describe('postComment', () => {
  it('refuses a guest with auth_required', async () => {
    const ctx = await contextWithThread();
    await expect(postComment(ctx, null, { requestId: rid(), thread: 't', body: 'hi' })).rejects.toMatchObject({ code: 'auth_required' });
  });

  it('refuses an empty body and a body over the limit', async () => {
    const ctx = await contextWithThread();
    await expect(postComment(ctx, ann, { requestId: rid(), thread: 't', body: '  \n ' })).rejects.toMatchObject({ code: 'body_empty' });
    await expect(
      postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'x'.repeat(Limits.maxBodyLength + 1) }),
    ).rejects.toMatchObject({ code: 'body_too_long', details: { max: Limits.maxBodyLength } });
    expect(await ctx.store.read((tx) => tx.getThread('default:t'))).toMatchObject({ seq: 0, commentCount: 0 });
  });

  it('creates the thread, stores a trimmed root comment with the author snapshot, and emits one event', async () => {
    const ctx = await contextWithThread();
    const { result, events } = await postComment(ctx, ann, { requestId: rid(), thread: 't', body: '  Hello  ' });
    expect(result.seq).toBe(1);
    expect(result.comment).toEqual<CommentView>({
      id: 'c1',
      thread: 't',
      rootId: 'c1',
      parentId: null,
      replyToId: null,
      replyToName: null,
      depth: 0,
      seq: 1,
      author: { id: 'ann', name: 'Ann', avatar: 'https://a/ann.png', level: 14 },
      body: 'Hello',
      createdAt: ctx.now(),
      editedAt: null,
      deletedAt: null,
      likes: 0,
      dislikes: 0,
      replyCount: 0,
    });
    expect(events).toEqual([{ type: 'comment.created', thread: 't', seq: 1, at: ctx.now(), comment: result.comment }]);
    const stored = await ctx.store.read(async (tx) => ({ thread: await tx.getThread('default:t'), events: await tx.listEvents('default:t', 0, 10) }));
    expect(stored.thread).toMatchObject({ seq: 1, commentCount: 1 });
    expect(stored.events).toEqual(events);
  });

  it('nests replies to depth 2, flattens deeper ones, and counts them on the root', async () => {
    const ctx = await contextWithThread();
    const post = async (parentId: string | null, who = ann) =>
      (await postComment(ctx, who, { requestId: rid(), thread: 't', parentId, body: 'x' })).result.comment;
    const root = await post(null);
    const child = await post(root.id, bob);
    const grandchild = await post(child.id);
    const deeper = await post(grandchild.id, bob);
    expect(child).toMatchObject({ rootId: root.id, parentId: root.id, depth: 1, replyToId: root.id, replyToName: 'Ann' });
    expect(grandchild).toMatchObject({ rootId: root.id, parentId: child.id, depth: 2, replyToId: child.id, replyToName: 'Bob' });
    expect(deeper).toMatchObject({ rootId: root.id, parentId: child.id, depth: 2, replyToId: grandchild.id, replyToName: 'Ann' });
    const counts = await ctx.store.read(async (tx) => ({
      root: (await tx.getComment('default:t', root.id))?.replyCount,
      child: (await tx.getComment('default:t', child.id))?.replyCount,
      thread: (await tx.getThread('default:t'))?.commentCount,
    }));
    expect(counts).toEqual({ root: 3, child: 0, thread: 4 });
  });

  it('refuses a parent that does not exist or belongs to another thread with not_found', async () => {
    const ctx = await contextWithThread('t', 'other');
    const other = (await postComment(ctx, ann, { requestId: rid(), thread: 'other', body: 'x' })).result.comment;
    await expect(postComment(ctx, ann, { requestId: rid(), thread: 't', parentId: 'nope', body: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(postComment(ctx, ann, { requestId: rid(), thread: 't', parentId: other.id, body: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('[SRV-S3] a retried post with the same requestId is stored once and answers the first result', async () => {
    const ctx = await contextWithThread();
    const requestId = rid();
    const first = await postComment(ctx, ann, { requestId, thread: 't', body: 'once' });
    ctx.advance(5000);
    const retry = await postComment(ctx, ann, { requestId, thread: 't', body: 'once', parentId: null });
    expect(retry).toEqual({ result: first.result, events: [] });
    expect(await ctx.store.read((tx) => tx.getThread('default:t'))).toMatchObject({ seq: 1, commentCount: 1 });
  });

  it('[SRV-S4] the same requestId with a different body is refused with request_id_reused', async () => {
    const ctx = await contextWithThread();
    const requestId = rid();
    await postComment(ctx, ann, { requestId, thread: 't', body: 'first' });
    await expect(postComment(ctx, ann, { requestId, thread: 't', body: 'second' })).rejects.toMatchObject({
      code: 'request_id_reused',
    });
    expect(await ctx.store.read((tx) => tx.getThread('default:t'))).toMatchObject({ seq: 1, commentCount: 1 });
  });

  it('scopes requestIds per user: two readers may pick the same one', async () => {
    const ctx = await contextWithThread();
    const requestId = 'same';
    await postComment(ctx, ann, { requestId, thread: 't', body: 'a' });
    const bobs = await postComment(ctx, bob, { requestId, thread: 't', body: 'b' });
    expect(bobs.result.seq).toBe(2);
  });

  it('records nothing for a refused request, so the requestId stays free', async () => {
    const ctx = await contextWithThread();
    const requestId = rid();
    await expect(postComment(ctx, ann, { requestId, thread: 't', parentId: 'missing', body: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await ctx.store.read((tx) => tx.getRequest('ann', requestId))).toBeNull();
  });
});
