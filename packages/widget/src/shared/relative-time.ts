/** "just now", "3 min ago", "2 hr ago", then a date: short, in the reader's language (i18n/translator.ts). */
import { englishOnly, type Translate } from '../i18n/translator.js';

export function relativeTime(at: number, now: number, t: Translate = englishOnly): string {
  return t.ago(at, now);
}

/** The full timestamp for a tooltip. */
export function absoluteTime(at: number, t: Translate = englishOnly): string {
  return t.date(at, { dateStyle: 'long', timeStyle: 'short' });
}
