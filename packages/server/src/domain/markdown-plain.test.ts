import type { RichText } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { parseFully, parseMarkdown, plainParagraphs } from './markdown.js';

/** A small deterministic generator (mulberry32), so a failure names a reproducible string. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces a random body is made of: words, spaces and newlines mostly, and every kind of syntax. */
const pieces = [
  ...'abcdefghijklmnopqrstuvwxyz'.split(''),
  'Hello', 'world', 'é', 'Ünïcödé', '日本語', 'Привет', '🙂', '0', '1', '12', '2024', '123456789',
  ' ', ' ', ' ', ' ', '  ', '\n', '\n', '\n\n', '\n\n\n',
  '.', ',', '!', '?', ';', ':', "'", '"', '(', ')', '-', '+', '=', '#', '|', '@', '$', '%', '^', '{', '}', '/',
  '*', '**', '_', '__', '`', '```', '~', '~~~', '[', ']', '](', '<', '>', '> ', '- ', '+ ', '* ', '1. ', '2) ',
  '&', '&amp;', '&#65;', '\\', '\t', '\r', '\r\n', '\u00a0', '\u2028', '\u0000', '\ufeff', '    ',
  'http://a.b', 'https://x.org/p', 'mailto:a@b.c', 'HTTP:', 'ftp://x', '//x', 'www.example.com', 'a@b.com',
];

function randomBody(next: () => number): string {
  const length = Math.floor(next() * 24);
  let body = '';
  for (let i = 0; i < length; i++) body += pieces[Math.floor(next() * pieces.length)];
  return body;
}

/** Bodies from the formatting suite and the bench: plain ones and every kind of syntax. */
const suiteBodies = [
  'Hello world',
  'Two lines\nof one paragraph\n\nand another',
  'a\n\n\nb',
  '\n\nleading and trailing blank lines\n\n',
  'Sustained post 7 from writer 3: the store must fsync this before the ack.',
  'Direct post 12 by writer 5.',
  '@Bella Ciao, you are right (mostly). 3 of 4 agree!',
  '2024 was a year; 2025. was not',
  '1 \\* 2',
  '*em* and **strong** and `code`',
  '> quoted\n- a\n- b\n1. one',
  '```\ncode\n```',
  'a line  \nwith a hard break',
  ' leading space',
  'trailing space ',
  'see https://example.com and mailto:x@y.z',
  '<script>alert(1)</script> &lt;',
  '# not a heading\n---\n| a | b |',
  'word\n-item\n+item\n=== \n',
  '12) list\n\n7. list',
  'tab\there',
  'crlf\r\nline',
  'nbsp\u00a0end',
  '',
];

const same = (body: string): { fast: RichText | undefined; full: RichText | null } => ({ fast: plainParagraphs(body), full: parseFully(body) });

describe('markdown: the plain-text path', () => {
  it('[DUR-14] a body with no syntax gets the same tree as the parser gives; anything else goes to the parser', () => {
    let fast = 0;
    for (const body of suiteBodies) {
      const { fast: tree, full } = same(body);
      if (tree === undefined) continue;
      fast++;
      expect(tree, JSON.stringify(body)).toEqual(full);
    }
    // The plain ones take the shortcut; the ones with syntax (or whitespace the parser trims) do not.
    expect(plainParagraphs('Hello world')).toEqual([{ t: 'p', c: ['Hello world'] }]);
    expect(plainParagraphs('Two lines\nof one\n\nand another')).toEqual([
      { t: 'p', c: ['Two lines', { t: 'br' }, 'of one'] },
      { t: 'p', c: ['and another'] },
    ]);
    for (const body of ['1 \\* 2', '*em*', '> q', '- a', '1. one', '12) x', 'a  \nb', ' a', 'a ', 'see https://x.y', 'mailto:a@b.c', '&lt;', 'a\tb', 'a\r\nb', 'a\u00a0b', '```\nx\n```', '~~~']) {
      expect(plainParagraphs(body), JSON.stringify(body)).toBeUndefined();
    }
    expect(fast).toBeGreaterThanOrEqual(8);
  });

  it('[DUR-14] on 10,000 random bodies the shortcut, when it applies, gives exactly the parser\'s tree', () => {
    const next = random(14);
    let fast = 0;
    for (let n = 0; n < 10_000; n++) {
      const body = randomBody(next);
      const { fast: tree, full } = same(body);
      // parseMarkdown (shortcut or parser, then cached) always agrees with the parser.
      expect(parseMarkdown(body), JSON.stringify(body)).toEqual(full);
      if (tree === undefined) continue;
      fast++;
      expect(tree, JSON.stringify(body)).toEqual(full);
    }
    // Enough random bodies take the shortcut for the comparison to mean something.
    expect(fast).toBeGreaterThan(500);
  });
});
