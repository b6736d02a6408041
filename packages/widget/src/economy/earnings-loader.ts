/**
 * `<parley-earnings>` is part of parley.js (define-earnings.ts): the Twei blocks draw in the first
 * paint, where they will stay [PAINT-9]. The words of a refusal for want of Twei (shortfall-words.ts)
 * are a chunk of their own, loaded once such a refusal arrives; a failed load is retried next time.
 */
import './define-earnings.js';

type WordsChunk = typeof import('./shortfall-words.js');

let loading: Promise<WordsChunk> | null = null;

export function loadEconomyChunk(): Promise<WordsChunk> {
  loading ??= import('./shortfall-words.js').catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** Defines `<parley-earnings>` (already done by parley.js; kept for tests that import the economy alone). */
export function loadEarnings(): Promise<void> {
  return Promise.resolve();
}
