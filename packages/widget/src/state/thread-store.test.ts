import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThreadStore, type StoreNotice } from './thread-store.js';
import { memoryStorage, type MutationStorage } from './pending-mutations.js';
import { FakeConnection } from './testing/fake-connection.js';
import { THREAD, bella, comment, created, omar, reacted, snapshot, threadView, viewer } from './testing/fixtures.js';

function setup(options: { storage?: MutationStorage; gapGraceMs?: number } = {}) {
  const connection = new FakeConnection();
  let n = 0;
  const store = new ThreadStore(connection, {
    thread: THREAD,
    // Gaps rejoin at once here; [W-S11] tests the grace window on its own.
    gapGraceMs: options.gapGraceMs ?? 0,
    storage: options.storage ?? memoryStorage(),
    makeRequestId: () => `req-${++n}`,
    now: () => 1_000,
  });
  const notices: StoreNotice[] = [];
  store.onNotice((notice) => notices.push(notice));
  return { connection, store, notices };
}

/** A store joined to a thread holding comments a (seq 1), b (seq 2), c (seq 3). */
function joined(options: { storage?: MutationStorage; gapGraceMs?: number } = {}) {
  const ctx = setup(options);
  ctx.connection.setStatus('connected');
  ctx.connection.answer('thread:join', snapshot([comment('a', { seq: 1 }), comment('b', { seq: 2 }), comment('c', { seq: 3 })]));
  return ctx;
}

const ids = (store: ThreadStore): string[] =>
  store.groups().flatMap((g) => [g.root, ...g.replies].map((c) => c.id));

describe('joining', () => {
  it('joins on connect with sort and page size, and renders the snapshot', () => {
    const { connection, store } = setup();
    expect(connection.sent).toHaveLength(0);
    connection.setStatus('connected');
    expect(connection.pending('thread:join').input).toMatchObject({ thread: THREAD, sort: 'top' });
    expect(connection.pending('thread:join').input).not.toHaveProperty('since');
    connection.answer('thread:join', snapshot([comment('a', { seq: 1 }), comment('r', { seq: 2, parentId: 'a' })]));
    expect(store.loaded).toBe(true);
    expect(store.groups().map((g) => [g.root.id, g.replies.map((r) => r.id)])).toEqual([['a', ['r']]]);
  });

  it('[W-S3] rejoins with since = last applied seq after a reconnect', () => {
    const { connection, store } = joined();
    connection.deliver(created(4, comment('d')));
    connection.setStatus('reconnecting');
    connection.setStatus('connected');
    const rejoin = connection.requests('thread:join')[1]!;
    expect(rejoin.input.since).toBe(4);
    connection.answer('thread:join', {
      mode: 'events',
      thread: threadView({ seq: 5, commentCount: 5 }),
      events: [created(5, comment('e'))],
      viewer: viewer(),
    });
    expect(ids(store)).toEqual(['e', 'd', 'a', 'b', 'c']);
    expect(store.threadView?.commentCount).toBe(5);
  });
});

describe('[W-S8] a token given while the handshake is in flight', () => {
  it('re-authenticates on connect before joining, so the join answers for the new reader', () => {
    const { connection, store } = setup();
    store.authenticate('fresh-token'); // still connecting: the handshake may carry the old token
    expect(connection.sent).toHaveLength(0);
    connection.setStatus('connected');
    expect(connection.sent.map((r) => r.event)).toEqual(['session:auth']);
    expect(connection.pending('session:auth').input).toEqual({ token: 'fresh-token' });
    connection.answer('session:auth', { user: bella, role: 'reader', level: 21, expiresAt: null });
    expect(connection.sent.map((r) => r.event)).toEqual(['session:auth', 'thread:join']);
    connection.answer('thread:join', snapshot([comment('a', { seq: 1 })]));
    expect(store.loaded).toBe(true);
  });

  it('joins straight away on a later reconnect with no new token', () => {
    const { connection } = joined();
    connection.setStatus('reconnecting');
    connection.setStatus('connected');
    expect(connection.sent.map((r) => r.event)).toEqual(['thread:join', 'thread:join']);
  });
});

describe('[W-S9] a token given while the join is on its way', () => {
  it('joins again once the join answers for the reader the token replaced', () => {
    const { connection, store } = setup();
    connection.setStatus('connected');
    expect(connection.sent.map((r) => r.event)).toEqual(['thread:join']);
    store.authenticate('fresh-token');
    connection.answer('session:auth', { user: bella, role: 'reader', level: 21, expiresAt: null });
    // The join was answered for the guest the socket was when it arrived: asked again, not applied.
    connection.answer('thread:join', snapshot([comment('a', { seq: 1 })]));
    expect(store.loaded).toBe(false);
    expect(connection.sent.map((r) => r.event)).toEqual(['thread:join', 'session:auth', 'thread:join']);
    connection.answer('thread:join', snapshot([comment('a', { seq: 1 })]));
    expect(store.loaded).toBe(true);
  });
});

