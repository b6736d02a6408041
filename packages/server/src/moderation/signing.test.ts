import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from './signing.js';

const SECRET = 'webhook-secret-0123456789abcdef01234567';
const NOW = 1_764_590_000_000;
const body = JSON.stringify({ id: 'wh_1', type: 'comment.created', data: { body: 'é ✓' } });

describe('[WEBHOOK-2] signatures', () => {
  it('[WEBHOOK-2] verifies with the secret over the exact body within the tolerance, and fails otherwise', () => {
    const header = signatureHeader([SECRET], body, NOW);
    expect(header).toMatch(/^t=1764590000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, SECRET, NOW + 60_000)).toEqual({ ok: true, timestamp: 1_764_590_000 });
    expect(verifySignature(header, body, 'another-secret-0123456789abcdef0123456', NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, body.replace('é', 'e'), SECRET, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, JSON.stringify(JSON.parse(body), null, 1), SECRET, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, body, SECRET, NOW + 301_000)).toEqual({ ok: false, reason: 'stale' });
    // A replay re-dated by an attacker no longer matches: the timestamp is inside the MAC.
    expect(verifySignature(header.replace('t=1764590000', 't=1764590200'), body, SECRET, NOW + 200_000)).toEqual({ ok: false, reason: 'mismatch' });
    for (const bad of [undefined, '', 'v1=abc', 't=x,v1=00', 't=1764590000']) expect(verifySignature(bad, body, SECRET, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('[WEBHOOK-2] during a rotation one header carries a v1 per secret; either secret verifies', () => {
    const header = signatureHeader(['new-secret-0123456789abcdef0123456789ab', SECRET], body, NOW);
    expect(verifySignature(header, body, SECRET, NOW).ok).toBe(true);
    expect(verifySignature(header, body, 'new-secret-0123456789abcdef0123456789ab', NOW).ok).toBe(true);
  });
});
