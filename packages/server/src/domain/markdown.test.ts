import { Limits, RichTextLimits, type RichBlock, type RichInline, type RichText } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { formatBody, measure, mentionKeys, nameKey, parseMarkdown, type Mention } from './markdown.js';

const none = new Map<string, Mention>();
const format = (body: string, known: ReadonlyMap<string, Mention> = none) => formatBody(body, parseMarkdown(body), known);
const doc = (body: string): RichText | null => format(body).doc;

/** Every link node anywhere in a tree. */
function links(tree: RichText | null): { href: string }[] {
  const found: { href: string }[] = [];
  const inline = (c: RichInline[]) => {
    for (const n of c) if (typeof n !== 'string') {
      if (n.t === 'link') found.push({ href: n.href });
      if ('c' in n) inline(n.c);
    }
  };
  const blocks = (c: RichBlock[]) => {
    for (const b of c) {
      if (b.t === 'p') inline(b.c);
      else if (b.t === 'quote') blocks(b.c);
      else if (b.t === 'ul' || b.t === 'ol') b.c.forEach(blocks);
    }
  };
  blocks(tree ?? []);
  return found;
}

/** All the words of a tree, as a reader would read them. */
function words(tree: RichText | null): string {
  return JSON.stringify(tree);
}

describe('markdown: the node types', () => {
  it('[MD-1] plain paragraphs travel without a tree', () => {
    expect(doc('Hello world')).toBeNull();
    expect(doc('Two lines\nof one paragraph\n\nand another')).toBeNull();
    // Where Markdown would read it differently from the text, the tree goes along.
    expect(doc('a\n\n\nb')).toEqual([{ t: 'p', c: ['a'] }, { t: 'p', c: ['b'] }]);
    expect(doc('1 \\* 2')).toEqual([{ t: 'p', c: ['1 * 2'] }]);
  });

  it('[MD-1] emphasis, strong, inline code and line breaks', () => {
    expect(doc('*a* **b** _c_ `d <e>`\nf')).toEqual([
      { t: 'p', c: [{ t: 'em', c: ['a'] }, ' ', { t: 'strong', c: ['b'] }, ' ', { t: 'em', c: ['c'] }, ' ', { t: 'code', s: 'd <e>' }, { t: 'br' }, 'f'] },
    ]);
  });

  it('[MD-1] fenced code blocks are verbatim, quotes and lists nest', () => {
    expect(doc('```js\nif (a < b) *x*\n```')).toEqual([{ t: 'pre', s: 'if (a < b) *x*' }]);
    expect(doc('> quoted\n> > twice')).toEqual([{ t: 'quote', c: [{ t: 'p', c: ['quoted'] }, { t: 'quote', c: [{ t: 'p', c: ['twice'] }] }] }]);
    expect(doc('- one\n- *two*')).toEqual([{ t: 'ul', c: [[{ t: 'p', c: ['one'] }], [{ t: 'p', c: [{ t: 'em', c: ['two'] }] }]] }]);
    expect(doc('3. three\n4. four')).toEqual([{ t: 'ol', start: 3, c: [[{ t: 'p', c: ['three'] }], [{ t: 'p', c: ['four'] }]] }]);
    expect(doc('1. one')).toEqual([{ t: 'ol', c: [[{ t: 'p', c: ['one'] }]] }]);
  });

  it('[MD-2] what is not in the subset stays text: headings, rules, images, tables, indented code, references', () => {
    expect(doc('# Title')).toBeNull();
    expect(doc('---')).toBeNull();
    expect(doc('    indented')).toEqual([{ t: 'p', c: ['indented'] }]);
    expect(words(doc('![alt](https://e.example/x.png)'))).not.toContain('"img"');
    expect(doc('| a | b |\n| - | - |')).toBeNull();
    // A reference definition defines nothing: `[x]` stays text (the bare URL is still linked).
    expect(doc('[x]: https://e.example\n\n[x]')?.[1]).toEqual({ t: 'p', c: ['[x]'] });
    expect(doc('~~struck~~')).toBeNull();
  });
});

