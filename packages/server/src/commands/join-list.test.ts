import { Limits, OPEN_GATES, type CommentView, type JoinResult } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { EconomyDirectory } from '../economy/rules.js';
import { contextWithThread, createTestContext, identity, rid, type TestContext } from '../test-helpers.js';
import { joinThread } from './join-thread.js';
import { listComments, listReplies } from './list-comments.js';
import { postComment } from './post-comment.js';
import { reactComment } from './react-comment.js';
import { votePost } from './vote-post.js';

const ann = identity('ann');
const bob = identity('bob');

const post = async (ctx: TestContext, body: string, parentId: string | null = null, who = ann): Promise<CommentView> =>
  (await postComment(ctx, who, { requestId: rid(), thread: 't', parentId, body })).result.comment;

function snapshot(result: JoinResult) {
  if (result.mode !== 'snapshot') throw new Error(`expected a snapshot, got ${result.mode}`);
  return result;
}

describe('joinThread', () => {
  it('[THREAD-4] a join of a thread its host never created is not_found, saying what the publisher must do', async () => {
    const ctx = createTestContext();
    await expect(joinThread(ctx, identity('ann', { role: 'admin', level: 100 }), { thread: 'never' })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('parley threads create'),
    });
    expect(await ctx.store.read((tx) => tx.getThread('default:never'))).toBeNull();
  });

  it('[THREAD-1] a thread the host created keeps its title and url; a join cannot change them', async () => {
    const ctx = createTestContext();
    await ctx.thread('t', { title: 'Iran talks', url: 'https://news/1' });
    const first = snapshot((await joinThread(ctx, null, { thread: 't', url: 'https://elsewhere/2' })).result);
    expect(first.thread).toEqual({ id: 't', title: 'Iran talks', url: 'https://news/1', seq: 0, commentCount: 0, plus: 0, minus: 0 });
    expect(first.page).toEqual({ sort: 'top', comments: [], nextCursor: null });
    expect(first.viewer).toEqual({ user: null, role: 'guest', reactions: {}, vote: null, level: 0, gates: OPEN_GATES });
  });

  it('sends a signed-in viewer their identity, reactions on the page and their vote', async () => {
    const ctx = await contextWithThread();
    const a = await post(ctx, 'a');
    const b = await post(ctx, 'b');
    await reactComment(ctx, bob, { requestId: rid(), thread: 't', commentId: a.id, value: 'dislike' });
    await votePost(ctx, bob, { requestId: rid(), thread: 't', value: 'plus' });
    const joined = snapshot((await joinThread(ctx, bob, { thread: 't', sort: 'new' })).result);
    expect(joined.viewer).toEqual({
      user: { id: 'bob', name: 'Bob', avatar: null, level: 13 },
      role: 'reader',
      reactions: { [a.id]: 'dislike' },
      vote: 'plus',
      level: 13,
      gates: OPEN_GATES,
    });
    expect(joined.page.comments.map((c) => c.id)).toEqual([b.id, a.id]);
    expect(joined.thread).toMatchObject({ seq: 4, commentCount: 2, plus: 1 });
  });

  it('[PERF-6] joins at one seq share the first page; any change a reader sees is in the next join', async () => {
    const ctx = await contextWithThread();
    const first = await post(ctx, 'first');
    const a = snapshot((await joinThread(ctx, ann, { thread: 't' })).result);
    const b = snapshot((await joinThread(ctx, null, { thread: 't' })).result);
    expect(b.page).toBe(a.page); // one read for both
    await reactComment(ctx, bob, { requestId: rid(), thread: 't', commentId: first.id, value: 'like' });
    const liked = snapshot((await joinThread(ctx, bob, { thread: 't' })).result);
    expect(liked.page.comments[0]).toMatchObject({ id: first.id, likes: 1 });
    expect(liked.viewer.reactions).toEqual({ [first.id]: 'like' }); // the viewer's own state is never shared
    expect(snapshot((await joinThread(ctx, ann, { thread: 't' })).result).viewer.reactions).toEqual({});
    await post(ctx, 'a reply', first.id, bob);
    const replied = snapshot((await joinThread(ctx, ann, { thread: 't' })).result);
    expect(replied.page.comments.map((c) => c.body)).toEqual(['first', 'a reply']);
    // A moderator's view (flags, hidden words) is read for them alone.
    const mod = snapshot((await joinThread(ctx, identity('mia', { role: 'moderator', level: 50 }), { thread: 't' })).result);
    expect(mod.page).not.toBe(replied.page);
    expect(mod.page.comments.map((c) => c.body)).toEqual(['first', 'a reply']);
  });

  it('[SRV-S1] a rejoin within maxReplayEvents gets exactly the missed events', async () => {
    const ctx = await contextWithThread();
    const a = await post(ctx, 'a');
    await post(ctx, 'b');
    await reactComment(ctx, bob, { requestId: rid(), thread: 't', commentId: a.id, value: 'like' });
    const result = (await joinThread(ctx, bob, { thread: 't', since: 1 })).result;
    expect(result.mode).toBe('events');
    if (result.mode !== 'events') return;
    expect(result.events.map((e) => [e.seq, e.type])).toEqual([
      [2, 'comment.created'],
      [3, 'comment.reacted'],
    ]);
    expect(result.viewer.reactions).toEqual({ [a.id]: 'like' });
    const upToDate = (await joinThread(ctx, bob, { thread: 't', since: 3 })).result;
    expect(upToDate).toMatchObject({ mode: 'events', events: [] });
  });

  it('[SRV-S2] a rejoin further behind than maxReplayEvents, or ahead of the thread, gets a snapshot', async () => {
    const ctx = await contextWithThread();
    const first = await post(ctx, 'first');
    for (let i = 0; i < Limits.maxReplayEvents; i++) {
      await reactComment(ctx, i % 2 ? ann : bob, { requestId: rid(), thread: 't', commentId: first.id, value: i % 4 < 2 ? 'like' : null });
    }
    const seq = Limits.maxReplayEvents + 1;
    expect((await joinThread(ctx, null, { thread: 't', since: 0 })).result.mode).toBe('snapshot');
    const edge = (await joinThread(ctx, null, { thread: 't', since: 1 })).result;
    expect(edge.mode).toBe('events');
    if (edge.mode === 'events') expect(edge.events).toHaveLength(Limits.maxReplayEvents);
    expect((await joinThread(ctx, null, { thread: 't', since: seq + 10 })).result.mode).toBe('snapshot');
  });

  it('puts each root’s first replies right after it, oldest first, capped at repliesPerRoot', async () => {
    // Many comments by one reader: rewards paid at once keep her able to pay each tribute.
    const ctx = { ...(await contextWithThread()), economy: new EconomyDirectory({ settleWindowMs: 0 }) };
    const root = await post(ctx, 'root');
    const replies: string[] = [];
    for (let i = 0; i < Limits.repliesPerRoot + 2; i++) replies.push((await post(ctx, `r${i}`, root.id, bob)).id);
    const lone = await post(ctx, 'lone');
    const page = snapshot((await joinThread(ctx, null, { thread: 't', sort: 'old' })).result).page;
    expect(page.comments.map((c) => c.id)).toEqual([root.id, ...replies.slice(0, Limits.repliesPerRoot), lone.id]);
    expect(page.comments[0]?.replyCount).toBe(Limits.repliesPerRoot + 2);
  });
});

