import { Limits } from '@parley/protocol';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { z } from 'zod';
import type { Identity } from '../domain/identity.js';

export interface TokenClaims {
  sub: string;
  name?: string;
  avatar?: string;
  lvl?: number;
  role?: string;
}

export interface SignOptions {
  /** The site id the token is for. @default 'demo' */
  audience?: string;
  /** A jose time span (`'1h'`, `'30m'`) or seconds from now (negative for an expired token). @default '1h' */
  expiresIn?: string | number;
}

const key = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** Signs a reader token the way a host's backend would (HS256 with the site secret). */
export async function signToken(secret: string, claims: TokenClaims, options: SignOptions = {}): Promise<string> {
  const { sub, ...rest } = claims;
  const expiresIn = options.expiresIn ?? '1h';
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setAudience(options.audience ?? 'demo')
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn)
    .sign(key(secret));
}

// The claims we read, checked like any other input: a host bug must not become a broken identity.
const Claims = z.object({
  sub: z.string().min(1).max(Limits.maxIdLength),
  exp: z.number(),
  name: z.string().max(100).optional(),
  avatar: z.string().max(2000).optional(),
  lvl: z.number().int().min(0).max(1_000_000).optional(),
  role: z.unknown().optional(),
});

export interface VerifiedToken {
  identity: Identity;
  /** Expiry, ms since epoch; long-lived connections re-check it on every mutation. */
  expiresAt: number;
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

/** Verifies a reader token: HS256 only, audience = site id, `sub` and `exp` required. */
export async function verifyToken(token: string, secret: string, siteId: string): Promise<VerifiedToken> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      audience: siteId,
      requiredClaims: ['sub', 'exp'],
    }));
  } catch (error) {
    const reason =
      error instanceof joseErrors.JWTExpired
        ? 'The sign-in token has expired.'
        : error instanceof joseErrors.JWTClaimValidationFailed
          ? `The sign-in token is not valid here (${error.claim}).`
          : 'The sign-in token could not be verified.';
    throw new InvalidTokenError(reason, { cause: error });
  }
  const claims = Claims.safeParse(payload);
  if (!claims.success) throw new InvalidTokenError('The sign-in token carries malformed claims.');
  const { sub, exp, name, avatar, lvl, role } = claims.data;
  return {
    identity: {
      id: sub,
      name: name?.trim() || sub,
      avatar: avatar ?? null,
      level: lvl ?? 1,
      role: role === 'moderator' || role === 'admin' ? role : 'reader',
    },
    expiresAt: exp * 1000,
  };
}