describe('[W-S1] events in seq order', () => {
  it('applies seq = last + 1 and ignores duplicates and old events', () => {
    const { connection, store } = joined();
    connection.deliver(created(4, comment('d')), created(4, comment('d')), created(2, comment('old')));
    expect(ids(store)).toEqual(['d', 'a', 'b', 'c']);
    expect(store.lastSeq).toBe(4);
    expect(store.threadView?.commentCount).toBe(4);
    connection.deliver(reacted(5, 'a', 7), reacted(5, 'a', 99));
    expect(store.groups().find((g) => g.root.id === 'a')?.root.likes).toBe(7);
  });

  it('applies a thread:events message of many events in seq order, with one render', () => {
    const { connection, store } = joined();
    let renders = 0;
    store.subscribe(() => renders++);
    const burst = Array.from({ length: 20 }, (_, i) => reacted(4 + i, 'a', i + 1));
    connection.deliverMessage([...burst, created(24, comment('x'))]);
    expect(renders).toBe(1);
    expect(store.lastSeq).toBe(24);
    expect(store.groups().find((g) => g.root.id === 'a')?.root.likes).toBe(20);
    expect(ids(store)).toContain('x');
    expect(connection.requests('thread:join')).toHaveLength(1);
  });

  it('takes from a message only the seqs it lacks, and rejoins on a gap inside one', () => {
    const { connection, store } = joined();
    connection.deliverMessage([reacted(3, 'a', 50), reacted(4, 'a', 1), reacted(5, 'a', 2)]);
    expect(store.lastSeq).toBe(5);
    expect(store.groups().find((g) => g.root.id === 'a')?.root.likes).toBe(2);
    connection.deliverMessage([reacted(6, 'a', 3), reacted(8, 'a', 5)]);
    expect(store.lastSeq).toBe(6);
    expect(connection.pending('thread:join').input.since).toBe(6);
  });

  it('buffers events that arrive while the join is on its way', () => {
    const { connection, store } = setup();
    connection.setStatus('connected');
    connection.deliver(created(4, comment('d')));
    connection.answer('thread:join', snapshot([comment('a', { seq: 3 })]));
    expect(ids(store)).toEqual(['d', 'a']);
  });
});

describe('[W-S11] events of several nodes arriving slightly out of order', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits the grace window for an overtaken event instead of rejoining', () => {
    const { connection, store } = joined({ gapGraceMs: 500 });
    connection.deliver(created(5, comment('e'))); // node B's comment overtakes node A's seq 4
    vi.advanceTimersByTime(200);
    expect(connection.requests('thread:join')).toHaveLength(1);
    connection.deliver(created(4, comment('d')));
    expect(ids(store)).toEqual(['e', 'd', 'a', 'b', 'c']);
    vi.advanceTimersByTime(1000);
    expect(connection.requests('thread:join')).toHaveLength(1);
  });

  it('rejoins with since once the gap outlives the window', () => {
    const { connection } = joined({ gapGraceMs: 500 });
    connection.deliver(created(5, comment('e')));
    vi.advanceTimersByTime(499);
    expect(connection.requests('thread:join')).toHaveLength(1);
    vi.advanceTimersByTime(2);
    expect(connection.pending('thread:join').input.since).toBe(3);
  });
});

describe('[W-S2] gaps', () => {
  it('asks for the missing events with since and applies them in order', () => {
    const { connection, store } = joined();
    connection.deliver(created(6, comment('f')));
    expect(ids(store)).not.toContain('f');
    const resync = connection.pending('thread:join');
    expect(resync.input.since).toBe(3);
    connection.answer('thread:join', {
      mode: 'events',
      thread: threadView({ seq: 6, commentCount: 6 }),
      events: [created(4, comment('d')), created(5, comment('e')), created(6, comment('f'))],
      viewer: viewer(),
    });
    expect(ids(store)).toEqual(['f', 'e', 'd', 'a', 'b', 'c']);
    expect(store.lastSeq).toBe(6);
  });

  it('replaces the state when the answer is a snapshot', () => {
    const { connection, store } = joined();
    connection.deliver(created(900, comment('far')));
    connection.answer('thread:join', snapshot([comment('x', { seq: 899 }), comment('far', { seq: 900 })]));
    expect(ids(store)).toEqual(['x', 'far']);
    expect(store.lastSeq).toBe(900);
  });
});

