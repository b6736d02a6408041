// @vitest-environment happy-dom
import type { RichText } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import '../index.js';
import type { DisplayComment } from '../state/display.js';
import { bella } from '../state/testing/fixtures.js';

const NOW = Date.UTC(2025, 9, 29, 12, 0, 0);

function display(overrides: Partial<DisplayComment> = {}): DisplayComment {
  return {
    id: 'c1', requestId: null, rootId: 'c1', parentId: null, depth: 0, replyToName: null, author: bella,
    body: 'source', createdAt: NOW - 60_000, edited: false, deleted: false, likes: 0, dislikes: 0,
    myReaction: null, state: 'sent', error: null, own: false, ...overrides,
  };
}

/** Mounts a comment and waits until its formatted body is drawn (the templates are a lazy chunk). */
async function mount(comment: DisplayComment) {
  const el = document.createElement('parley-comment');
  el.comment = comment;
  el.now = NOW;
  document.body.append(el);
  await el.updateComplete;
  const root = el.shadowRoot!;
  for (let i = 0; i < 50 && comment.doc && !root.querySelector('.rich'); i++) {
    await new Promise((next) => setTimeout(next, 10));
    await el.updateComplete;
  }
  return root;
}

afterEach(() => document.body.replaceChildren());

const doc: RichText = [
  {
    t: 'p',
    c: [
      { t: 'em', c: ['soft'] },
      ' ',
      { t: 'strong', c: ['loud'] },
      ' ',
      { t: 'code', s: '<b>x</b>' },
      { t: 'br' },
      { t: 'mention', id: 'u7', s: 'Bella Ciao' },
      ' ',
      { t: 'link', href: 'https://news.example.com/a', c: ['web'] },
      ' ',
      { t: 'link', href: 'mailto:desk@example.com', c: ['mail'] },
    ],
  },
  { t: 'pre', s: 'if (a < b) {}' },
  { t: 'quote', c: [{ t: 'p', c: ['quoted'] }] },
  { t: 'ul', c: [[{ t: 'p', c: ['one'] }], [{ t: 'p', c: ['two'] }]] },
  { t: 'ol', start: 3, c: [[{ t: 'p', c: ['three'] }]] },
];

describe('the formatted body', () => {
  it('[MD-8] every node type renders as its element, words as text', async () => {
    const root = await mount(display({ doc }));
    const body = root.querySelector('[part~="body"]')!;
    expect(body.querySelector('em')?.textContent).toBe('soft');
    expect(body.querySelector('strong')?.textContent).toBe('loud');
    expect(body.querySelector('code[part~="code"]')?.textContent).toBe('<b>x</b>');
    expect(body.querySelector('b')).toBeNull();
    expect(body.querySelector('br')).not.toBeNull();
    expect(body.querySelector('[part~="mention"]')?.textContent).toBe('@Bella Ciao');
    expect(body.querySelector('[part~="mention"]')?.getAttribute('data-user')).toBe('u7');
    expect(body.querySelector('pre[part~="code-block"]')?.textContent).toBe('if (a < b) {}');
    expect(body.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
    expect([...body.querySelectorAll('ul > li')].map((li) => li.textContent?.trim())).toEqual(['one', 'two']);
    expect(body.querySelector('ol')?.getAttribute('start')).toBe('3');
    expect(body.textContent).not.toContain('source');
  });

  it('[LINK-3] links carry rel="nofollow ugc noopener"; http(s) opens a new tab, mailto in place', async () => {
    const root = await mount(display({ doc }));
    const [web, mail] = [...root.querySelectorAll<HTMLAnchorElement>('[part~="body"] a')];
    expect(web?.getAttribute('href')).toBe('https://news.example.com/a');
    expect(web?.getAttribute('rel')).toBe('nofollow ugc noopener');
    expect(web?.getAttribute('target')).toBe('_blank');
    expect(mail?.getAttribute('href')).toBe('mailto:desk@example.com');
    expect(mail?.getAttribute('rel')).toBe('nofollow ugc noopener');
    expect(mail?.hasAttribute('target')).toBe(false);
  });

  it('[LINK-3] a tree from anywhere but the server cannot make a script link or markup', async () => {
    const forged = [
      { t: 'p', c: [{ t: 'link', href: 'javascript:alert(1)', c: ['click'] }, { t: 'link', href: 'data:text/html,x', c: ['data'] }] },
      { t: 'p', c: ['<img src=x onerror=alert(1)>', { t: 'script', c: ['x'] }] },
      { t: 'html', s: '<b>bold</b>' },
    ] as unknown as RichText;
    const root = await mount(display({ doc: forged }));
    const body = root.querySelector('[part~="body"]')!;
    expect(body.querySelector('a')).toBeNull();
    expect(body.querySelector('img, script, b')).toBeNull();
    expect(body.textContent).toContain('click');
    expect(body.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('[MD-8] a body without a tree is its text', async () => {
    const root = await mount(display({ body: '*not* formatted\n\n<i>x</i>' }));
    const body = root.querySelector('[part~="body"]')!;
    expect(body.textContent).toBe('*not* formatted\n\n<i>x</i>');
    expect(body.querySelector('em, i')).toBeNull();
  });

  it('[LINK-5] a stored comment\'s time links to #comment-<id>; one still sending has no link', async () => {
    const root = await mount(display({ id: 'c42' }));
    expect(root.querySelector('a[part~="permalink"]')?.getAttribute('href')).toBe('#comment-c42');
    expect(root.querySelector('a[part~="permalink"] time')).not.toBeNull();
    document.body.replaceChildren();
    const pending = await mount(display({ id: 'local:r1', requestId: 'r1', state: 'pending' }));
    expect(pending.querySelector('a[part~="permalink"]')).toBeNull();
    expect(pending.querySelector('time')).not.toBeNull();
  });
});
