import { describe, expect, it } from 'vitest';
import { ParleyError } from '../errors.js';
import { decodeReplyCursor, decodeRootCursor, encodeReplyCursor, encodeRootCursor } from './cursor.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ParleyError) return error.code;
    throw error;
  }
  return 'no error';
};

describe('cursors', () => {
  it('round-trip for every sort', () => {
    expect(decodeRootCursor(encodeRootCursor({ sort: 'top', score: -3, seq: 17 }), 'top')).toEqual({ sort: 'top', score: -3, seq: 17 });
    expect(decodeRootCursor(encodeRootCursor({ sort: 'new', seq: 9 }), 'new')).toEqual({ sort: 'new', seq: 9 });
    expect(decodeRootCursor(encodeRootCursor({ sort: 'old', seq: 0 }), 'old')).toEqual({ sort: 'old', seq: 0 });
    expect(decodeReplyCursor(encodeReplyCursor({ rootId: 'r1', seq: 4 }), 'r1')).toEqual({ rootId: 'r1', seq: 4 });
  });

  it('refuse a cursor made for another sort or another root', () => {
    expect(codeOf(() => decodeRootCursor(encodeRootCursor({ sort: 'new', seq: 9 }), 'old'))).toBe('invalid_cursor');
    expect(codeOf(() => decodeReplyCursor(encodeReplyCursor({ rootId: 'r1', seq: 4 }), 'r2'))).toBe('invalid_cursor');
    expect(codeOf(() => decodeRootCursor(encodeReplyCursor({ rootId: 'r1', seq: 4 }), 'new'))).toBe('invalid_cursor');
  });

  it.each([
    ['not base64url', '!!!'],
    ['not JSON', Buffer.from('garbage').toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['a number', Buffer.from('42').toString('base64url')],
    ['seq as a string', Buffer.from('{"k":"new","q":"5"}').toString('base64url')],
    ['negative seq', Buffer.from('{"k":"new","q":-1}').toString('base64url')],
    ['fractional seq', Buffer.from('{"k":"old","q":1.5}').toString('base64url')],
    ['top without score', Buffer.from('{"k":"top","q":5}').toString('base64url')],
    ['prototype keys', Buffer.from('{"__proto__":{"k":"new"},"q":1}').toString('base64url')],
  ])('refuse a garbled cursor (%s) with invalid_cursor', (_name, cursor) => {
    expect(codeOf(() => decodeRootCursor(cursor, cursor.includes('top') ? 'top' : 'new'))).toBe('invalid_cursor');
    expect(codeOf(() => decodeRootCursor(cursor, 'top'))).toBe('invalid_cursor');
  });
});
