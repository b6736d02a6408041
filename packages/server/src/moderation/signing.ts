/**
 * How Parley signs what it sends to a host (the moderation hook, webhooks), so the host can tell a
 * request is Parley's and fresh (SPEC HOOK-2, WEBHOOK-2):
 *
 *   Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The timestamp is inside the MAC, so a captured request replayed later fails the receiver's
 * tolerance check (default 5 minutes) and cannot be re-dated without the secret. Several `v1=` may
 * appear during a secret rotation; a receiver accepts the request when any one verifies. Compare in
 * constant time (`timingSafeEqual`), over the raw bytes received — re-serialised JSON differs.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'parley-signature';

/** Shortest signing secret: HMAC-SHA256's own key size, as for HS256 site secrets. */
export const MIN_SIGNING_SECRET_BYTES = 32;

function mac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The header value for `body` sent at `nowMs` with each of `secrets` (the first is the current one). */
export function signatureHeader(secrets: readonly string[], body: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return [`t=${t}`, ...secrets.map((secret) => `v1=${mac(secret, t, body)}`)].join(',');
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * What a receiver runs (exported for hosts embedding Parley's package, and for the tests' receivers):
 * the header parsed, the timestamp within `toleranceSeconds` of `nowMs`, one `v1` matching.
 */
export function verifySignature(header: string | undefined, body: string, secret: string, nowMs: number, toleranceSeconds = 300): SignatureCheck {
  if (!header) return { ok: false, reason: 'malformed' };
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  const candidates = parts.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value!);
  if (!Number.isInteger(t) || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(mac(secret, t, body), 'hex');
  const matches = candidates.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true, timestamp: t } : { ok: false, reason: 'mismatch' };
}
