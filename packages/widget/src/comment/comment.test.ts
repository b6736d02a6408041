// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import '../index.js';
import '../thread/live-parts.js'; // <parley-composer>, the economy's store, the desk, the inline forms [PAINT-15]
import type { ParleyComment } from './comment.js';
import type { CommentActionEvent } from './comment-action.js';
import type { DisplayComment } from '../state/display.js';
import { bella } from '../state/testing/fixtures.js';

const NOW = Date.UTC(2025, 9, 29, 12, 0, 0);

function display(overrides: Partial<DisplayComment> = {}): DisplayComment {
  return {
    id: 'c1', requestId: null, rootId: 'c1', parentId: null, depth: 0, replyToName: null, author: bella,
    body: 'Hello', createdAt: NOW - 3 * 60_000, edited: false, deleted: false, likes: 2, dislikes: 0,
    myReaction: null, state: 'sent', error: null, own: false, ...overrides,
  };
}

async function mount(comment: DisplayComment, signedIn = true) {
  const el = document.createElement('parley-comment');
  el.comment = comment;
  el.now = NOW;
  el.signedIn = signedIn;
  const actions: CommentActionEvent[] = [];
  el.addEventListener('parley-comment-action', (e) => actions.push(e));
  document.body.append(el);
  await el.updateComplete;
  const $ = <T extends Element = HTMLElement>(selector: string) => el.shadowRoot!.querySelector<T & Element>(selector) as T | null;
  return { el, actions, $ };
}

afterEach(() => document.body.replaceChildren());

describe('<parley-comment>', () => {
  it('shows relative time with the absolute time in <time datetime>', async () => {
    const { $ } = await mount(display());
    const time = $<HTMLTimeElement>('time')!;
    expect(time.textContent?.trim()).toBe('3 min. ago');
    expect(time.getAttribute('datetime')).toBe(new Date(NOW - 3 * 60_000).toISOString());
    expect(time.getAttribute('title')).toBeTruthy();
  });

  it('sends the opposite reaction, and null for the active one', async () => {
    const { el, actions, $ } = await mount(display({ myReaction: 'like' }));
    $<HTMLButtonElement>('button[part~="like"]')!.click();
    $<HTMLButtonElement>('button[part~="dislike"]')!.click();
    expect(actions.map((a) => a.action)).toEqual([{ type: 'react', value: null }, { type: 'react', value: 'dislike' }]);
    expect(actions[0]!.composed).toBe(false);
    el.comment = display({ myReaction: null, likes: 5 });
    await el.updateComplete;
    expect(actions).toHaveLength(2); // a programmatic change fires nothing
  });

  it('disables reactions for guests and hides reply', async () => {
    const { $ } = await mount(display(), false);
    expect($<HTMLButtonElement>('button[part~="like"]')!.disabled).toBe(true);
    expect($('button[part~="reply"]')).toBeNull();
  });

  it('shows "↪ @Name" for a flattened reply, outside the body', async () => {
    const { $ } = await mount(display({ depth: 2, replyToName: 'Omar Haddad' }));
    expect($('[part~="reply-to"]')?.textContent).toBe('↪ @Omar Haddad');
    expect($('[part~="body"]')?.textContent).toBe('Hello');
  });

  it('shows a failed comment with the message, Retry and no reactions', async () => {
    const { actions, $ } = await mount(
      display({ own: true, state: 'failed', requestId: 'r1', id: 'local:r1', error: { code: 'body_too_long', message: 'Too long.' } }),
    );
    expect($('[part~="error"]')?.textContent).toContain('Too long.');
    expect($('button[part~="like"]')).toBeNull();
    $<HTMLButtonElement>('button[part~="retry"]')!.click();
    expect(actions[0]).toMatchObject({ requestId: 'r1', action: { type: 'retry' } });
  });

  it('falls back to initials when the avatar fails to load', async () => {
    const { el, $ } = await mount(display({ author: { ...bella, avatar: 'https://example.invalid/a.png' } }));
    $('img')!.dispatchEvent(new Event('error'));
    await el.updateComplete;
    expect($('img')).toBeNull();
    expect($('[part~="avatar"]')?.textContent).toBe('BC');
  });

  it('edits inline and sends the new text', async () => {
    const { el, actions, $ } = await mount(display({ own: true }));
    $<HTMLButtonElement>('button[part~="edit"]')!.click();
    await el.updateComplete;
    const composer = $('[part~="edit-composer"]') as unknown as ParleyComment;
    await composer.updateComplete;
    const input = composer.shadowRoot!.querySelector('textarea')!;
    expect(input.value).toBe('Hello');
    input.value = 'Hello again';
    input.dispatchEvent(new Event('input'));
    await composer.updateComplete;
    composer.shadowRoot!.querySelector<HTMLButtonElement>('button[part~="edit-save"]')!.click();
    expect(actions.map((a) => a.action)).toEqual([{ type: 'edit', body: 'Hello again' }]);
  });
});
