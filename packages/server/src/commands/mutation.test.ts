import { describe, expect, it, vi } from 'vitest';
import { contextWithThread, identity, rid } from '../test-helpers.js';
import { editComment } from './edit-comment.js';
import { postComment } from './post-comment.js';
import { reactComment } from './react-comment.js';
import { votePost } from './vote-post.js';

describe('gated mutations', () => {
  it('check the gate inside their one write transaction: no read transaction before it', async () => {
    const ctx = await contextWithThread();
    const ann = identity('ann');
    const read = vi.spyOn(ctx.store, 'read');
    const write = vi.spyOn(ctx.store, 'write');

    const { comment } = (await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'x' })).result;
    await reactComment(ctx, identity('bob'), { requestId: rid(), thread: 't', commentId: comment.id, value: 'like' });
    await votePost(ctx, identity('bob'), { requestId: rid(), thread: 't', value: 'plus' });
    await editComment(ctx, ann, { requestId: rid(), thread: 't', commentId: comment.id, body: 'y' });

    expect(read).not.toHaveBeenCalled();
    expect(write).toHaveBeenCalledTimes(4);
  });

  it('a guest refused by the gate writes nothing and keeps its error', async () => {
    const ctx = await contextWithThread();
    await expect(postComment(ctx, null, { requestId: rid(), thread: 't', body: 'x' })).rejects.toMatchObject({
      code: 'auth_required',
    });
    expect(await ctx.store.read((tx) => tx.getThread('default:t'))).toMatchObject({ seq: 0, commentCount: 0 });
  });
});