describe('markdown: links', () => {
  it('[LINK-1] http(s) and mailto links, and bare http(s) URLs, become links', () => {
    expect(doc('[site](https://news.example.com/a?b=1)')).toEqual([{ t: 'p', c: [{ t: 'link', href: 'https://news.example.com/a?b=1', c: ['site'] }] }]);
    expect(links(doc('[me](mailto:me@example.com)'))).toEqual([{ href: 'mailto:me@example.com' }]);
    expect(doc('see https://example.com/x.')).toEqual([
      { t: 'p', c: ['see ', { t: 'link', href: 'https://example.com/x', c: ['https://example.com/x'] }, '.'] },
    ]);
    expect(links(doc('<http://example.com>'))).toEqual([{ href: 'http://example.com' }]);
  });

  it('[LINK-2] no other scheme survives: javascript:, data:, vbscript:, file:, relative and protocol-relative stay text', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      '&#106;avascript:alert(1)',
      'java&#x09;script:alert(1)',
      ' javascript:alert(1)',
      '<javascript:alert(1)>',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:image/png;base64,AAAA',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '/relative',
      '//evil.example/x',
      'ftp://example.com/x',
    ]) {
      const tree = doc(`[x](${href})`);
      expect(links(tree), href).toEqual([]);
    }
    expect(links(doc('<javascript:alert(1)>'))).toEqual([]);
    expect(links(doc('javascript:alert(1) and ftp://example.com and //evil.example'))).toEqual([]);
    // The unsafe link reads as its source text.
    expect(doc('[x](javascript:alert(1))')).toBeNull();
  });

  it('[LINK-2] an href is percent-encoded, never with quotes, spaces or angle brackets', () => {
    const [link] = links(doc('[x](<https://e.example/a b"c>)'));
    expect(link?.href).toBe('https://e.example/a%20b%22c');
  });
});

describe('markdown: never HTML', () => {
  it('[MD-3] tags and entities are text: <script>, <img onerror>, &lt;', () => {
    expect(doc('<script>alert(1)</script>')).toBeNull(); // plain text, shown as typed
    expect(doc('<img src=x onerror=alert(1)>')).toBeNull();
    expect(doc('*<b>bold</b>*')).toEqual([{ t: 'p', c: [{ t: 'em', c: ['<b>bold</b>'] }] }]);
    expect(doc('&lt;script&gt; &amp; &copy;')).toEqual([{ t: 'p', c: ['<script> & ©'] }]);
    expect(doc('<div>\n\n*x*\n\n</div>')).toEqual([{ t: 'p', c: ['<div>'] }, { t: 'p', c: [{ t: 'em', c: ['x'] }] }, { t: 'p', c: ['</div>'] }]);
  });

  it('[MD-3] the tree holds only allow-listed node types and keys', () => {
    const tree = doc('> *a* **b** `c` [d](https://e.example) https://f.example\n\n- x\n1. y\n\n```\nz\n```');
    const keys = new Set<string>();
    const types = new Set<string>();
    JSON.stringify(tree, (key, value: unknown) => {
      if (key && !/^\d+$/.test(key)) keys.add(key);
      if (key === 't') types.add(value as string);
      return value;
    });
    expect([...keys].sort()).toEqual(['c', 'href', 's', 't']);
    expect([...types].every((t) => ['p', 'pre', 'quote', 'ul', 'ol', 'em', 'strong', 'code', 'link', 'br', 'mention'].includes(t))).toBe(true);
  });
});

