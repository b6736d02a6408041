import { Limits } from '@parley/protocol';
import { webcrypto } from 'node:crypto';
import { decodeProtectedHeader, importJWK, importSPKI, jwtVerify, SignJWT, errors as joseErrors, type JWK, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { Identity } from '../domain/identity.js';
import type { HmacSecret, PublicKeyOptions } from '../sites/site-config.js';

export interface TokenClaims {
  sub: string;
  name?: string;
  avatar?: string;
  lvl?: number;
  role?: string;
  /** The reader's email address, as the host verified it (reply emails, moderation/mail.ts). */
  email?: string;
  /** The reader opted in, on the host's side, to an email when someone replies to them. */
  email_replies?: boolean;
}

export interface SignOptions {
  /** The site id the token is for. @default 'demo' */
  audience?: string;
  /** A jose time span (`'1h'`, `'30m'`) or seconds from now (negative for an expired token). @default '1h' */
  expiresIn?: string | number;
  /** The `kid` header, for a site whose secrets name theirs. @default none */
  kid?: string;
}

const key = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** Signs a reader token the way a host's backend would (HS256 with the site secret). */
export async function signToken(secret: string, claims: TokenClaims, options: SignOptions = {}): Promise<string> {
  const { sub, ...rest } = claims;
  const expiresIn = options.expiresIn ?? '1h';
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(options.kid !== undefined && { kid: options.kid }) })
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
  // A malformed address is dropped rather than refusing the token: email is optional, signing in is not.
  email: z.unknown().optional(),
  email_replies: z.unknown().optional(),
});

