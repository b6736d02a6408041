import { describe, expect, it } from 'vitest';
import { relativeTime } from './relative-time.js';
import { translator } from '../i18n/translator.js';

const now = Date.UTC(2025, 9, 29, 12, 0, 0);

describe('relativeTime', () => {
  it.each([
    [0, 'just now'],
    [59_000, 'just now'],
    [3 * 60_000, '3 min. ago'],
    [2 * 3_600_000, '2 hr. ago'],
    [26 * 3_600_000, 'yesterday'],
    [3 * 86_400_000, '3 days ago'],
  ])('[I18N-3] %i ms ago reads "%s" (Intl.RelativeTimeFormat)', (elapsed, text) => {
    expect(relativeTime(now - elapsed, now)).toBe(text);
  });

  it('[I18N-3] speaks the locale: "hace 3 min", "hier", "قبل 3 دقائق"-like, and the catalog\'s "just now"', () => {
    expect(relativeTime(now - 3 * 60_000, now, translator('es', null, null))).toBe('hace 3 min');
    expect(relativeTime(now - 26 * 3_600_000, now, translator('fr', null, null))).toBe('hier');
    expect(relativeTime(now - 3 * 60_000, now, translator('ar', null, null))).toContain('3');
    expect(relativeTime(now, now, translator('es', { justNow: 'ahora mismo' }, null))).toBe('ahora mismo');
  });

  it('shows a date after a week, with the year only when it differs', () => {
    expect(relativeTime(Date.UTC(2025, 8, 1, 12), now)).not.toMatch(/2025|ago/);
    expect(relativeTime(Date.UTC(2024, 8, 1, 12), now)).toMatch(/2024/);
  });
});
