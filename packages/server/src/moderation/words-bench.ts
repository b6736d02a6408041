/**
 * What a word-list check costs (moderation/words.ts): `node packages/server/dist/moderation/words-bench.js`
 * after `pnpm build`. Prints µs per comment for lists of 10 to 1,000 terms per kind and texts of 500
 * to 5,000 characters, ordinary and crafted (runs of one letter, spaced-out letters), so linear
 * growth — in the text for a list, in the list for a text — is visible, and no text is pathological.
 */
import { readFileSync } from 'node:fs';
import { WordFilter } from './words.js';

const article = readFileSync(new URL('../../../../../shared/seed-article.txt', import.meta.url), 'utf8').replace(/\s+/g, ' ');
const ordinary = (length: number): string => article.repeat(Math.ceil(length / article.length)).slice(0, length);
const texts: Record<string, (length: number) => string> = {
  ordinary,
  'one letter': (length) => 'a'.repeat(length),
  'spaced letters': (length) => 's p a '.repeat(length / 6),
};

const words = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i.toString(36)}x${(i * 7919).toString(36)}`);

function microsPerCheck(filter: WordFilter, text: string): number {
  const rounds = Math.max(3, Math.round(2_000_000 / (text.length * 50)));
  filter.match(text);
  const started = performance.now();
  for (let i = 0; i < rounds; i++) filter.match(text);
  return ((performance.now() - started) * 1000) / rounds;
}

console.log('terms per kind | text | 500 ch | 1,000 ch | 2,000 ch | 5,000 ch (µs per check)');
for (const terms of [10, 100, 1000]) {
  const filter = new WordFilter({ banned: [...words(terms - 1, 'bad'), 'spam'], suspect: words(terms, 'odd'), allowed: ['spamalot'] });
  for (const [name, make] of Object.entries(texts)) {
    const cells = [500, 1000, 2000, 5000].map((length) => microsPerCheck(filter, make(length)).toFixed(0));
    console.log(`${String(terms).padStart(5)} | ${name.padEnd(14)} | ${cells.join(' | ')}`);
  }
}
