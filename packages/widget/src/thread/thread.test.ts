// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import '../index.js';
import '../thread/live-parts.js'; // <parley-composer>, the economy's store, the desk, the inline forms [PAINT-15]
import type { ParleyThread } from './thread.js';
import { FakeConnection } from '../state/testing/fake-connection.js';
import { THREAD, bella, comment, created, omar, snapshot, viewer } from '../state/testing/fixtures.js';

function mount(setup: (el: ParleyThread) => void = () => {}) {
  const connections: FakeConnection[] = [];
  const tokens: (string | undefined)[] = [];
  const el = document.createElement('parley-thread');
  el.connector = (_server, token) => {
    const connection = new FakeConnection();
    connections.push(connection);
    tokens.push(token);
    return connection;
  };
  el.thread = THREAD;
  setup(el);
  document.body.append(el);
  return { el, connections, tokens };
}

/** Waits until the thread and every comment and composer inside it have rendered. */
async function settled(el: ParleyThread): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await el.updateComplete;
    const children = [...el.shadowRoot!.querySelectorAll('parley-comment, parley-composer')] as unknown as {
      updateComplete: Promise<unknown>;
      shadowRoot: ShadowRoot;
    }[];
    await Promise.all(children.map((c) => c.updateComplete));
    for (const child of children) {
      const inner = [...child.shadowRoot.querySelectorAll('parley-composer')] as unknown as { updateComplete: Promise<unknown> }[];
      await Promise.all(inner.map((c) => c.updateComplete));
    }
  }
}

const root = (el: ParleyThread): ShadowRoot => el.shadowRoot!;
const commentEl = (el: ParleyThread, id: string): HTMLElement =>
  root(el).querySelector(`[part~="comment"][data-id="${id}"]`)!;
const inComment = (el: ParleyThread, id: string, selector: string): HTMLElement | null =>
  commentEl(el, id).shadowRoot!.querySelector(selector);

async function joinedThread(comments = [comment('a', { seq: 1, likes: 3, author: omar }), comment('b', { seq: 2, author: bella })]) {
  const ctx = mount();
  await settled(ctx.el);
  const connection = ctx.connections[0]!;
  connection.setStatus('connected');
  connection.answer('thread:join', snapshot(comments, { viewer: viewer(bella, { reactions: { a: 'like' } }), thread: { plus: 4, minus: 1 } }));
  await settled(ctx.el);
  return { ...ctx, connection };
}

afterEach(() => {
  document.body.replaceChildren();
  sessionStorage.clear();
});

/** The store's paging is a chunk of its own (PAINT-17): a page asked for before it is in is sent once it is. */
async function pagingLoaded(): Promise<void> {
  await import('../state/thread-paging.js');
  await new Promise((done) => setTimeout(done, 0));
}

