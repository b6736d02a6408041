/**
 * What a reader may say about themselves in presence, and what the server says for them. Pure.
 *
 * [PRES-1] A client speaks only for itself: its `user` and `reader` fields are written here from the
 *          verified identity; whatever it sent under those names is discarded.
 * [PRES-2] Of a client's own state only `typing` survives, and only in its documented shape.
 */
import { Limits, type PresenceClaim, type PresenceState } from '@parley/protocol';
import type { Identity } from '../domain/identity.js';

export class InvalidPresenceState extends Error {
  override readonly name = 'InvalidPresenceState';
}

/** Keeps the one field a client may claim; throws when the state is not an object at all. */
export function sanitizeClaim(state: unknown): PresenceClaim {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new InvalidPresenceState('a presence state must be an object or null');
  }
  const typing: unknown = (state as { typing?: unknown }).typing;
  if (typeof typing !== 'object' || typing === null) return { typing: null };
  const parentId: unknown = (typing as { parentId?: unknown }).parentId;
  if (parentId === null || parentId === undefined) return { typing: { parentId: null } };
  if (typeof parentId === 'string' && parentId.length > 0 && parentId.length <= Limits.maxIdLength) {
    return { typing: { parentId } };
  }
  return { typing: null };
}

/** One key per person: a signed-in reader's tabs count once, each guest tab once. */
export function readerKey(identity: Identity | null, clientId: number): string {
  return identity ? `u:${identity.id}` : `g:${clientId}`;
}

export function presenceState(identity: Identity | null, clientId: number, claim: PresenceClaim): PresenceState {
  return {
    typing: claim.typing,
    reader: readerKey(identity, clientId),
    user: identity ? { id: identity.id, name: identity.name, level: identity.level } : null,
  };
}
