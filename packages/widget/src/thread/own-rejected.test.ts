// @vitest-environment happy-dom
/**
 * [PREMOD-7] The author's own comment awaiting review, rejected by a moderator: the open widget hears
 * `own:rejected` and says so in place of "Awaiting review" (with the moderator's reason when given),
 * in the widget's language; a notice about another thread, or a comment that is not held, changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OwnCommentRejected } from '@parley/protocol';
import '../index.js';
import '../thread/live-parts.js'; // the desk and the inline forms [PAINT-15]
import type { ParleyThread } from './thread.js';
import { FakeConnection } from '../state/testing/fake-connection.js';
import { THREAD, bella, comment, omar, snapshot, viewer } from '../state/testing/fixtures.js';
import { loadCatalog, matchLocale } from '../i18n/locale.js';

class AuthorConnection extends FakeConnection {
  private readonly rejectedListeners = new Set<(notice: OwnCommentRejected) => void>();
  onOwnRejected(listener: (notice: OwnCommentRejected) => void): () => void {
    this.rejectedListeners.add(listener);
    return () => this.rejectedListeners.delete(listener);
  }
  reject(notice: OwnCommentRejected): void {
    this.rejectedListeners.forEach((listener) => listener(notice));
  }
}

async function settled(el: ParleyThread): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await el.updateComplete;
    const children = [...el.shadowRoot!.querySelectorAll('parley-comment')] as unknown as { updateComplete: Promise<unknown> }[];
    await Promise.all(children.map((c) => c.updateComplete));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

async function mount(lang = 'en') {
  await loadCatalog(matchLocale(lang).catalog);
  const el = document.createElement('parley-thread');
  const connection = new AuthorConnection();
  el.connector = () => connection;
  el.thread = THREAD;
  el.setAttribute('lang', lang);
  document.body.append(el);
  await settled(el);
  connection.setStatus('connected');
  const mine = comment('h1', { seq: 0, author: bella, status: 'held', body: 'Let me in' });
  const joined = snapshot([comment('a', { seq: 1, author: omar })], { viewer: viewer(bella) });
  connection.answer('thread:join', joined.mode === 'snapshot' ? { ...joined, own: [mine] } : joined);
  await settled(el);
  const inComment = (selector: string, id = 'h1') =>
    el.shadowRoot!.querySelector(`[part~="comment"][data-id="${id}"]`)?.shadowRoot!.querySelector(selector)?.textContent?.trim() ?? null;
  return { el, connection, inComment };
}

afterEach(() => {
  document.body.replaceChildren();
  sessionStorage.clear();
});

describe('[PREMOD-7] a rejected held comment, told to its author', () => {
  it('[PREMOD-7] replaces "Awaiting review" with the rejection and the moderator\'s reason; other notices change nothing', async () => {
    const { el, connection, inComment } = await mount();
    expect(inComment('[part~="awaiting-review"]')).toBe('Awaiting review');
    connection.reject({ thread: 'another/thread', commentId: 'h1', reason: null });
    connection.reject({ thread: THREAD, commentId: 'a', reason: null });
    await settled(el);
    expect(inComment('[part~="awaiting-review"]')).toBe('Awaiting review');
    expect(inComment('[part~="rejected"]', 'a')).toBeNull();

    connection.reject({ thread: THREAD, commentId: 'h1', reason: 'off-topic' });
    await settled(el);
    expect(inComment('[part~="awaiting-review"]')).toBeNull();
    expect(inComment('[part~="rejected"]')).toBe('Not published — a moderator declined this comment: off-topic');
    expect(inComment('[part~="body"]')).toBe('Let me in');
  });

  it('[PREMOD-7] [I18N-3] says it in the widget\'s language, without a reason when none was given', async () => {
    const { el, connection, inComment } = await mount('fr');
    connection.reject({ thread: THREAD, commentId: 'h1', reason: null });
    await settled(el);
    expect(inComment('[part~="rejected"]')).toBe('Non publié : la modération a refusé ce commentaire');
  });
});
