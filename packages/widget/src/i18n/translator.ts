/**
 * The widget's words and numbers in the reader's language. A `Translate` is a function of a message
 * key (and its placeholders) that also formats numbers, relative times and dates with `Intl`, so a
 * component needs only the one value. Rules (tests name them):
 *   [I18N-3] a message is a string with `{name}` placeholders, or plural forms chosen with
 *            `Intl.PluralRules` of the locale (`other` always present); numbers in placeholders are
 *            formatted with `Intl.NumberFormat` of the locale.
 *   [I18N-4] a key is looked up in the host's strings, then the locale's catalog, then English.
 *   [I18N-6] a server error shows the catalog's words for its `code` where the catalog has them
 *            (`error.<code>`), else the server's own message.
 */
import type { ParleyError } from '@parley/protocol';
import { en, type Key } from './en.js';

export type PluralMessage = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;
export type Message = string | PluralMessage;
/** A catalog: every key of English (a locale), or any of them (the host's strings). */
export type Catalog = Partial<Record<Key, Message>> & { [errorKey: `error.${string}`]: Message | undefined };
export type Params = Record<string, string | number>;

export interface Translate {
  (key: Key, params?: Params): string;
  /** The BCP 47 tag `Intl` formats with, e.g. `es-MX`. */
  readonly locale: string;
  readonly dir: 'ltr' | 'rtl';
  /** 5,000 / 5 000 / ٥٬٠٠٠. */
  n(value: number): string;
  /** "just now", "3 min ago", "yesterday", then a short date. */
  ago(at: number, now: number): string;
  /** A date and time in the locale (`Intl.DateTimeFormat`). */
  date(at: number, options: Intl.DateTimeFormatOptions): string;
  /** [I18N-6] A refusal in the reader's words. */
  error(error: Pick<ParleyError, 'code' | 'message'> & { localized?: boolean }): string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The right-to-left languages with a catalog (any other language is English, left to right). */
const RTL = /^ar(-|$)/i;

/** English, for the host's own strings: also what the economy chunk adds its words to. */
export const english: Catalog = en;

export function translator(locale: string, catalog: Catalog | null, strings: Catalog | null): Translate {
  const rules = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const message = (key: string): Message | undefined =>
    (strings as Record<string, Message | undefined> | null)?.[key] ??
    (catalog as Record<string, Message | undefined> | null)?.[key] ??
    (english as Record<string, Message | undefined>)[key];
  const fill = (text: Message, params: Params = {}): string => {
    const form = typeof text === 'string' ? text : (text[rules.select(Number(params.count))] ?? text.other);
    return form.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : typeof value === 'number' ? numbers.format(value) : value;
    });
  };
  const t = ((key: Key, params?: Params) => fill(message(key) ?? key, params)) as Translate;
  return Object.assign(t, {
    locale,
    dir: RTL.test(locale) ? 'rtl' : 'ltr',
    n: (value: number) => numbers.format(value),
    ago(at: number, now: number): string {
      const elapsed = Math.max(0, now - at);
      if (elapsed < MINUTE) return t('justNow');
      if (elapsed < HOUR) return relative.format(-Math.floor(elapsed / MINUTE), 'minute');
      if (elapsed < DAY) return relative.format(-Math.floor(elapsed / HOUR), 'hour');
      if (elapsed < 7 * DAY) return relative.format(-Math.floor(elapsed / DAY), 'day');
      const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
      return t.date(at, { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) });
    },
    date: (at: number, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, options).format(at),
    error(error: Pick<ParleyError, 'code' | 'message'> & { localized?: boolean }): string {
      const words = error.localized ? undefined : message(`error.${error.code}`);
      // The refusal's details are the placeholders (`{required}`, `{max}`); one it lacks keeps the server's words.
      const text = words ? fill(words, error as unknown as Params) : '';
      return text && !/\{\w+\}/.test(text) ? text : error.message;
    },
  }) as Translate;
}

/** The English words, for elements used without a thread (and tests). */
export const englishOnly: Translate = translator('en', null, null);
