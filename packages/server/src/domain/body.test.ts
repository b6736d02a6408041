import { Limits } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ParleyError } from '../errors.js';
import { normalizeBody } from './body.js';

const errorOf = (fn: () => unknown): ParleyError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ParleyError) return error;
    throw error;
  }
  throw new Error('expected a ParleyError');
};

describe('normalizeBody', () => {
  it('trims surrounding whitespace and keeps the inside as typed', () => {
    expect(normalizeBody('  hello\n  world \n')).toBe('hello\n  world');
  });

  it('refuses a body that is empty after trimming with body_empty', () => {
    expect(errorOf(() => normalizeBody(' \n\t ')).code).toBe('body_empty');
  });

  it('accepts exactly the limit and refuses one more with body_too_long and max', () => {
    expect(normalizeBody('x'.repeat(Limits.maxBodyLength))).toHaveLength(Limits.maxBodyLength);
    const error = errorOf(() => normalizeBody('x'.repeat(Limits.maxBodyLength + 1)));
    expect(error.code).toBe('body_too_long');
    expect(error.toWire()).toMatchObject({ code: 'body_too_long', max: Limits.maxBodyLength });
  });

  it('counts characters, not UTF-16 units: an emoji is one', () => {
    const emojis = '😀'.repeat(10);
    expect(normalizeBody(emojis, 10)).toBe(emojis);
    expect(errorOf(() => normalizeBody(emojis + '😀', 10)).code).toBe('body_too_long');
  });

  it('measures after trimming, so padding does not count against the limit', () => {
    expect(normalizeBody(`   ${'x'.repeat(10)}   `, 10)).toBe('x'.repeat(10));
  });
});
