import { ErrorCodes } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import type { Identity } from './identity.js';

/** Actions a gate can guard. Mirrors DESIGN.md "Identity, levels and gates". */
export type GatedAction = 'react' | 'plus' | 'minus' | 'comment' | 'reply' | 'flag' | 'notes' | 'report';

/**
 * Every mutating command calls this before touching the store, so this is the single place where
 * per-site level gates (`level_required`) will be enforced. Today only sign-in is required.
 */
export function authorize(identity: Identity | null, _action: GatedAction): Identity {
  if (!identity) {
    throw new ParleyError(ErrorCodes.authRequired, 'Sign in to take part in the discussion.');
  }
  return identity;
}

/** Only the author may change their own words; moderation is a separate, future action. */
export function isAuthor(identity: Identity, authorId: string): boolean {
  return identity.id === authorId;
}