const EMAIL_ADDRESS = /^[^\s@<>(),;:"]{1,64}@[^\s@<>(),;:"]{1,190}\.[^\s@<>(),;:"]{1,63}$/;

export interface VerifiedToken {
  /** Who the token says; `level` is the token's `lvl` (1 when absent), before any site policy. */
  identity: Identity;
  /** Expiry, ms since epoch; long-lived connections re-check it on every mutation. */
  expiresAt: number;
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

/** How one site's tokens are checked: its id (the audience), its HS256 secrets and/or public keys. */
export interface TokenPolicy {
  id: string;
  secrets: readonly HmacSecret[];
  publicKeys: readonly PublicKeyOptions[];
  issuer: string | null;
}

type VerifyKey = Awaited<ReturnType<typeof importSPKI>> | Uint8Array;
interface SiteKey {
  alg: 'HS256' | PublicKeyOptions['alg'];
  kid: string | undefined;
  key: VerifyKey;
}

/** A site secret as a WebCrypto HMAC-SHA-256 key that can only verify (BEAT-9). */
const importHmacKey = (secret: string): Promise<webcrypto.CryptoKey> =>
  webcrypto.subtle.importKey('raw', key(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);

/** Imported keys per policy: importing a PEM costs far more than a verification. */
const importedKeys = new WeakMap<TokenPolicy, Promise<SiteKey[]>>();

function keysOf(policy: TokenPolicy): Promise<SiteKey[]> {
  let keys = importedKeys.get(policy);
  if (!keys) {
    keys = Promise.all([
      // Imported once, not on every verification (jose imports raw bytes each time it is given them).
      ...policy.secrets.map(async ({ secret, kid }): Promise<SiteKey> => ({ alg: 'HS256', kid, key: await importHmacKey(secret) })),
      ...policy.publicKeys.map(async ({ alg, key: material, kid }): Promise<SiteKey> => ({
        alg,
        kid,
        key: typeof material === 'string' ? await importSPKI(material, alg) : await importJWK(material as JWK, alg),
      })),
    ]);
    importedKeys.set(policy, keys);
  }
  return keys;
}

const shown = (kid: string): string => JSON.stringify(kid.length > 64 ? `${kid.slice(0, 64)}…` : kid);

/**
 * The keys a token may be checked with. The algorithm decides the key set and never the other way
 * round: HS256 only with the site's secrets, EdDSA/RS256 only with the site's public keys of that
 * algorithm, so a token HMAC-signed with a public key ("HS/RS confusion") or `alg: none` finds no key
 * at all. Within that set a `kid` in the header selects the keys naming that kid (one naming none is
 * refused); without a `kid` every key of the algorithm is a candidate (a rotation in progress).
 */
function candidatesFor(keys: readonly SiteKey[], header: { alg?: unknown; kid?: unknown }): SiteKey[] {
  const ofAlg = keys.filter((k) => k.alg === header.alg);
  if (ofAlg.length === 0) throw new InvalidTokenError('The sign-in token is signed with an algorithm this site does not accept.');
  if (header.kid === undefined) return ofAlg;
  if (typeof header.kid !== 'string') throw new InvalidTokenError('The sign-in token could not be verified.');
  const byKid = ofAlg.filter((k) => k.kid === header.kid);
  if (byKid.length === 0) throw new InvalidTokenError(`The sign-in token names key id ${shown(header.kid)}, which this site does not list.`);
  return byKid;
}

/** How `verifySiteJwt` checks one kind of JWT a site signs (reader tokens, thread claims). */
export interface JwtCheck {
  /** Claims that must be present, beyond `aud`. */
  requiredClaims: string[];
  /** The header `typ` required, when set (thread claims are typed so neither kind passes as the other). */
  typ?: string;
  /** Honour the site's `issuer`. @default true */
  issuer?: boolean;
}

/**
 * Verifies a JWT signed with one of a site's keys, trying each candidate key (see `candidatesFor`)
 * until one's signature holds; `aud` must be the site id (and `iss` the site's issuer when it names
 * one); honours `nbf` and `exp`. A claim refused after a signature held is final: no other key is
 * tried. Returns the payload, unchecked beyond that: each kind of JWT parses its own claims.
 */
export async function verifySiteJwt(token: string, policy: TokenPolicy, check: JwtCheck): Promise<JWTPayload> {
  if (token.length > Limits.maxTokenLength) throw new InvalidTokenError('The sign-in token is too large.');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch (error) {
    throw new InvalidTokenError('The sign-in token could not be verified.', { cause: error });
  }
  const candidates = candidatesFor(await keysOf(policy), header);
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      const { payload } = await jwtVerify(token, candidate.key, {
        algorithms: [candidate.alg],
        audience: policy.id,
        ...(policy.issuer !== null && check.issuer !== false && { issuer: policy.issuer }),
        ...(check.typ !== undefined && { typ: check.typ }),
        // No clock tolerance: an expired token is expired here exactly when the mutation check says so.
        requiredClaims: check.requiredClaims,
      });
      return payload;
    } catch (error) {
      lastError = error;
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue;
      break;
    }
  }
  throw refusal(lastError);
}

/**
 * Verifies a reader token for one site (`verifySiteJwt`): requires `sub` and `exp` besides `aud`.
 */
export async function verifySiteToken(token: string, policy: TokenPolicy): Promise<VerifiedToken> {
  // A host's thread claim is never a sign-in, whatever claims it carries (sites/thread-claims.ts).
  try {
    if (decodeProtectedHeader(token).typ === 'parley-thread+jwt') throw new InvalidTokenError('This is a thread-token, not a sign-in token.');
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    // A header that does not decode is refused by verifySiteJwt with its own message.
  }
  return toVerified(await verifySiteJwt(token, policy, { requiredClaims: ['sub', 'exp'] }));
}

function refusal(error: unknown): InvalidTokenError {
  const reason =
    error instanceof joseErrors.JWTExpired
      ? 'The sign-in token has expired.'
      : error instanceof joseErrors.JWTClaimValidationFailed
        ? `The sign-in token is not valid here (${error.claim}).`
        : 'The sign-in token could not be verified.';
  return new InvalidTokenError(reason, { cause: error });
}

/** One-site shorthand kept for embedders: HS256 with `secret`, audience `siteId`. */
export function verifyToken(token: string, secret: string, siteId: string): Promise<VerifiedToken> {
  return verifySiteToken(token, { id: siteId, secrets: [{ secret }], publicKeys: [], issuer: null });
}

function toVerified(payload: unknown): VerifiedToken {
  const claims = Claims.safeParse(payload);
  if (!claims.success) throw new InvalidTokenError('The sign-in token carries malformed claims.');
  const { sub, exp, name, avatar, lvl, role, email, email_replies } = claims.data;
  return {
    identity: {
      id: sub,
      name: name?.trim() || sub,
      avatar: avatar ?? null,
      level: lvl ?? 1,
      role: role === 'moderator' || role === 'admin' ? role : 'reader',
      ...(typeof email === 'string' && EMAIL_ADDRESS.test(email) && { email: { address: email, replies: email_replies === true } }),
    },
    expiresAt: exp * 1000,
  };
}
