// @vitest-environment happy-dom
/**
 * [W-F1] A reader flags someone else's comment through an inline chooser of reasons (never a
 * browser prompt); "Flagged — thank you" once the server stored it. Not on their own comment, not
 * for guests. [W-F2] Below the `flag` gate the button is disabled and says from which level.
 * [W-F3] Moderators see the flag count (`[part~=flags]`), live from `moderation:notice`; readers
 * never do. [W-F4] Moderators fetch a hidden comment's words inline; readers have no such button.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPEN_GATES, type Gates, type ModerationNotice, type ViewerState } from '@parley/protocol';
import '../index.js';
import '../thread/live-parts.js'; // <parley-composer>, the economy's store, the desk, the inline forms [PAINT-15]
import type { ParleyThread } from './thread.js';
import { FakeConnection } from '../state/testing/fake-connection.js';
import { THREAD, bella, comment, omar, snapshot, viewer } from '../state/testing/fixtures.js';

class ModeratedConnection extends FakeConnection {
  private readonly noticeListeners = new Set<(notice: ModerationNotice) => void>();
  onModeration(listener: (notice: ModerationNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }
  notify(notice: ModerationNotice): void {
    this.noticeListeners.forEach((listener) => listener(notice));
  }
}

async function settled(el: ParleyThread): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await el.updateComplete;
    const children = [...el.shadowRoot!.querySelectorAll('parley-comment')] as unknown as { updateComplete: Promise<unknown> }[];
    await Promise.all(children.map((c) => c.updateComplete));
  }
}

async function mount(state: Partial<ViewerState> & { user?: ViewerState['user'] }, comments = [comment('a', { seq: 1, author: omar, body: 'Buy cheap watches' })]) {
  const el = document.createElement('parley-thread');
  const connection = new ModeratedConnection();
  el.connector = () => connection;
  el.thread = THREAD;
  document.body.append(el);
  await settled(el);
  connection.setStatus('connected');
  const user = state.user === undefined ? bella : state.user;
  connection.answer('thread:join', snapshot(comments, { viewer: viewer(user, state) }));
  await settled(el);
  return { el, connection };
}

const inComment = <T extends HTMLElement = HTMLElement>(el: ParleyThread, selector: string, id = 'a'): T | null =>
  el.shadowRoot!.querySelector(`[part~="comment"][data-id="${id}"]`)!.shadowRoot!.querySelector<T>(selector);

afterEach(() => {
  document.body.replaceChildren();
  sessionStorage.clear();
  vi.restoreAllMocks();
});

describe('[W-F1] flagging a comment', () => {
  it('[W-F1] opens the reasons inline, sends the chosen one, then says "Flagged — thank you"', async () => {
    const prompt = vi.fn();
    vi.stubGlobal('prompt', prompt);
    const { el, connection } = await mount({});
    const flag = () => inComment<HTMLButtonElement>(el, 'button[part~="flag"]')!;
    expect(flag().textContent?.trim()).toBe('Flag');
    expect(inComment(el, '[part~="flag-reason"]')).toBeNull();
    flag().click();
    await settled(el);
    expect(flag().getAttribute('aria-expanded')).toBe('true');
    const reasons = [...el.shadowRoot!.querySelector('[part~="comment"][data-id="a"]')!.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part~="flag-reason"]')];
    expect(reasons.map((b) => [b.dataset.reason, b.textContent?.trim()])).toEqual([
      ['spam', 'Spam'], ['abuse', 'Abuse'], ['off-topic', 'Off-topic'], ['other', 'Other'],
    ]);
    reasons[1]!.click();
    await settled(el);
    expect(connection.pending('comment:flag').input).toMatchObject({ thread: THREAD, commentId: 'a', reason: 'abuse' });
    expect(inComment(el, '[part~="flag-reason"]')).toBeNull();
    expect(flag().disabled).toBe(true);
    connection.answer('comment:flag', { seq: null, commentId: 'a', flagged: true });
    await settled(el);
    expect(flag().textContent?.trim()).toBe('Flagged — thank you');
    expect(flag().disabled).toBe(true);
    expect(prompt).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });

  it('[W-F1] Cancel closes the chooser without a request; a refused flag can be tried again', async () => {
    const { el, connection } = await mount({});
    inComment<HTMLButtonElement>(el, 'button[part~="flag"]')!.click();
    await settled(el);
    inComment<HTMLButtonElement>(el, 'button[part~="flag-cancel"]')!.click();
    await settled(el);
    expect(inComment(el, '[part~="flag-chooser"]')).toBeNull();
    expect(connection.requests('comment:flag')).toHaveLength(0);
    inComment<HTMLButtonElement>(el, 'button[part~="flag"]')!.click();
    await settled(el);
    inComment<HTMLButtonElement>(el, 'button[part~="flag-reason"][data-reason="spam"]')!.click();
    connection.refuse('comment:flag', { code: 'rate_limited', message: 'Too many actions at once; try again shortly.' });
    await settled(el);
    expect(inComment<HTMLButtonElement>(el, 'button[part~="flag"]')!.disabled).toBe(false);
    expect(el.shadowRoot!.querySelector('[part~="problem"]')?.textContent).toContain('Too many actions');
  });

  it('[W-F5] the chooser takes focus on its first reason; Escape closes it and focus returns to Flag', async () => {
    const { el, connection } = await mount({});
    inComment<HTMLButtonElement>(el, 'button[part~="flag"]')!.click();
    await settled(el);
    const first = inComment<HTMLButtonElement>(el, 'button[part~="flag-reason"]')!;
    const root = el.shadowRoot!.querySelector('parley-comment')!.shadowRoot!;
    expect(root.activeElement).toBe(first);
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await settled(el);
    expect(inComment(el, '[part~="flag-chooser"]')).toBeNull();
    expect(root.activeElement).toBe(inComment(el, 'button[part~="flag"]'));
    expect(connection.requests('comment:flag')).toHaveLength(0);
  });

  it('[W-F1] no Flag on one\'s own comment, nor for guests', async () => {
    const own = await mount({}, [comment('a', { seq: 1, author: bella })]);
    expect(inComment(own.el, 'button[part~="flag"]')).toBeNull();
    document.body.replaceChildren();
    const guest = await mount({ user: null, role: 'guest' });
    expect(inComment(guest.el, 'button[part~="flag"]')).toBeNull();
  });
});

describe('[W-F2] below the flag gate', () => {
  it('[W-F2] the button is disabled with "Available from LVL n" and opens nothing', async () => {
    const gates: Gates = { ...OPEN_GATES, flag: 5 };
    const { el, connection } = await mount({ user: { ...bella, level: 4 }, level: 4, gates });
    const flag = inComment<HTMLButtonElement>(el, 'button[part~="flag"]')!;
    expect(flag.disabled).toBe(true);
    expect(flag.title).toBe('Available from LVL 5');
    expect(flag.getAttribute('aria-label')).toBe('Flag comment by Omar Haddad, available from LVL 5');
    flag.click();
    await settled(el);
    expect(inComment(el, '[part~="flag-chooser"]')).toBeNull();
    expect(connection.requests('comment:flag')).toHaveLength(0);
  });
});

describe('[W-F3] flag counts for moderators', () => {
  it('[W-F3] a moderator sees the count from the snapshot and live from the notice', async () => {
    const { el, connection } = await mount({ role: 'moderator' }, [
      comment('a', { seq: 1, author: omar, flags: 2 }),
      comment('b', { seq: 2, author: omar, flags: 0 }),
    ]);
    expect(inComment(el, '[part~="flags"]')?.textContent?.trim()).toBe('2 flags');
    expect(inComment(el, '[part~="flags"]', 'b')).toBeNull();
    expect(inComment(el, 'button[part~="flag"]')).toBeNull();
    connection.notify({ type: 'comment.flagged', thread: THREAD, commentId: 'b', flags: 1 });
    connection.notify({ type: 'comment.flagged', thread: 'another/thread', commentId: 'a', flags: 9 });
    await settled(el);
    expect(inComment(el, '[part~="flags"]', 'b')?.textContent?.trim()).toBe('1 flag');
    expect(inComment(el, '[part~="flags"]')?.textContent?.trim()).toBe('2 flags');
  });

  it('[W-F3] a reader never sees a count, even if one arrived', async () => {
    const { el, connection } = await mount({}, [comment('a', { seq: 1, author: omar, flags: 2 })]);
    connection.notify({ type: 'comment.flagged', thread: THREAD, commentId: 'a', flags: 3 });
    await settled(el);
    expect(inComment(el, '[part~="flags"]')).toBeNull();
  });
});

describe('[W-F4] reading a hidden comment', () => {
  const hidden = [comment('a', { seq: 1, author: omar, body: '', hiddenAt: 5 })];

  it('[W-F4] a moderator fetches the words and sees them inline, as text', async () => {
    const { el, connection } = await mount({ role: 'moderator' }, hidden);
    const show = () => inComment<HTMLButtonElement>(el, 'button[part~="show-hidden"]')!;
    expect(show().textContent?.trim()).toBe('Show hidden text');
    show().click();
    await settled(el);
    expect(connection.pending('comment:hidden-body').input).toEqual({ thread: THREAD, commentId: 'a' });
    connection.answer('comment:hidden-body', { commentId: 'a', body: '<b>Buy</b> cheap watches', hiddenAt: 5 });
    await settled(el);
    const words = inComment(el, '[part~="hidden-body"]')!;
    expect(words.textContent).toBe('<b>Buy</b> cheap watches');
    expect(words.querySelector('b')).toBeNull();
    expect(inComment(el, '[part~="tombstone"]')?.textContent).toContain('Hidden by a moderator');
    show().click();
    await settled(el);
    expect(inComment(el, '[part~="hidden-body"]')).toBeNull();
  });

  it('[W-F4] a reader has no "Show hidden text" and no Flag on a hidden comment', async () => {
    const { el } = await mount({}, hidden);
    expect(inComment(el, 'button[part~="show-hidden"]')).toBeNull();
    expect(inComment(el, 'button[part~="flag"]')).toBeNull();
  });
});
