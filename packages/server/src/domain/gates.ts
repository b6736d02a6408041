import { ErrorCodes, GatedActions, OPEN_GATES, type GatedAction, type Gates, type GateTightenings } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import type { Identity } from './identity.js';

export type { GatedAction, Gates } from '@parley/protocol';

const ACTION_NAMES: Record<GatedAction, string> = {
  react: 'Reacting to comments',
  plus: 'Plussing this post',
  minus: 'Minussing this post',
  comment: 'Commenting',
  reply: 'Replying',
  flag: 'Flagging comments',
  notes: 'Editing the thread notes',
  report: 'Buying a report',
};

/**
 * Every gated command calls this with the thread's EFFECTIVE gates (see `effectiveGates`) before
 * touching anything, so a crafted client can only ever hear `auth_required` or `level_required`.
 */
export function authorize(identity: Identity | null, action: GatedAction, gates: Gates): Identity {
  if (!identity) {
    throw new ParleyError(ErrorCodes.authRequired, 'Sign in to take part in the discussion.');
  }
  const required = gates[action];
  if (identity.level < required) {
    throw new ParleyError(ErrorCodes.levelRequired, `${ACTION_NAMES[action]} is available from LVL ${required}.`, {
      action,
      required,
      level: identity.level,
    });
  }
  return identity;
}

/** Only the author may change their own words. */
export function isAuthor(identity: Identity, authorId: string): boolean {
  return identity.id === authorId;
}

/** Moderators and admins of the comment's site may hide or delete anyone's comment. */
export function canModerate(identity: Identity): boolean {
  return identity.role === 'moderator' || identity.role === 'admin';
}

/**
 * The gates a thread enforces: for every action the higher of the site's gate and the thread's
 * recorded one. The site stays the floor, so raising a site gate raises it everywhere at once.
 */
export function effectiveGates(site: Gates, thread: GateTightenings | null | undefined): Gates {
  const gates = { ...OPEN_GATES };
  for (const action of GatedActions) gates[action] = Math.max(site[action], thread?.[action] ?? 0);
  return gates;
}

/** Of what a page asked for, only what tightens the site's gates; the rest is ignored. */
export function tighteningsOnly(site: Gates, requested: GateTightenings | undefined): GateTightenings {
  const kept: GateTightenings = {};
  if (!requested) return kept;
  for (const action of GatedActions) {
    const level = requested[action];
    if (level !== undefined && level > site[action]) kept[action] = level;
  }
  return kept;
}

/** A full gate set from a partial one (configuration), unspecified actions open. */
export function completeGates(partial: GateTightenings | undefined): Gates {
  return effectiveGates(OPEN_GATES, partial);
}

/**
 * Tightenings kept within what a reader can reach (SPEC THREAD-5): no gate above `maxLevel`, the
 * highest level of the site's level curve, so a thread can never lock out every reader, staff
 * included ("level_required … 1000" for an admin at LVL 100).
 */
export function clampGates(gates: GateTightenings, maxLevel: number): GateTightenings {
  const clamped: GateTightenings = {};
  for (const action of GatedActions) {
    const level = gates[action];
    if (level !== undefined) clamped[action] = Math.min(level, maxLevel);
  }
  return clamped;
}
