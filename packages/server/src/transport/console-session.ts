/**
 * The console's session (SPEC CON-1): a moderator signs in ONCE with a moderator/admin token of the
 * site (or the site's admin key) and gets a session cookie; the credential itself is never stored in
 * the browser. Why this shape:
 *
 * - `HttpOnly`: a script injected into the page cannot read the session.
 * - `SameSite=Strict` and `Path=/admin`: the browser never attaches it to a request another site
 *   starts (no cross-site form post, no image, no top-level navigation carries it).
 * - A CSRF token besides: every mutation must send `X-Parley-CSRF` equal to the token bound to this
 *   session (an HMAC of the session id) — a custom header a cross-origin page cannot set without a
 *   CORS preflight this server never grants — and a same-origin `Origin` when the browser sends one.
 *   SameSite alone is a browser promise; the header is the server's own check.
 * - Stateless and signed (HMAC-SHA256 over the claims with a key derived from the site's secret or
 *   admin key), so every node of a cluster accepts it without shared session storage. It expires
 *   after {@link SESSION_TTL_MS}. A site with only public keys and no admin key gets a per-process
 *   key: sessions then last until that node restarts.
 * - Revocable (SPEC CON-8): signing out revokes the session in the store, and a moderator's every
 *   session can be revoked at once (console-sessions.ts checks `console_revocations` on every request,
 *   so every node refuses them); a session opened with the admin key carries a fingerprint of that
 *   key and ends when the site's `adminKey` changes.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { canModerate } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { adminKeyIdentity } from '../moderation/audit.js';
import type { Site } from '../sites/site-config.js';
import { InvalidTokenError, verifySiteToken } from './tokens.js';

export const SESSION_COOKIE = 'parley_console';
export const CSRF_HEADER = 'x-parley-csrf';
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export interface ConsoleSession {
  /** Random, per sign-in. */
  sid: string;
  site: string;
  identity: Identity;
  /** Signed in at (ms); revocations are "every session signed in at or before". */
  iat: number;
  exp: number;
  /** Admin-key sessions: a fingerprint of the key, so rotating the key ends them. */
  akf?: string;
}

const processKey = randomBytes(32);

function keyOf(site: Site): Buffer {
  const base = site.secret ?? site.adminKey;
  if (!base) return processKey;
  return createHash('sha256').update(`parley-console-session\0${site.id}\0${base}`).digest();
}

const mac = (key: Buffer, text: string): string => createHmac('sha256', key).update(text).digest('base64url');

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const fingerprint = (adminKey: string): string => createHash('sha256').update(`parley-console-admin-key\0${adminKey}`).digest('base64url').slice(0, 22);

/** What a revocation names (SPEC CON-8): this one session, or every session of its moderator. */
export const revocationSubjects = (session: ConsoleSession): readonly [string, string] => [`sid:${session.sid}`, `mod:${session.identity.id}`];

/** When the session was signed in (sessions from before `iat` existed: their expiry less the lifetime). */
export const signedInAt = (session: ConsoleSession): number => (typeof session.iat === 'number' ? session.iat : session.exp - SESSION_TTL_MS);

/** Checks a sign-in credential: the site's admin key, or a verified token whose role moderates. */
export async function signIn(site: Site, credential: string, now: number): Promise<ConsoleSession | { error: string; message: string }> {
  const given = credential.trim();
  if (!given) return { error: 'auth_required', message: 'Paste a moderator token or the site admin key.' };
  if (site.adminKey !== null && equal(given, site.adminKey)) {
    return { sid: randomBytes(16).toString('base64url'), site: site.id, identity: adminKeyIdentity(site.id), iat: now, exp: now + SESSION_TTL_MS, akf: fingerprint(site.adminKey) };
  }
  try {
    const { identity } = await verifySiteToken(given, site);
    if (!canModerate(identity)) return { error: 'forbidden', message: `This token is a reader's; only moderators and admins of ${site.id} may sign in here.` };
    return { sid: randomBytes(16).toString('base64url'), site: site.id, identity: { ...identity, site: site.id }, iat: now, exp: now + SESSION_TTL_MS };
  } catch (error) {
    if (error instanceof InvalidTokenError) return { error: 'invalid_token', message: `That token was refused: ${error.message}` };
    throw error;
  }
}

export function sessionCookie(site: Site, session: ConsoleSession, secure: boolean): string {
  const body = Buffer.from(JSON.stringify(session)).toString('base64url');
  const value = `${body}.${mac(keyOf(site), body)}`;
  return `${SESSION_COOKIE}=${value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(SESSION_TTL_MS / 1000)}${secure ? '; Secure' : ''}`;
}

export const clearedCookie = (secure: boolean): string => `${SESSION_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;

export const csrfToken = (site: Site, session: ConsoleSession): string => mac(keyOf(site), `csrf\0${session.sid}`);

function cookieValue(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=');
  }
  return null;
}

/** The session the request's cookie carries, checked against each hosted site's key; null when none is valid. */
export function readSession(req: IncomingMessage, siteOf: (id: string) => Site | undefined, now: number): { site: Site; session: ConsoleSession } | null {
  const value = cookieValue(req);
  if (!value || value.length > 4096) return null;
  const [body = '', signature = ''] = value.split('.');
  let session: ConsoleSession;
  try {
    session = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ConsoleSession;
  } catch {
    return null;
  }
  if (typeof session?.site !== 'string' || typeof session.exp !== 'number' || typeof session.sid !== 'string') return null;
  const site = siteOf(session.site);
  if (!site || !equal(signature, mac(keyOf(site), body)) || session.exp <= now) return null;
  // The admin key changed since this session signed in with it.
  if (session.identity?.id === adminKeyIdentity(site.id).id && (site.adminKey === null || session.akf !== fingerprint(site.adminKey))) return null;
  return { site, session };
}

/** A mutation must carry the session's CSRF token, and come from this origin when the browser names one. */
export function csrfOk(req: IncomingMessage, site: Site, session: ConsoleSession): boolean {
  const header = req.headers[CSRF_HEADER];
  if (typeof header !== 'string' || !equal(header, csrfToken(site, session))) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export const isSecure = (req: IncomingMessage): boolean =>
  (req.socket as { encrypted?: boolean }).encrypted === true || req.headers['x-forwarded-proto'] === 'https';
