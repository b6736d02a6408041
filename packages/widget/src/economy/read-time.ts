/** Words a minute of an ordinary adult reading an article on a screen (the figure most sites use). */
export const WORDS_PER_MINUTE = 230;

export function countWords(text: string): number {
  const words = text.trim().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu);
  return words ? words.length : 0;
}

/** Whole minutes to read `words`, at least 1 for any text; null when there is nothing to read. */
export function readMinutes(words: number, wordsPerMinute = WORDS_PER_MINUTE): number | null {
  return words > 0 ? Math.max(1, Math.round(words / wordsPerMinute)) : null;
}

/**
 * The article's time to read: `read-time` (minutes) when the page gives it, else estimated from the
 * words of the element the `article` selector names. null when neither says anything.
 */
export function articleReadMinutes(doc: Document, article: string | null, readTime: string | null): number | null {
  const given = Number(readTime);
  if (readTime && Number.isFinite(given) && given > 0) return Math.round(given);
  if (!article) return null;
  let element: Element | null = null;
  try {
    element = doc.querySelector(article);
  } catch {
    return null; // an invalid selector from the page: show no estimate rather than throw
  }
  return element ? readMinutes(countWords(element.textContent ?? '')) : null;
}
