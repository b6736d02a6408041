import { Limits } from '@parley/protocol';
import { importJWK, importSPKI, jwtVerify, SignJWT, errors as joseErrors, type JWK } from 'jose';
import { z } from 'zod';
import type { Identity } from '../domain/identity.js';
import type { PublicKeyOptions } from '../sites/site-config.js';

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
  /** Who the token says; `level` is the token's `lvl` (1 when absent), before any site policy. */
  identity: Identity;
  /** Expiry, ms since epoch; long-lived connections re-check it on every mutation. */
  expiresAt: number;
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

/** How one site's tokens are checked: its id (the audience), its secret and/or public keys. */
export interface TokenPolicy {
  id: string;
  secret: string | null;
  publicKeys: readonly PublicKeyOptions[];
  issuer: string | null;
}


/** Imported keys per policy: importing a PEM costs far more than a verification. */
const importedKeys = new WeakMap<TokenPolicy, Promise<{ alg: string; kid?: string; key: Awaited<ReturnType<typeof importSPKI>> | Uint8Array }[]>>();

function keysOf(policy: TokenPolicy) {
  let keys = importedKeys.get(policy);
  if (!keys) {
    keys = Promise.all(
      policy.publicKeys.map(async ({ alg, key, kid }) => ({
        alg,
        ...(kid !== undefined && { kid }),
        key: typeof key === 'string' ? await importSPKI(key, alg) : await importJWK(key as JWK, alg),
      })),
    );
    importedKeys.set(policy, keys);
  }
  return keys;
}

/**
 * Verifies a reader token for one site. The algorithm decides the key and never the other way round:
 * HS256 only with the site secret, EdDSA/RS256 only with the site's public keys of that algorithm,
 * so a token HMAC-signed with a public key ("HS/RS confusion") or `alg: none` finds no key at all.
 * Requires `sub`, `exp` and `aud` = site id (and `iss` when the site names an issuer); honours `nbf`.
 */
export async function verifySiteToken(token: string, policy: TokenPolicy): Promise<VerifiedToken> {
  if (token.length > Limits.maxTokenLength) throw new InvalidTokenError('The sign-in token is too large.');
  const publicKeys = await keysOf(policy);
  const algorithms = [...(policy.secret ? ['HS256'] : []), ...new Set(publicKeys.map((k) => k.alg))];
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header) => {
        if (header.alg === 'HS256' && policy.secret) return key(policy.secret);
        const match = publicKeys.find((k) => k.alg === header.alg && (k.kid === undefined || k.kid === header.kid));
        if (!match) throw new InvalidTokenError('No key of this site matches the token.');
        return match.key;
      },
      {
        algorithms,
        audience: policy.id,
        ...(policy.issuer !== null && { issuer: policy.issuer }),
        // No clock tolerance: an expired token is expired here exactly when the mutation check says so.
        requiredClaims: ['sub', 'exp'],
      },
    ));
  } catch (error) {
    const reason =
      error instanceof joseErrors.JWTExpired
        ? 'The sign-in token has expired.'
        : error instanceof joseErrors.JWTClaimValidationFailed
          ? `The sign-in token is not valid here (${error.claim}).`
          : 'The sign-in token could not be verified.';
    throw new InvalidTokenError(reason, { cause: error });
  }
  return toVerified(payload);
}

/** One-site shorthand kept for embedders: HS256 with `secret`, audience `siteId`. */
export function verifyToken(token: string, secret: string, siteId: string): Promise<VerifiedToken> {
  return verifySiteToken(token, { id: siteId, secret, publicKeys: [], issuer: null });
}

function toVerified(payload: unknown): VerifiedToken {
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
