import { describe, expect, it } from 'vitest';
import { resolveSite } from '../sites/site-config.js';
import { countLinks, resolveSpam, SpamGuard, textKey } from './spam.js';
import type { ScreenInput } from './verdict.js';

const site = resolveSite({ id: 'news', secret: 'x'.repeat(32), origins: ['same-origin'], spam: {} });
const rules = site.spam!;
const T = 1_700_000_000_000;
const post = (author: string, body: string, at = T): ScreenInput => ({
  site,
  thread: 't',
  author: { id: author, name: author, avatar: null, level: 5, role: 'reader' },
  body,
  parentId: null,
  at,
});
const known = { newReader: false };
const LONG = 'This article misses the point about the ceasefire entirely';

describe('[SPAM-1] the same text repeated', () => {
  it('[SPAM-1] the same reader again within the window is held; after the window it is not', () => {
    const guard = new SpamGuard();
    expect(guard.check(rules, post('ann', LONG), known)).toBeNull();
    expect(guard.check(rules, post('ann', `  ${LONG.toUpperCase()}!!! `, T + 60_000), known)).toEqual({
      action: 'hold',
      reasons: ['the same text 2 times from this reader within 10 min'],
      tags: ['spam', 'spam:repeat'],
    });
    const later = new SpamGuard();
    later.check(rules, post('ann', LONG), known);
    expect(later.check(rules, post('ann', LONG, T + 601_000), known)).toBeNull();
  });

  it('[SPAM-1] the third reader posting the same text is held (a ring); short texts repeat freely', () => {
    const guard = new SpamGuard();
    expect(guard.check(rules, post('a', LONG), known)).toBeNull();
    expect(guard.check(rules, post('b', LONG, T + 1), known)).toBeNull();
    expect(guard.check(rules, post('c', LONG, T + 2), known)).toMatchObject({ action: 'hold', tags: ['spam', 'spam:repeat-ring'], reasons: ['the same text from 3 readers within 10 min'] });
    for (const reader of ['d', 'e', 'f', 'g']) expect(guard.check(rules, post(reader, 'Thank you!', T + 3), known)).toBeNull();
    expect(textKey('Hello,   WORLD!')).toBe(textKey('hello world'));
  });

  it('[SPAM-1] sites are counted apart', () => {
    const guard = new SpamGuard();
    const blog = resolveSite({ id: 'blog', secret: 'x'.repeat(32), origins: ['same-origin'] });
    guard.check(rules, post('ann', LONG), known);
    expect(guard.check(rules, { ...post('ann', LONG, T + 1), site: blog }, known)).toBeNull();
  });
});

describe('[SPAM-2] many links', () => {
  it('[SPAM-2] more links than the site allows hold the comment', () => {
    const guard = new SpamGuard();
    expect(guard.check(rules, post('ann', 'see https://a.example and http://b.example'), known)).toBeNull();
    expect(guard.check(rules, post('bob', 'https://a.example https://b.example www.c-shop.example'), known)).toEqual({
      action: 'hold',
      reasons: ['3 links (the site allows 2)'],
      tags: ['spam', 'spam:links'],
    });
    expect(countLinks('HTTPS://X.example, www.y.example and wwwz')).toBe(2);
  });
});

describe('[SPAM-3] typed implausibly fast', () => {
  it('[SPAM-3] a new reader\'s long comment written faster than a person types is held; a known reader\'s is not', () => {
    const guard = new SpamGuard();
    const body = 'x'.repeat(200);
    expect(guard.check(rules, post('new', body), { newReader: true, composeMs: 2000 })).toEqual({
      action: 'hold',
      reasons: ["a new reader's 200 characters written in 2.0 s"],
      tags: ['spam', 'spam:typed-fast'],
    });
    expect(guard.check(rules, post('old', 'y'.repeat(200)), { newReader: false, composeMs: 2000 })).toBeNull();
    expect(guard.check(rules, post('slow', 'z'.repeat(200)), { newReader: true, composeMs: 60_000 })).toBeNull();
    expect(guard.check(rules, post('short', 'Great piece, thanks'), { newReader: true, composeMs: 100 })).toBeNull();
    expect(guard.check(rules, post('unknown', 'w'.repeat(200)), { newReader: true })).toBeNull();
  });
});

describe('[SPAM-5] bursts from new accounts', () => {
  it('[SPAM-5] past the burst threshold, new readers\' comments are held; known readers go on', () => {
    const guard = new SpamGuard();
    const fast = resolveSpam({ burstNewReaderComments: 3, burstWindowSeconds: 60 });
    for (let i = 0; i < 3; i++) expect(guard.check(fast, post(`n${i}`, `first words number ${i}`, T + i), { newReader: true })).toBeNull();
    expect(guard.check(fast, post('n3', 'first words number three', T + 3), { newReader: true })).toEqual({
      action: 'hold',
      reasons: ['4 comments from new readers on the site within 60 s'],
      tags: ['spam', 'spam:new-reader-burst'],
    });
    expect(guard.check(fast, post('regular', 'a regular reader speaks', T + 4), known)).toBeNull();
    expect(guard.check(fast, post('n4', 'after the wave', T + 61_000), { newReader: true })).toBeNull();
  });
});

describe('[SPAM-6] settings', () => {
  it('[SPAM-6] unknown or negative options are refused naming the site; absent or false, the heuristics are off', () => {
    expect(resolveSite({ id: 'news', secret: 'x'.repeat(32), origins: ['same-origin'] }).spam).toBeNull();
    expect(() => resolveSite({ id: 'news', secret: 'x'.repeat(32), origins: ['same-origin'], spam: { maxLinks: -1 } })).toThrowError(/site "news": spam.maxLinks must be a number ≥ 0/);
    expect(() => resolveSpam({ nope: 1 } as never)).toThrowError(/nope is not a spam option/);
    expect(resolveSite({ id: 'news', secret: 'x'.repeat(32), origins: ['same-origin'], spam: false }).spam).toBeNull();
    expect(resolveSite({ id: 'news', secret: 'x'.repeat(32), origins: ['same-origin'], spam: { maxLinks: 5 } }).spam).toMatchObject({ maxLinks: 5, repeatsPerReader: 2 });
  });
});
