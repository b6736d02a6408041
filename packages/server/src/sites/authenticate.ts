import type { Identity } from '../domain/identity.js';
import { levelForXp } from '../domain/levels.js';
import type { Store } from '../store/types.js';
import { verifySiteToken } from '../transport/tokens.js';
import type { Site } from './site-config.js';

/** Who a connection is on a site, from its token (null = guest). */
export interface Session {
  identity: Identity | null;
  /** ms since epoch; null for a guest. */
  expiresAt: number | null;
}

export const GUEST: Session = Object.freeze({ identity: null, expiresAt: null });

/**
 * The reader's level on `site`: the token's `lvl` when the site trusts its host's levels, otherwise
 * what the server's recorded XP reaches on the site's level curve (the token's `lvl` is ignored).
 */
export async function levelOf(site: Site, store: Store, userId: string, tokenLevel: number): Promise<number> {
  if (site.trustHostLevels) return tokenLevel;
  const xp = await store.read((tx) => tx.getXp(site.id, userId));
  return levelForXp(xp, site.levelCurve);
}

/** Verifies a token for `site` and applies the site's level policy. Throws InvalidTokenError. */
export async function authenticate(site: Site, store: Store, token: string | null): Promise<Session> {
  if (token === null) return GUEST;
  const verified = await verifySiteToken(token, site);
  const level = await levelOf(site, store, verified.identity.id, verified.identity.level);
  return { identity: identityWith(verified.identity, level, site.id), expiresAt: verified.expiresAt };
}

/**
 * `identity` at `level` on `site`, built field by field (BEAT-5): an object spread (`{ ...identity,
 * level }`) where V8 has seen many shapes gives every copy a hidden class of its own, a few hundred
 * bytes per connected reader; a literal of fixed shape shares one.
 */
export function identityWith(identity: Identity, level: number, site: string | undefined = identity.site): Identity {
  const { id, name, avatar, role, email } = identity;
  const copy: Identity = site === undefined ? { id, name, avatar, level, role } : { id, name, avatar, level, role, site };
  if (email) copy.email = email;
  return copy;
}
