import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '@parley/protocol';
import { en } from './en.js';
import { enEconomy } from './en-economy.js';
import { enLive } from './en-live.js';
import { enShortfall } from './en-shortfall.js';
import es from './es.js';
import fr from './fr.js';
import ar from './ar.js';
import { translator, type Catalog, type Message } from './translator.js';
import { Locales, matchLocale } from './locale.js';

const english: Record<string, Message> = { ...en, ...enEconomy, ...enLive, ...enShortfall };
const locales: Record<string, Catalog> = { es, fr, ar };
/** The refusals a reader can meet; the setup errors (origin, site, payload…) are the publisher's, in English. */
const READER_ERRORS = [
  'auth_required', 'invalid_token', 'forbidden', 'not_found', 'comment_deleted', 'body_empty', 'body_too_long',
  'rate_limited', 'level_required', 'insufficient_funds', 'notes_full', 'internal',
];

const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
const forms = (message: Message): string[] => (typeof message === 'string' ? [message] : Object.values(message));

describe('message catalogs', () => {
  it('[I18N-2] English and three complete locales, one of them right to left', () => {
    expect(Locales).toEqual(['en', 'es', 'fr', 'ar']);
    expect(translator('ar', ar, null).dir).toBe('rtl');
    expect(translator('es', es, null).dir).toBe('ltr');
  });

  describe.each(Object.entries(locales))('%s', (locale, catalog) => {
    const entries = catalog as Record<string, Message>;
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories.slice().sort();

    it(`[I18N-3] has every key of English and no other (but error codes)`, () => {
      expect(Object.keys(entries).filter((k) => !k.startsWith('error.')).sort()).toEqual(Object.keys(english).sort());
    });

    it(`[I18N-3] keeps every placeholder of English, and adds none`, () => {
      for (const [key, message] of Object.entries(english)) {
        const theirs = entries[key]!;
        const ours = placeholders(forms(message).join(' '));
        // A plural form may say the count in words ("تعليقان"): {count} alone may be left out of a form.
        const needed = typeof message === 'string' ? ours : ours.filter((p) => p !== 'count');
        for (const form of forms(theirs)) {
          expect(placeholders(form).filter((p) => !needed.includes(p)), `${key}: ${form}`).toEqual(
            typeof message === 'string' ? [] : placeholders(form).filter((p) => p === 'count'),
          );
          expect(needed.filter((p) => !placeholders(form).includes(p)), `${key}: ${form}`).toEqual([]);
        }
      }
    });

    it(`[I18N-3] gives each plural message exactly the forms Intl.PluralRules has for ${locale}`, () => {
      for (const [key, message] of Object.entries(english)) {
        const theirs = entries[key]!;
        expect(typeof theirs, key).toBe(typeof message);
        if (typeof theirs !== 'string') expect(Object.keys(theirs).sort(), key).toEqual(categories);
      }
    });

    it(`[I18N-3] names a button with its visible word first in its longer label (axe: label-content-name-mismatch)`, () => {
      const pairs: [string, string][] = [
        ['reply', 'replyTo'], ['reply', 'replyToLocked'], ['edit', 'editYourComment'], ['delete', 'deleteYours'],
        ['delete', 'deleteBy'], ['flag', 'flagBy'], ['flag', 'flagByLocked'], ['hide', 'hideFromReaders'],
        ['unhide', 'showAgain'], ['report', 'reportLabel'],
      ];
      const all = { ...english, ...entries };
      for (const [visible, label] of [...pairs]) {
        const word = (all[visible] as string).toLocaleLowerCase(locale);
        expect((all[label] as string).toLocaleLowerCase(locale), `${label} ⊃ ${visible}`).toContain(word);
      }
    });

    it(`[I18N-6] has words for every refusal a reader can meet, and only for real codes`, () => {
      const codes = Object.values(ErrorCodes) as string[];
      const errors = Object.keys(entries).filter((k) => k.startsWith('error.')).map((k) => k.slice(6));
      expect(errors.filter((code) => !codes.includes(code))).toEqual([]);
      expect(READER_ERRORS.filter((code) => !errors.includes(code))).toEqual([]);
    });
  });
});

describe('the translator', () => {
  it('[I18N-3] picks the plural form with Intl.PluralRules and formats the numbers with Intl.NumberFormat', () => {
    const t = translator('ar', ar, null);
    expect([0, 1, 2, 5, 11, 100].map((count) => t('comments', { count }))).toEqual([
      'لا تعليقات', 'تعليق واحد', 'تعليقان', `${t.n(5)} تعليقات`, `${t.n(11)} تعليقًا`, `${t.n(100)} تعليق`,
    ]);
    const english = translator('en', null, null);
    expect([1, 5, 5000].map((count) => english('comments', { count }))).toEqual(['1 Comment', '5 Comments', '5,000 Comments']);
    expect(translator('fr', fr, null)('comments', { count: 5000 })).toBe('5\u202f000 commentaires');
    expect(translator('fr', fr, null)('comments', { count: 0 })).toBe('0 commentaire');
    expect(translator('es', es, null)('comments', { count: 1_000_000 })).toBe('1.000.000 de comentarios');
  });

  it('[I18N-4] looks a key up in the host strings, then the locale, then English', () => {
    const partial: Catalog = { signIn: 'Entrar' };
    const t = translator('es', partial, { addComment: 'Di algo', comments: { one: 'Una nota', other: '{count} notas' } });
    expect(t('addComment')).toBe('Di algo');
    expect(t('signIn')).toBe('Entrar');
    expect(t('loadMore')).toBe('Load more comments');
    expect(t('comments', { count: 3 })).toBe('3 notas');
  });

  it('[I18N-6] a server error shows the catalog words for its code, else the server message', () => {
    const t = translator('fr', fr, null);
    expect(t.error({ code: 'body_too_long', message: 'A comment can be at most 5000 characters.', max: 5000 } as never)).toBe(
      'Un commentaire fait au plus 5\u202f000 caractères.',
    );
    expect(t.error({ code: 'origin_not_allowed', message: 'This page’s origin is not allowed.' })).toBe('This page’s origin is not allowed.');
    // Without the detail its words need, and when the widget already put it in the reader's words:
    expect(t.error({ code: 'body_too_long', message: 'Too long.' })).toBe('Too long.');
    expect(t.error({ code: 'insufficient_funds', message: 'Publier un commentaire coûte…', localized: true })).toBe('Publier un commentaire coûte…');
    expect(translator('en', null, null).error({ code: 'forbidden', message: 'Only moderators can.' })).toBe('Only moderators can.');
  });

  it('[I18N-1] matches a language to a catalog: es-MX is Spanish, de and nonsense are English', () => {
    expect(matchLocale('es-MX')).toEqual({ locale: 'es-MX', catalog: 'es' });
    expect(matchLocale('AR')).toEqual({ locale: 'ar', catalog: 'ar' });
    expect(matchLocale('en-GB')).toEqual({ locale: 'en-GB', catalog: 'en' });
    expect(matchLocale('de')).toEqual({ locale: 'en', catalog: 'en' });
    expect(matchLocale('not a tag!')).toEqual({ locale: 'en', catalog: 'en' });
  });
});
