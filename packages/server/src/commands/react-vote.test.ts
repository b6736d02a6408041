import { describe, expect, it } from 'vitest';
import { contextWithThread, identity, rid } from '../test-helpers.js';
import { postComment } from './post-comment.js';
import { reactComment } from './react-comment.js';
import { votePost } from './vote-post.js';

const ann = identity('ann');
const bob = identity('bob');
const cid = identity('cid');

describe('reactComment', () => {
  it('sets, switches and clears one reaction per reader, keeping counts and score', async () => {
    const ctx = await contextWithThread();
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'x' })).result.comment;
    const react = (who: typeof ann, value: 'like' | 'dislike' | null) =>
      reactComment(ctx, who, { requestId: rid(), thread: 't', commentId: comment.id, value });

    const liked = await react(bob, 'like');
    expect(liked.result).toEqual({ seq: 2, commentId: comment.id, likes: 1, dislikes: 0, value: 'like' });
    expect(liked.events).toEqual([
      { type: 'comment.reacted', thread: 't', seq: 2, at: ctx.now(), commentId: comment.id, likes: 1, dislikes: 0, userId: 'bob', value: 'like' },
    ]);
    expect((await react(cid, 'dislike')).result).toMatchObject({ likes: 1, dislikes: 1, seq: 3 });
    expect((await react(bob, 'dislike')).result).toMatchObject({ likes: 0, dislikes: 2, seq: 4, value: 'dislike' });
    expect((await react(cid, null)).result).toMatchObject({ likes: 0, dislikes: 1, seq: 5, value: null });
    const stored = await ctx.store.read((tx) => tx.getComment('default:t', comment.id));
    expect(stored).toMatchObject({ likes: 0, dislikes: 1, score: -1 });
  });

  it('the same value again changes nothing: seq null, no event', async () => {
    const ctx = await contextWithThread();
    const comment = (await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'x' })).result.comment;
    await reactComment(ctx, bob, { requestId: rid(), thread: 't', commentId: comment.id, value: 'like' });
    const again = await reactComment(ctx, bob, { requestId: rid(), thread: 't', commentId: comment.id, value: 'like' });
    expect(again).toEqual({ result: { seq: null, commentId: comment.id, likes: 1, dislikes: 0, value: 'like' }, events: [] });
    const clearNothing = await reactComment(ctx, cid, { requestId: rid(), thread: 't', commentId: comment.id, value: null });
    expect(clearNothing.result.seq).toBeNull();
    expect(await ctx.store.read((tx) => tx.getThread('default:t'))).toMatchObject({ seq: 2 });
  });

  it('refuses guests and unknown comments', async () => {
    const ctx = await contextWithThread();
    await expect(reactComment(ctx, null, { requestId: rid(), thread: 't', commentId: 'c', value: 'like' })).rejects.toMatchObject({
      code: 'auth_required',
    });
    await expect(reactComment(ctx, bob, { requestId: rid(), thread: 't', commentId: 'c', value: 'like' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('votePost', () => {
  it('sets, switches and takes back a vote on the post, creating the thread if needed', async () => {
    const ctx = await contextWithThread();
    const vote = (who: typeof ann, value: 'plus' | 'minus' | null) => votePost(ctx, who, { requestId: rid(), thread: 't', value });
    const plus = await vote(ann, 'plus');
    expect(plus.result).toEqual({ seq: 1, plus: 1, minus: 0, value: 'plus' });
    expect(plus.events).toEqual([{ type: 'post.voted', thread: 't', seq: 1, at: ctx.now(), plus: 1, minus: 0, userId: 'ann', value: 'plus' }]);
    expect((await vote(bob, 'plus')).result).toMatchObject({ plus: 2, minus: 0 });
    expect((await vote(ann, 'minus')).result).toMatchObject({ plus: 1, minus: 1, seq: 3 });
    expect((await vote(bob, null)).result).toMatchObject({ plus: 0, minus: 1, seq: 4, value: null });
    expect(await vote(ann, 'minus')).toEqual({ result: { seq: null, plus: 0, minus: 1, value: 'minus' }, events: [] });
    expect(await ctx.store.read((tx) => tx.getThread('default:t'))).toMatchObject({ plus: 0, minus: 1, seq: 4 });
  });

  it('refuses guests', async () => {
    const ctx = await contextWithThread();
    await expect(votePost(ctx, null, { requestId: rid(), thread: 't', value: 'plus' })).rejects.toMatchObject({ code: 'auth_required' });
  });

  it('a retried vote with another value is request_id_reused', async () => {
    const ctx = await contextWithThread();
    const requestId = rid();
    await votePost(ctx, ann, { requestId, thread: 't', value: 'plus' });
    await expect(votePost(ctx, ann, { requestId, thread: 't', value: 'minus' })).rejects.toMatchObject({ code: 'request_id_reused' });
  });
});
