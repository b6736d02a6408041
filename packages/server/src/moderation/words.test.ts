import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveSite, SiteConfigError } from '../sites/site-config.js';
import { MAX_TERMS, refuseBannedWords, WordFilter } from './words.js';

const filter = new WordFilter({ banned: ['spam', 'kill', 'viagra', 'ass'], suspect: ['crypto', 'free money'], allowed: ['assassin', 'Scunthorpe'] });

describe('[WORDS-2] matching sees through disguises', () => {
  it.each([
    ['case', 'SPAM here'],
    ['spacing', 's p a m'],
    ['punctuation between letters', 'S.P-A_M!'],
    ['leetspeak', '5p4m'],
    ['look-alike Cyrillic letters', 'ѕрам'],
    ['fullwidth letters', 'Ｓｐａｍ'],
    ['stretched letters', 'spaaaaam'],
    ['a doubled letter in the term', 'k i l l them'],
    ['symbols for letters', 'vi@gra now'],
    ['a plural', 'spams galore'],
  ])('[WORDS-2] %s: %s', (_, text) => {
    expect(filter.match(text).banned.length).toBe(1);
  });

  it('[WORDS-2] whole words only: a term inside an ordinary word does not match', () => {
    for (const text of ['skill', 'class act', 'grass pamphlet', 'passes', 'cryptography', 'spamalot', 'xspam']) {
      expect(filter.match(text), text).toEqual({ banned: [], suspect: [] });
    }
  });

  it('[WORDS-2] phrases and suspect terms', () => {
    expect(filter.match('Get FREE  m0ney now')).toEqual({ banned: [], suspect: ['free money'] });
    expect(filter.match('crypto and spam, spam')).toEqual({ banned: ['spam'], suspect: ['crypto'] });
  });

  it('[WORDS-2] the reference article trips nothing on a realistic list', () => {
    const article = readFileSync(new URL('../../../../../shared/seed-article.txt', import.meta.url), 'utf8');
    const newsroom = new WordFilter({ banned: ['fuck', 'shit', 'cunt', 'nigger', 'viagra', 'casino'], suspect: ['idiot', 'moron', 'bitcoin'] });
    expect(newsroom.match(article)).toEqual({ banned: [], suspect: [] });
  });
});

describe('[WORDS-3] allow-lists', () => {
  it('[WORDS-3] an allowed phrase is never matched though a banned term hides in it', () => {
    const strict = new WordFilter({ banned: ['ass', 'cunt'], allowed: ['assassin', 'Scunthorpe'] });
    expect(strict.match('the assassin left scunthorpe')).toEqual({ banned: [], suspect: [] });
    expect(strict.match('what an ass')).toEqual({ banned: ['ass'], suspect: [] });
  });
});

describe('[WORDS-1] banned terms refuse', () => {
  it('[WORDS-1] refuseBannedWords throws banned_words naming the terms; returns suspect terms otherwise', () => {
    expect(() => refuseBannedWords(filter, 'buy v1agra')).toThrowError(expect.objectContaining({ code: 'banned_words', details: { words: ['viagra'] } }));
    expect(refuseBannedWords(filter, 'crypto tips')).toEqual(['crypto']);
    expect(refuseBannedWords(new WordFilter(), 'anything')).toEqual([]);
  });
});

describe('[WORDS-5] lists are checked at start', () => {
  it('[WORDS-5] a bad list is refused naming the site and the key', () => {
    const site = { id: 'news', secret: 'x'.repeat(32), origins: ['https://news.example.com'] };
    expect(() => resolveSite({ ...site, words: { banned: [''] } })).toThrowError(SiteConfigError);
    expect(() => resolveSite({ ...site, words: { banned: ['ℵℶ'] } })).toThrowError(/site "news": words.banned term "ℵℶ" has no Latin letters/);
    expect(() => resolveSite({ ...site, words: { suspect: Array.from({ length: MAX_TERMS + 1 }, (_, i) => `w${i}`) } })).toThrowError(/at most 1000/);
    expect(resolveSite({ ...site, words: { banned: ['spam'] } }).words.match('SPAM')).toEqual({ banned: ['spam'], suspect: [] });
  });

  it('[WORDS-4] a host term never becomes a regular expression: metacharacters are letters or nothing', () => {
    expect(() => new WordFilter({ banned: ['.*'] })).toThrowError(/no Latin letters/);
    const odd = new WordFilter({ banned: ['a+*b', '[?]'.repeat(3) + 'zz'] });
    expect(odd.match('aab')).toEqual({ banned: ['a+*b'], suspect: [] });
    expect(odd.match('anything at all')).toEqual({ banned: [], suspect: [] });
    // 5,000 characters crafted to make a backtracking matcher explode finish like any other text.
    expect(odd.match('a'.repeat(4999) + '!').banned).toEqual([]);
  });
});