describe('listComments', () => {
  it('pages through every sort with cursors, each root once', async () => {
    const ctx = await contextWithThread();
    const roots: CommentView[] = [];
    for (let i = 0; i < 7; i++) roots.push(await post(ctx, `c${i}`));
    // Make the top order differ from seq order: likes on c2 (2), c5 (1), dislike on c0.
    for (const [id, who, value] of [
      [roots[2]?.id, ann, 'like'],
      [roots[2]?.id, bob, 'like'],
      [roots[5]?.id, bob, 'like'],
      [roots[0]?.id, bob, 'dislike'],
    ] as const) {
      await reactComment(ctx, who, { requestId: rid(), thread: 't', commentId: id ?? '', value });
    }
    const ids = (indices: number[]) => indices.map((i) => roots[i]?.id);
    const expected = { top: ids([2, 5, 6, 4, 3, 1, 0]), new: ids([6, 5, 4, 3, 2, 1, 0]), old: ids([0, 1, 2, 3, 4, 5, 6]) };
    for (const sort of ['top', 'new', 'old'] as const) {
      const first = snapshot((await joinThread(ctx, bob, { thread: 't', sort, pageSize: 3 })).result).page;
      const seen = first.comments.map((c) => c.id);
      let cursor = first.nextCursor;
      while (cursor) {
        const next = (await listComments(ctx, bob, { thread: 't', sort, cursor, pageSize: 3 })).result;
        seen.push(...next.comments.map((c) => c.id));
        if (sort === 'top' && next.comments.some((c) => c.id === roots[0]?.id)) expect(next.reactions).toEqual({ [roots[0]?.id ?? '']: 'dislike' });
        cursor = next.nextCursor;
      }
      expect({ sort, seen }).toEqual({ sort, seen: expected[sort] });
    }
  });

  it('refuses a garbled cursor or a cursor of another sort with invalid_cursor', async () => {
    const ctx = await contextWithThread();
    for (let i = 0; i < 3; i++) await post(ctx, `c${i}`);
    const cursor = snapshot((await joinThread(ctx, null, { thread: 't', sort: 'new', pageSize: 1 })).result).page.nextCursor ?? '';
    await expect(listComments(ctx, null, { thread: 't', sort: 'old', cursor })).rejects.toMatchObject({ code: 'invalid_cursor' });
    await expect(listComments(ctx, null, { thread: 't', sort: 'new', cursor: 'garbage!' })).rejects.toMatchObject({ code: 'invalid_cursor' });
    await expect(listComments(ctx, null, { thread: 'missing', sort: 'new', cursor })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('listReplies', () => {
  it('pages a root’s replies oldest first and refuses non-roots', async () => {
    const ctx = await contextWithThread();
    const root = await post(ctx, 'root');
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) replies.push((await post(ctx, `r${i}`, root.id, bob)).id);
    await reactComment(ctx, ann, { requestId: rid(), thread: 't', commentId: replies[3] ?? '', value: 'like' });
    const first = (await listReplies(ctx, ann, { thread: 't', rootId: root.id, pageSize: 3 })).result;
    expect(first.comments.map((c) => c.id)).toEqual(replies.slice(0, 3));
    const second = (await listReplies(ctx, ann, { thread: 't', rootId: root.id, cursor: first.nextCursor, pageSize: 3 })).result;
    expect(second).toMatchObject({ rootId: root.id, nextCursor: null, reactions: { [replies[3] ?? '']: 'like' } });
    expect(second.comments.map((c) => c.id)).toEqual(replies.slice(3));
    await expect(listReplies(ctx, ann, { thread: 't', rootId: replies[0] ?? '' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(listReplies(ctx, ann, { thread: 't', rootId: 'missing' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(listReplies(ctx, ann, { thread: 't', rootId: root.id, cursor: first.nextCursor?.slice(2) })).rejects.toMatchObject({
      code: 'invalid_cursor',
    });
  });
});