describe('<parley-thread>', () => {
  it('shows a skeleton and the header while loading, then renders the snapshot', async () => {
    const { el, connections } = mount();
    await settled(el);
    expect(root(el).querySelector('.skeleton')).not.toBeNull();
    expect(root(el).querySelector('[part~="count"]')?.textContent?.trim()).toBe('Comments');
    expect(root(el).querySelector('[part~="status"]')?.getAttribute('data-status')).toBe('reconnecting');

    connections[0]!.setStatus('connected');
    expect(connections[0]!.pending('thread:join').input).toMatchObject({ thread: THREAD, sort: 'top' });
    connections[0]!.answer('thread:join', snapshot([comment('a', { seq: 1 }), comment('r', { seq: 2, parentId: 'a' })]));
    await settled(el);
    expect(root(el).querySelector('.skeleton')).toBeNull();
    expect(root(el).querySelector('[part~="count"]')?.textContent?.trim()).toBe('2 Comments');
    expect(root(el).querySelector('[part~="status"]')?.getAttribute('data-status')).toBe('connected');
    const items = [...root(el).querySelectorAll('[part~="comment"]')];
    expect(items.map((c) => [c.getAttribute('data-id'), c.getAttribute('data-depth'), c.getAttribute('data-state')])).toEqual([
      ['a', '0', 'sent'],
      ['r', '1', 'sent'],
    ]);
    expect(inComment(el, 'a', '[part~="level"]')?.textContent?.trim()).toBe('LVL 21');
    expect(inComment(el, 'a', '[part~="author-name"]')?.textContent?.trim()).toBe('Omar Haddad');
  });

  it('labels buttons and marks the viewer\'s reaction and vote with aria-pressed', async () => {
    const { el } = await joinedThread();
    const like = inComment(el, 'a', 'button[part~="like"]')!;
    expect(like.getAttribute('aria-label')).toBe('Like comment by Omar Haddad, 3 likes');
    expect(like.getAttribute('aria-pressed')).toBe('true');
    expect(like.textContent?.trim()).toBe('3');
    expect(inComment(el, 'a', 'button[part~="dislike"]')?.getAttribute('aria-pressed')).toBe('false');
    const plus = root(el).querySelector('button[part~="plus"]')!;
    expect(plus.getAttribute('aria-label')).toBe('Plus this post, 4 pluses');
    expect(plus.getAttribute('aria-pressed')).toBe('false');
    expect(inComment(el, 'a', 'button[part~="edit"]')).toBeNull();
    expect(inComment(el, 'b', 'button[part~="edit"]')).not.toBeNull();
    expect(inComment(el, 'b', 'button[part~="delete"]')).not.toBeNull();
    for (const button of root(el).querySelectorAll('button')) {
      expect(button.getAttribute('aria-label') ?? button.textContent?.trim()).toBeTruthy();
    }
  });

  it('keeps markup in a comment body as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">\nsecond line';
    const { el } = await joinedThread([comment('x', { seq: 1, body: evil })]);
    const body = inComment(el, 'x', '[part~="body"]')!;
    expect(body.textContent).toBe(evil);
    expect(body.querySelector('img')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('fires no event when properties change programmatically', async () => {
    const { el, connections } = await joinedThread();
    const seen: string[] = [];
    for (const type of ['parley-comment-posted', 'parley-error', 'parley-sign-in', 'change', 'input']) {
      el.addEventListener(type, () => seen.push(type));
    }
    el.sort = 'new';
    el.theme = 'dark';
    el.token = 'another-token';
    await settled(el);
    expect(seen).toEqual([]);
    expect(connections).toHaveLength(1); // a new token re-authenticates in place
    expect(connections[0]!.closed).toBe(false);
  });

  it('[W-A1] a new token re-authenticates the open connection with session:auth, without reconnecting', async () => {
    const { el, connections } = await joinedThread();
    el.token = 'second';
    await settled(el);
    expect(connections).toHaveLength(1);
    expect(connections[0]!.sent.filter((r) => r.event === 'session:auth').map((r) => r.input)).toEqual([{ token: 'second' }]);
  });

  it('[W-A1] the first connection presents the token and the site as handshake auth', async () => {
    const sites: (string | undefined)[] = [];
    const { el, tokens } = mount((e) => {
      e.token = 'first';
      e.site = 'news';
      const connector = e.connector;
      e.connector = (server, token, site) => (sites.push(site), connector(server, token, site));
    });
    await settled(el);
    expect(tokens).toEqual(['first']);
    expect(sites).toEqual(['news']);
  });

  it('posts from the composer optimistically and fires parley-comment-posted on ack', async () => {
    const { el, connection } = await joinedThread();
    const posted: unknown[] = [];
    el.addEventListener('parley-comment-posted', (e) => posted.push(e.comment.id));
    const composer = root(el).querySelector('[part~="composer"]')!;
    const input = composer.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea[part~="composer-input"]')!;
    const submit = composer.shadowRoot!.querySelector<HTMLButtonElement>('button[part~="composer-submit"]')!;
    expect(submit.disabled).toBe(true);
    input.value = 'Hello, world';
    input.dispatchEvent(new Event('input'));
    await settled(el);
    expect(submit.disabled).toBe(false);
    submit.click();
    await settled(el);
    const pending = root(el).querySelector('[part~="comment"][data-state="pending"]');
    expect(pending).not.toBeNull();
    expect(input.value).toBe('');
    const stored = comment('new-1', { seq: 3, author: bella, body: 'Hello, world' });
    connection.answer('comment:post', { seq: 3, comment: stored });
    connection.deliver(created(3, stored));
    await settled(el);
    expect(root(el).querySelectorAll('[part~="comment"][data-id="new-1"]')).toHaveLength(1);
    expect(root(el).querySelector('[data-state="pending"]')).toBeNull();
    expect(posted).toEqual(['new-1']);
    expect(root(el).querySelector('[part~="count"]')?.textContent?.trim()).toBe('3 Comments');
  });

  it('toggles a like off with null when the active button is clicked', async () => {
    const { el, connection } = await joinedThread();
    inComment(el, 'a', 'button[part~="like"]')!.click();
    await settled(el);
    expect(connection.pending('comment:react').input).toMatchObject({ commentId: 'a', value: null });
    expect(inComment(el, 'a', 'button[part~="like"]')?.getAttribute('aria-pressed')).toBe('false');
    expect(inComment(el, 'a', 'button[part~="like"]')?.textContent?.trim()).toBe('2');
  });

  it('shows a guest the sign-in line instead of the composer', async () => {
    const { el, connections } = mount();
    await settled(el);
    connections[0]!.setStatus('connected');
    connections[0]!.answer('thread:join', snapshot([], { viewer: viewer(null) }));
    await settled(el);
    expect(root(el).querySelector('[part~="sign-in"]')?.textContent).toContain('Sign in to comment');
    expect(root(el).querySelector('[part~="composer"]')).toBeNull();
    expect(root(el).querySelector('.empty')?.textContent).toContain('Be the first to comment');
  });

  it('shows deleted comments as a tombstone and keeps their replies', async () => {
    const { el } = await joinedThread([
      comment('a', { seq: 1, deletedAt: 5, body: '', replyCount: 1 }),
      comment('r', { seq: 2, parentId: 'a' }),
    ]);
    expect(commentEl(el, 'a').getAttribute('data-deleted')).toBe('true');
    expect(inComment(el, 'a', '[part~="tombstone"]')?.textContent).toBe('This comment was deleted');
    expect(inComment(el, 'a', '[part~="body"]')).toBeNull();
    expect(commentEl(el, 'r')).not.toBeNull();
  });

  it('confirms a delete inline and sends it', async () => {
    const { el, connection } = await joinedThread();
    inComment(el, 'b', 'button[part~="delete"]')!.click();
    await settled(el);
    inComment(el, 'b', 'button[part~="delete-confirm"]')!.click();
    await settled(el);
    expect(connection.pending('comment:delete').input.commentId).toBe('b');
    expect(commentEl(el, 'b').getAttribute('data-deleted')).toBe('true');
  });

  it('offers "Load more comments" and "Show N more replies"', async () => {
    const ctx = mount();
    await settled(ctx.el);
    ctx.connections[0]!.setStatus('connected');
    ctx.connections[0]!.answer('thread:join', snapshot([comment('a', { seq: 1, replyCount: 4 }), comment('r', { seq: 2, parentId: 'a' })], { nextCursor: 'next' }));
    await settled(ctx.el);
    expect(root(ctx.el).querySelector('button[part~="more-replies"]')?.textContent?.trim()).toBe('Show 3 more replies');
    root(ctx.el).querySelector<HTMLButtonElement>('button[part~="load-more"]')!.click();
    await pagingLoaded();
    expect(ctx.connections[0]!.pending('comments:page').input.cursor).toBe('next');
  });

  it('[W-C3] after the last "Load more", focus moves to the first comment it brought, not to the page', async () => {
    const ctx = mount();
    await settled(ctx.el);
    ctx.connections[0]!.setStatus('connected');
    ctx.connections[0]!.answer('thread:join', snapshot([comment('a', { seq: 1 })], { nextCursor: 'next' }));
    await settled(ctx.el);
    const button = root(ctx.el).querySelector<HTMLButtonElement>('button[part~="load-more"]')!;
    button.focus();
    button.click();
    await pagingLoaded();
    ctx.connections[0]!.answer('comments:page', { sort: 'top', comments: [comment('b', { seq: 2 })], nextCursor: null, reactions: {} });
    await settled(ctx.el);
    expect(root(ctx.el).querySelector('button[part~="load-more"]')).toBeNull();
    expect(root(ctx.el).activeElement).toBe(commentEl(ctx.el, 'b'));
  });
});
