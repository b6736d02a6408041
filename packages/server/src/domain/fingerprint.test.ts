import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint } from './fingerprint.js';

describe('fingerprint', () => {
  it('ignores key order at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(fingerprint('comment:post', { body: 'x', thread: 't' })).toBe(fingerprint('comment:post', { thread: 't', body: 'x' }));
  });

  it('differs when the event or any value differs', () => {
    const base = fingerprint('comment:post', { thread: 't', body: 'x' });
    expect(fingerprint('comment:edit', { thread: 't', body: 'x' })).not.toBe(base);
    expect(fingerprint('comment:post', { thread: 't', body: 'y' })).not.toBe(base);
    expect(fingerprint('comment:post', { thread: 't', body: 'x', parentId: null })).not.toBe(base);
  });

  it('is the SHA-256 of the event name, a newline and the canonical JSON: request records stored earlier still match', () => {
    const input = { thread: 't', parentId: null, body: 'Grüße, "quoted" \\ and 🙂', tags: [{ b: 2, a: 1 }, null] };
    const stored = createHash('sha256').update('comment:post').update('\n').update('{"body":"Grüße, \\"quoted\\" \\\\ and 🙂","parentId":null,"tags":[{"a":1,"b":2},null],"thread":"t"}').digest('base64url');
    expect(fingerprint('comment:post', input)).toBe(stored);
  });

  it('drops undefined members as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });
});
