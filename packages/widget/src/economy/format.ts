import type { Translate } from '../i18n/translator.js';

/** "3 Twei", "+3 Twei", "−1 Twei" (a real minus sign, so screen readers say "minus"). */
export function twei(t: Translate, amount: number, signed = false): string {
  const sign = signed && amount > 0 ? '+' : amount < 0 ? '−' : '';
  return t('twei', { amount: `${sign}${t.n(Math.abs(amount))}` });
}

/** "6:05 PM, Nov 29" in the reader's locale. */
export function reportDate(t: Translate, at: number): string {
  return t.date(at, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "20 s", "1 min", "1 min 30 s", "4 min". */
export function duration(t: Translate, ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  const min = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (min === 0) return t('seconds', { count: s });
  return s === 0 ? t('minutes', { count: min }) : t('minutesSeconds', { min, s });
}
