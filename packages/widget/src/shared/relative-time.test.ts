import { describe, expect, it } from 'vitest';
import { plural, relativeTime } from './relative-time.js';

const now = Date.UTC(2025, 9, 29, 12, 0, 0);

describe('relativeTime', () => {
  it.each([
    [0, 'just now'],
    [59_000, 'just now'],
    [3 * 60_000, '3 min ago'],
    [2 * 3_600_000, '2 h ago'],
    [26 * 3_600_000, 'yesterday'],
    [3 * 86_400_000, '3 days ago'],
  ])('%i ms ago reads "%s"', (elapsed, text) => {
    expect(relativeTime(now - elapsed, now)).toBe(text);
  });

  it('shows a date after a week, with the year only when it differs', () => {
    expect(relativeTime(Date.UTC(2025, 8, 1, 12), now)).not.toMatch(/2025|ago/);
    expect(relativeTime(Date.UTC(2024, 8, 1, 12), now)).toMatch(/2024/);
  });

  it('pluralises counts', () => {
    expect(plural(1, 'Comment', 'Comments')).toBe('1 Comment');
    expect(plural(5, 'Comment', 'Comments')).toBe('5 Comments');
    expect(plural(0, 'Comment', 'Comments')).toBe('0 Comments');
  });
});