describe('[W-S6] optimistic posting', () => {
  it('shows the comment at once, swaps in the stored one on ack, and ignores its broadcast', () => {
    const { connection, store, notices } = joined();
    const requestId = store.post('  Hello there  ');
    const pending = store.groups()[0]!.root;
    expect(pending).toMatchObject({ id: `local:${requestId}`, state: 'pending', body: 'Hello there', own: true });
    const sent = connection.pending('comment:post');
    expect(sent.input).toEqual({ requestId, thread: THREAD, parentId: null, body: 'Hello there' });

    const stored = comment('mine', { seq: 4, author: bella, body: 'Hello there' });
    connection.answer('comment:post', { seq: 4, comment: stored });
    connection.deliver(created(4, stored));
    expect(ids(store).filter((id) => id === 'mine' || id.startsWith('local:'))).toEqual(['mine']);
    expect(store.groups()[0]!.root.state).toBe('sent');
    expect(store.threadView?.commentCount).toBe(4);
    expect(notices.filter((n) => n.type === 'posted')).toHaveLength(1);
    expect(notices.filter((n) => n.type === 'arrived')).toHaveLength(0);
  });

  it('does not duplicate when the broadcast arrives before the ack', () => {
    const { connection, store } = joined();
    store.post('Race');
    const stored = comment('mine', { seq: 4, author: bella, body: 'Race' });
    connection.deliver(created(4, stored));
    connection.answer('comment:post', { seq: 4, comment: stored });
    expect(ids(store)).toEqual(['mine', 'a', 'b', 'c']);
    expect(store.threadView?.commentCount).toBe(4);
  });

  it('places a reply to a depth-2 comment under depth 2 with "@Name"', () => {
    const { connection, store } = setup();
    connection.setStatus('connected');
    connection.answer(
      'thread:join',
      snapshot([
        comment('a', { seq: 1, replyCount: 2 }),
        comment('b', { seq: 2, parentId: 'a', rootId: 'a', depth: 1 }),
        comment('c', { seq: 3, parentId: 'b', rootId: 'a', depth: 2, author: omar }),
      ]),
    );
    store.post('Deep reply', 'c');
    const replies = store.groups()[0]!.replies;
    expect(replies.map((r) => [r.depth, r.replyToName])).toEqual([[1, null], [2, null], [2, 'Omar Haddad']]);
    expect(connection.pending('comment:post').input.parentId).toBe('c');
  });
});

describe('[W-S7] failures and retry', () => {
  it('keeps a refused post as failed with the message, and retries with the same requestId', () => {
    const { connection, store, notices } = joined();
    const requestId = store.post('x'.repeat(10));
    connection.refuse('comment:post', { code: 'body_too_long', message: 'Comments are limited to 5000 characters.' });
    const failed = store.groups()[0]!.root;
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('body_too_long');
    expect(notices.some((n) => n.type === 'error' && n.error.code === 'body_too_long')).toBe(true);

    store.retry(requestId!);
    expect(store.groups()[0]!.root.state).toBe('pending');
    const posts = connection.requests('comment:post');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.input.requestId).toBe(requestId);
  });

  it('reverts an optimistic reaction that the server refuses', () => {
    const { connection, store } = joined();
    store.react('a', 'like');
    expect(store.groups().find((g) => g.root.id === 'a')!.root).toMatchObject({ likes: 1, myReaction: 'like' });
    connection.refuse('comment:react', { code: 'level_required', message: 'Reacting is available from LVL 3.' });
    expect(store.groups().find((g) => g.root.id === 'a')!.root).toMatchObject({
      likes: 0,
      myReaction: null,
      error: { code: 'level_required' },
    });
  });

  it('takes a reaction back with null and keeps counts from the ack', () => {
    const { connection, store } = joined();
    store.react('a', 'like');
    connection.answer('comment:react', { seq: 4, commentId: 'a', likes: 1, dislikes: 0, value: 'like' });
    store.react('a', null);
    expect(connection.pending('comment:react').input.value).toBeNull();
    expect(store.groups().find((g) => g.root.id === 'a')!.root).toMatchObject({ likes: 0, myReaction: null });
  });
});