describe('markdown: bounded', () => {
  const maxChars = Limits.maxBodyLength;

  it('[MD-4] nesting bombs keep the tree shallow and every word', () => {
    for (const bomb of ['>'.repeat(maxChars - 1) + 'x', '> '.repeat(maxChars / 2 - 1) + 'x', '- '.repeat(maxChars / 2 - 1) + 'x']) {
      const tree = parseMarkdown(bomb);
      expect(measure(tree).depth).toBeLessThanOrEqual(RichTextLimits.maxDepth + 2);
    }
    const deep = Array.from({ length: 12 }, (_, i) => '> '.repeat(i + 1) + `level${i}`).join('\n');
    const tree = doc(deep);
    expect(measure(tree).depth).toBeLessThanOrEqual(RichTextLimits.maxDepth + 2);
    for (let i = 0; i < 12; i++) expect(words(tree)).toContain(`level${i}`);
    const inlineBomb = '*_'.repeat(40) + 'x' + '_*'.repeat(40);
    expect(measure(doc(inlineBomb)).depth).toBeLessThanOrEqual(RichTextLimits.maxDepth + 2);
    expect(words(doc(inlineBomb))).toContain('x');
  });

  it('[MD-4] pathological inputs give trees no bigger than the body', () => {
    const inputs = [
      '['.repeat(maxChars),
      '[a]('.repeat(maxChars / 4),
      '*'.repeat(maxChars),
      '*a '.repeat(maxChars / 3),
      '**_'.repeat(maxChars / 3),
      '`'.repeat(maxChars),
      '` a'.repeat(maxChars / 3),
      '<'.repeat(maxChars),
      'http://a.b/'.repeat(maxChars / 11),
      '@a '.repeat(maxChars / 3),
      '1. '.repeat(maxChars / 3),
      '>\n'.repeat(maxChars / 2),
      '```\n'.repeat(maxChars / 4),
      '\\'.repeat(maxChars),
      '&amp;'.repeat(maxChars / 5),
    ];
    for (const input of inputs) {
      const tree = parseMarkdown(input);
      const { nodes, depth } = measure(tree);
      expect(nodes, input.slice(0, 12)).toBeLessThanOrEqual(input.length);
      expect(depth).toBeLessThanOrEqual(RichTextLimits.maxDepth + 2);
      expect(JSON.stringify(tree).length).toBeLessThan(input.length * 12);
    }
  });

  it('[MD-4] a body far over the limit is not parsed', () => {
    expect(parseMarkdown('*a* '.repeat(maxChars))).toBeNull();
  });
});

describe('mentions', () => {
  const bella: Mention = { id: 'u-bella', name: 'Bella Ciao' };
  const bel: Mention = { id: 'u-bel', name: 'Bella' };
  const known = new Map([
    [nameKey(bella.name), bella],
    [nameKey(bel.name), bel],
  ]);

  it('[MD-5] @Name of a known author becomes a mention; the longest name wins; punctuation ends it', () => {
    const body = 'Thanks @Bella Ciao, and @bella! Not me@bella.example or @Nobody';
    const keys = mentionKeys(parseMarkdown(body));
    expect(keys).toEqual(expect.arrayContaining(['bella ciao', 'bella', 'nobody']));
    expect(keys).not.toContain('bella.example');
    const { doc: tree, mentions } = format(body, known);
    expect(tree).toEqual([
      {
        t: 'p',
        c: ['Thanks ', { t: 'mention', id: 'u-bella', s: 'Bella Ciao' }, ', and ', { t: 'mention', id: 'u-bel', s: 'bella' }, '! Not me@bella.example or @Nobody'],
      },
    ]);
    expect(mentions).toEqual([bella, bel]);
  });

  it('[MD-5] no mention inside code or link words; none at all without known authors', () => {
    expect(format('`@Bella` [@Bella](https://e.example)', known).mentions).toEqual([]);
    expect(format('@Bella hi').doc).toBeNull();
    expect(format('*@Bella*', known).doc).toEqual([{ t: 'p', c: [{ t: 'em', c: [{ t: 'mention', id: 'u-bel', s: 'Bella' }] }] }]);
  });

  it('[MD-5] a comment records at most maxMentions people and looks up a bounded number of names', () => {
    const many = new Map(Array.from({ length: 40 }, (_, i) => [`p${i}`, { id: `u${i}`, name: `p${i}` }] as const));
    const body = Array.from({ length: 40 }, (_, i) => `@p${i}`).join(' ');
    expect(format(body, many).mentions).toHaveLength(RichTextLimits.maxMentions);
    expect(mentionKeys(parseMarkdown('@a b c d e f g '.repeat(400))).length).toBeLessThanOrEqual(30 * 4);
  });
});
