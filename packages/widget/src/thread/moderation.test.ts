// @vitest-environment happy-dom
/**
 * [W-M1] A moderator hides a comment from the widget; every reader sees "Hidden by a moderator"
 * once the server's `comment.hidden` event arrives, and the words again after an unhide. Readers
 * have no Hide button.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ViewerState } from '@parley/protocol';
import '../index.js';
import '../thread/live-parts.js'; // <parley-composer>, the economy's store, the desk, the inline forms [PAINT-15]
import type { ParleyThread } from './thread.js';
import { FakeConnection } from '../state/testing/fake-connection.js';
import { THREAD, bella, comment, omar, snapshot, viewer } from '../state/testing/fixtures.js';

async function settled(el: ParleyThread): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await el.updateComplete;
    const children = [...el.shadowRoot!.querySelectorAll('parley-comment')] as unknown as { updateComplete: Promise<unknown> }[];
    await Promise.all(children.map((c) => c.updateComplete));
  }
}

async function mountAs(role: ViewerState['role']) {
  const el = document.createElement('parley-thread');
  const connection = new FakeConnection();
  el.connector = () => connection;
  el.thread = THREAD;
  document.body.append(el);
  await settled(el);
  connection.setStatus('connected');
  connection.answer('thread:join', snapshot([comment('a', { seq: 1, author: omar, body: 'Something rude' })], { viewer: viewer(bella, { role }) }));
  await settled(el);
  return { el, connection };
}

const inComment = (el: ParleyThread, selector: string): HTMLElement | null =>
  el.shadowRoot!.querySelector('[part~="comment"][data-id="a"]')!.shadowRoot!.querySelector(selector);

afterEach(() => {
  document.body.replaceChildren();
  sessionStorage.clear();
});

describe('[W-M1] hiding a comment', () => {
  it('[W-M1] a moderator sends comment:hide; the event turns the body into the tombstone, unhide brings it back', async () => {
    const { el, connection } = await mountAs('moderator');
    inComment(el, 'button[part~="hide"]')!.click();
    expect(connection.pending('comment:hide').input).toMatchObject({ thread: THREAD, commentId: 'a', hidden: true });
    connection.deliver({ type: 'comment.hidden', thread: THREAD, seq: 2, at: 5, commentId: 'a', hiddenAt: 5, body: '' });
    await settled(el);
    expect(inComment(el, '[part~="tombstone"]')?.textContent).toBe('Hidden by a moderator');
    expect(inComment(el, '[part~="body"]')).toBeNull();
    expect(inComment(el, 'button[part~="hide"]')?.textContent).toBe('Unhide');

    inComment(el, 'button[part~="hide"]')!.click();
    expect(connection.requests('comment:hide').at(-1)?.input).toMatchObject({ hidden: false });
    connection.deliver({ type: 'comment.hidden', thread: THREAD, seq: 3, at: 6, commentId: 'a', hiddenAt: null, body: 'Something rude' });
    await settled(el);
    expect(inComment(el, '[part~="body"]')?.textContent).toBe('Something rude');
  });

  it('[W-M1] a reader has no Hide button and sees a hidden comment as the tombstone', async () => {
    const { el, connection } = await mountAs('reader');
    expect(inComment(el, 'button[part~="hide"]')).toBeNull();
    connection.deliver({ type: 'comment.hidden', thread: THREAD, seq: 2, at: 5, commentId: 'a', hiddenAt: 5, body: '' });
    await settled(el);
    expect(inComment(el, '[part~="tombstone"]')?.textContent).toBe('Hidden by a moderator');
  });
});