describe('[W-S5] pending mutations survive', () => {
  it('resends a pending post once after a reconnect, with the same requestId', () => {
    const { connection, store } = joined();
    const requestId = store.post('Typed in a tunnel');
    connection.setStatus('reconnecting');
    connection.setStatus('reconnecting');
    connection.setStatus('connected');
    expect(connection.requests('comment:post')).toHaveLength(1); // not before the rejoin answers
    connection.answer('thread:join', { mode: 'events', thread: threadView({ seq: 3, commentCount: 3 }), events: [], viewer: viewer() });
    const posts = connection.requests('comment:post');
    expect(posts.map((p) => p.input.requestId)).toEqual([requestId, requestId]);
    const stored = comment('once', { seq: 4, author: bella });
    posts[0]!.answer({ ok: true, data: { seq: 4, comment: stored } }); // a late answer to the first send
    posts[1]!.answer({ ok: true, data: { seq: 4, comment: stored } });
    expect(ids(store).filter((id) => id === 'once' || id.startsWith('local:'))).toEqual(['once']);
    expect(store.mutations.list).toHaveLength(0);
  });

  it('does not send a pending mutation twice on one connection (a gap resync rejoins)', () => {
    const { connection, store } = joined();
    store.post('Only once');
    connection.deliver(created(9, comment('z')));
    connection.answer('thread:join', snapshot([comment('z', { seq: 9 })]));
    expect(connection.requests('comment:post')).toHaveLength(1);
  });

  it('resends after a reload from storage, and drops another reader\'s mutations', () => {
    const storage = memoryStorage();
    const first = joined({ storage });
    const requestId = first.store.post('Before reload');
    first.store.dispose();

    const second = setup({ storage });
    expect(second.store.groups()[0]!.root).toMatchObject({ state: 'pending', body: 'Before reload' });
    second.connection.setStatus('connected');
    second.connection.answer('thread:join', snapshot([comment('a', { seq: 1 })]));
    expect(second.connection.pending('comment:post').input.requestId).toBe(requestId);

    const third = setup({ storage });
    third.connection.setStatus('connected');
    third.connection.answer('thread:join', snapshot([], { viewer: viewer(omar) }));
    expect(third.connection.requests('comment:post')).toHaveLength(0);
    expect(storage.load()).toHaveLength(0);
  });
});

describe('answers and events together', () => {
  it('keeps newer counts when a reaction ack arrives after a later event', () => {
    const { connection, store } = joined();
    store.react('a', 'like');
    connection.deliver(reacted(4, 'a', 1), reacted(5, 'a', 2));
    connection.answer('comment:react', { seq: 4, commentId: 'a', likes: 1, dislikes: 0, value: 'like' });
    expect(store.groups().find((g) => g.root.id === 'a')!.root).toMatchObject({ likes: 2, myReaction: 'like' });
  });
});

/** The paging's chunk is a dynamic import [PAINT-17]: a call made before it is here waits for it. */
const pagingLoaded = async (): Promise<void> => {
  await import('./thread-paging.js');
  await new Promise((done) => setTimeout(done, 0));
};

describe('paging', () => {
  it('[PAINT-17] paging waits for its own chunk: a page asked for before it is here is sent once it is', async () => {
    const { connection, store } = setup();
    connection.setStatus('connected');
    connection.answer('thread:join', snapshot([comment('a', { seq: 1 })], { nextCursor: 'c1' }));
    store.loadMore();
    store.loadMore(); // asked twice while loading: one request
    await pagingLoaded();
    expect(connection.requests('comments:page')).toHaveLength(1);
    expect(store.loadingMore).toBe(true);
  });

  it('loads the next page and dedupes comments by id', async () => {
    const { connection, store } = setup();
    connection.setStatus('connected');
    connection.answer('thread:join', snapshot([comment('a', { seq: 1 })], { nextCursor: 'c1' }));
    store.loadMore();
    await pagingLoaded(); // [PAINT-17] its chunk, asked for when the join answered
    expect(connection.pending('comments:page').input).toMatchObject({ cursor: 'c1', sort: 'top' });
    connection.answer('comments:page', {
      sort: 'top',
      comments: [comment('a', { seq: 1 }), comment('b', { seq: 2 })],
      nextCursor: null,
      reactions: { b: 'dislike' },
    });
    expect(ids(store)).toEqual(['a', 'b']);
    expect(store.nextCursor).toBeNull();
    expect(store.groups()[1]!.root.myReaction).toBe('dislike');
  });

  it('counts the replies not loaded yet and fetches them', async () => {
    const { connection, store } = setup();
    connection.setStatus('connected');
    connection.answer('thread:join', snapshot([comment('a', { seq: 1, replyCount: 3 }), comment('r1', { seq: 2, parentId: 'a' })]));
    expect(store.groups()[0]!.moreReplies).toBe(2);
    store.loadReplies('a');
    await pagingLoaded();
    connection.answer('comments:replies', {
      rootId: 'a',
      comments: [comment('r1', { seq: 2, parentId: 'a' }), comment('r2', { seq: 3, parentId: 'a' }), comment('r3', { seq: 4, parentId: 'a' })],
      nextCursor: null,
      reactions: {},
    });
    expect(store.groups()[0]!.replies.map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
    expect(store.groups()[0]!.moreReplies).toBe(0);
  });
});
