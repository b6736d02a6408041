/**
 * Host-signed thread claims (SPEC THREAD-2): how a page tells Parley, with the host's authority,
 * which thread it shows and what the thread is. A claim is a JWT signed with one of the site's keys
 * (the same keys as reader tokens; HS256 secret or the host's private EdDSA/RS256 key), typed
 * `parley-thread+jwt` so a reader token can never pass as a claim nor a claim as a reader token:
 *
 *   header  { alg, typ: "parley-thread+jwt", kid? }
 *   payload { aud: <site>, thread: <id>, iat, title?, url?, gates?: { comment: 13, … },
 *             author?: <reader id of the post's author>, published?: boolean (default true), exp? }
 *
 * The widget passes it (`thread-token` attribute, or `threadToken` from `auth-url`) on
 * `thread:join`. A claim is idempotent and ordered by `iat`: replaying it, or an older one, changes
 * nothing. `exp` is optional, because claims live in cached article pages; what a stolen claim can
 * do is only what the host said about its own thread.
 */
import { ErrorCodes, Limits } from '@parley/protocol';
import { GateTightenings, threadId } from '@parley/protocol/schemas';
import { SignJWT } from 'jose';
import { z } from 'zod';
import type { VerifiedThreadClaim } from '../commands/join-thread.js';
import { ParleyError } from '../errors.js';
import { InvalidTokenError, verifySiteJwt, type TokenPolicy } from '../transport/tokens.js';

export const THREAD_CLAIM_TYPE = 'parley-thread+jwt';

const ClaimPayload = z.object({
  thread: threadId,
  iat: z.number().int().min(0),
  title: z.string().max(300).optional(),
  url: z.string().max(2000).regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
  gates: GateTightenings.optional(),
  author: z.string().min(1).max(Limits.maxIdLength).optional(),
  published: z.boolean().optional(),
});

export type ThreadClaim = Omit<z.infer<typeof ClaimPayload>, 'iat'>;

const invalid = (message: string): ParleyError => new ParleyError(ErrorCodes.invalidToken, message, { token: 'thread-token' });

/**
 * Verifies a claim for `site` and that it names `thread`; throws `invalid_token` (with `token:
 * "thread-token"`, so the page learns which of its two tokens is wrong) otherwise.
 */
export async function verifyThreadClaim(token: string, site: TokenPolicy, thread: string): Promise<VerifiedThreadClaim> {
  let payload: unknown;
  try {
    payload = await verifySiteJwt(token, site, { requiredClaims: ['thread', 'iat'], typ: THREAD_CLAIM_TYPE, issuer: false });
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    throw invalid(`The thread-token was refused: ${error.message.replace(/^The sign-in token /, 'it ')}`);
  }
  const parsed = ClaimPayload.safeParse(payload);
  if (!parsed.success) throw invalid('The thread-token carries malformed claims (see `parley threads claim --help`).');
  const { iat, ...claim } = parsed.data;
  if (claim.thread !== thread) throw invalid(`The thread-token is for thread "${claim.thread}", not "${thread.slice(0, 80)}".`);
  const { thread: id, published, ...rest } = claim;
  return { iat, spec: { id, ...rest, published: published ?? true } };
}

/** Signs a thread claim with an HS256 site secret, as a host's backend (or `parley threads claim`) does. */
export async function signThreadClaim(secret: string, claim: ThreadClaim, options: { audience: string; kid?: string; expiresIn?: string | number }): Promise<string> {
  const jwt = new SignJWT({ ...claim })
    .setProtectedHeader({ alg: 'HS256', typ: THREAD_CLAIM_TYPE, ...(options.kid && { kid: options.kid }) })
    .setAudience(options.audience)
    .setIssuedAt();
  if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
  return jwt.sign(new TextEncoder().encode(secret));
}
