// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import '../index.js';
import type { ParleyThread } from '../thread/thread.js';
import { FakeConnection } from '../state/testing/fake-connection.js';
import { THREAD, bella, comment, omar, snapshot, viewer } from '../state/testing/fixtures.js';
import { hostStrings, loadCatalog, matchLocale, requestedLanguage } from './locale.js';

/** Renders done, and the catalog of the thread's language here (a dynamic import: no fixed number of ticks). */
async function settle(el: ParleyThread): Promise<void> {
  await loadCatalog(matchLocale(requestedLanguage(el)).catalog);
  for (let i = 0; i < 5; i++) {
    await el.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** A thread joined with two comments, in whatever language the page and its attributes say. */
async function thread(setup: (el: ParleyThread) => void, where: Element = document.body) {
  const el = document.createElement('parley-thread');
  let connection: FakeConnection | undefined;
  el.connector = () => (connection = new FakeConnection());
  el.thread = THREAD;
  setup(el);
  where.append(el);
  await settle(el);
  connection!.setStatus('connected');
  connection!.answer('thread:join', snapshot([comment('a', { seq: 1, likes: 3, author: omar }), comment('b', { seq: 2, author: bella })], { viewer: viewer(bella) }));
  await settle(el);
  const root = el.shadowRoot!;
  return {
    el,
    base: root.querySelector('[part~="base"]')!,
    text: (selector: string) => root.querySelector(selector)?.textContent?.trim() ?? null,
  };
}

afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.removeAttribute('lang');
  sessionStorage.clear();
});

describe('<parley-thread> languages', () => {
  it('[I18N-1] [I18N-2] lang="es" fetches the Spanish chunk and speaks Spanish, numbers and plurals included', async () => {
    const { base, text } = await thread((el) => el.setAttribute('lang', 'es'));
    expect(base.getAttribute('lang')).toBe('es');
    expect(base.getAttribute('dir')).toBe('ltr');
    expect(text('[part~="count"]')).toBe('2 comentarios');
    expect(text('[part~="status"]')).toBe('En directo');
  });

  it('[I18N-1] [I18N-7] with no lang of its own it follows the page; Arabic is right to left', async () => {
    document.documentElement.setAttribute('lang', 'ar-EG');
    const { base, text } = await thread(() => {});
    expect(base.getAttribute('lang')).toBe('ar-EG');
    expect(base.getAttribute('dir')).toBe('rtl');
    expect(text('[part~="count"]')).toBe('تعليقان');
  });

  it('[I18N-1] a language without a catalog, or none at all, is English', async () => {
    const { base, text } = await thread((el) => el.setAttribute('lang', 'de'));
    expect(base.getAttribute('lang')).toBe('en');
    expect(text('[part~="count"]')).toBe('2 Comments');
  });

  it('[I18N-1] the closest lang wins, through shadow roots; then navigator.language', () => {
    document.documentElement.setAttribute('lang', 'fr');
    const host = document.createElement('div');
    host.setAttribute('lang', 'es');
    document.body.append(host);
    const inner = document.createElement('span');
    host.attachShadow({ mode: 'open' }).append(inner);
    expect(requestedLanguage(inner)).toBe('es');
    host.removeAttribute('lang');
    expect(requestedLanguage(inner)).toBe('fr');
    document.documentElement.removeAttribute('lang');
    expect(requestedLanguage(inner)).toBe(navigator.language);
  });

  it('[I18N-5] the host overrides any string: a JSON script child, the strings attribute over it', async () => {
    const { text } = await thread((el) => {
      const script = document.createElement('script');
      script.type = 'application/json';
      script.dataset.parleyStrings = '';
      script.textContent = JSON.stringify({ comments: { one: '{count} note', other: '{count} notes' }, live: 'On air' });
      el.append(script);
      el.setAttribute('strings', JSON.stringify({ live: 'Streaming', signIn: 42 }));
    });
    expect(text('[part~="count"]')).toBe('2 notes');
    expect(text('[part~="status"]')).toBe('Streaming');
  });

  it('[I18N-5] host strings that are not messages are dropped', () => {
    const el = document.createElement('div');
    expect(hostStrings(el, { live: 'On air', comments: { one: 'x' }, signIn: 3 })).toEqual({ live: 'On air' });
    expect(hostStrings(el, null)).toBeNull();
  });

  it('[I18N-1] a new lang re-renders the thread in the new language', async () => {
    const { el, text } = await thread((e) => e.setAttribute('lang', 'en'));
    expect(text('[part~="count"]')).toBe('2 Comments');
    el.setAttribute('lang', 'fr');
    await settle(el);
    expect(text('[part~="count"]')).toBe('2 commentaires');
    const comment = el.shadowRoot!.querySelector('parley-comment')!;
    await (comment as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(comment.shadowRoot!.querySelector('[part~="reply"]')?.textContent?.trim()).toBe('Répondre');
  });

  it('[I18N-9] an erased author is "Former reader" in every language: "Ancien lecteur" in French, "قارئ سابق" in Arabic', async () => {
    const erased = comment('e', { seq: 1, author: { ...omar, name: '', avatar: null }, body: '', deletedAt: 1 });
    for (const [lang, word] of [['fr', 'Ancien lecteur'], ['ar', 'قارئ سابق'], ['es', 'Antiguo lector'], ['en', 'Former reader']] as const) {
      const el = document.createElement('parley-thread');
      let connection: FakeConnection | undefined;
      el.connector = () => (connection = new FakeConnection());
      el.thread = THREAD;
      el.setAttribute('lang', lang);
      document.body.append(el);
      await settle(el);
      connection!.setStatus('connected');
      connection!.answer('thread:join', snapshot([erased]));
      await settle(el);
      const shown = el.shadowRoot!.querySelector('parley-comment')!;
      await (shown as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      expect({ lang, name: shown.shadowRoot!.querySelector('[part~="author-name"]')?.textContent?.trim() }).toEqual({ lang, name: word });
      expect(shown.shadowRoot!.querySelector('[part~="comment-main"]')?.getAttribute('aria-label')).toContain(word);
      el.remove();
    }
  });
});
