/**
 * Bans, suspensions and shadow mutes (SPEC BAN-*). Site-wide, by reader id. A ban or a running
 * suspension refuses every mutating event with its own code (`banned`, `suspended`) and a message
 * for a person; a shadow mute refuses nothing — the reader's new comments are kept aside and shown
 * to them alone (they are stored like held comments, state `muted`).
 */
import { ErrorCodes, type Restriction } from '@parley/protocol';
import type { Identity } from '../domain/identity.js';
import { ParleyError } from '../errors.js';
import type { BanRecord } from '../store/mod-queries.js';
import type { ReadTx } from '../store/types.js';

/** The ban in force at `now`, or null (none, or a suspension that ran out). */
export function inForce(ban: BanRecord | null, now: number): BanRecord | null {
  if (!ban) return null;
  if (ban.until !== null && ban.until <= now) return null;
  return ban;
}

const day = (at: number): string => new Date(at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** What the reader is told (a mute is never told). */
export function restrictionOf(ban: BanRecord | null, now: number): Restriction | null {
  const active = inForce(ban, now);
  if (!active || active.kind === 'mute') return null;
  const why = active.reason ? ` Reason: ${active.reason}` : '';
  if (active.kind === 'suspend' || active.until !== null) {
    return {
      kind: 'suspend',
      until: active.until,
      reason: active.reason,
      message: `You are suspended from commenting until ${day(active.until ?? now)}: you can read, but not post, reply, react or vote.${why}`,
    };
  }
  return { kind: 'ban', until: null, reason: active.reason, message: `You are banned from commenting on this site.${why}` };
}

export function refusal(restriction: Restriction): ParleyError {
  return new ParleyError(restriction.kind === 'ban' ? ErrorCodes.banned : ErrorCodes.suspended, restriction.message, {
    until: restriction.until,
  });
}

/** Throws `banned` / `suspended` when the reader may not change anything on `site` now. */
export async function assertMayAct(tx: ReadTx, site: string, identity: Identity | null, now: number): Promise<BanRecord | null> {
  if (!identity) return null;
  const ban = inForce(await tx.mod.getBan(site, identity.id), now);
  const restriction = restrictionOf(ban, now);
  if (restriction) throw refusal(restriction);
  return ban;
}
