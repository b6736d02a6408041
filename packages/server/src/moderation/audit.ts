/**
 * The moderators' audit log (SPEC MODLOG-1): every moderator action — approve, reject, hide, unhide,
 * delete, ban, suspend, mute, unban, flags reviewed, settings changed — is one row written in the
 * SAME transaction as the action (who, what, when, why), so the log cannot miss an action that
 * happened nor show one that rolled back.
 */
import type { Identity } from '../domain/identity.js';
import type { NewModLogEntry } from '../store/mod-queries.js';
import type { WriteTx } from '../store/types.js';
import type { ActorRef } from './events.js';

/** A moderator's or admin's identity; the site's admin key signs in as this pseudo-identity. */
export const adminKeyIdentity = (site: string): Identity => ({ id: 'admin-key', name: 'Site admin key', avatar: null, level: 0, role: 'admin', site });

export function actorOf(identity: Identity): ActorRef {
  const role = identity.id === 'admin-key' && identity.role === 'admin' ? 'key' : identity.role === 'admin' ? 'admin' : 'moderator';
  return { id: identity.id, name: identity.name, role };
}

export type ModAction =
  | 'approve'
  | 'reject'
  | 'hide'
  | 'unhide'
  | 'delete'
  | 'ban'
  | 'suspend'
  | 'mute'
  | 'unban'
  | 'review-flags'
  | 'settings';

export interface AuditNote {
  /** Why, as the moderator typed it (the console asks; the widget does not). */
  reason?: string | null;
}

export async function logAction(
  tx: WriteTx,
  entry: { site: string; at: number; actor: Identity; action: ModAction } & Partial<Pick<NewModLogEntry, 'thread' | 'commentId' | 'userId' | 'reason' | 'detail'>>,
): Promise<void> {
  const actor = actorOf(entry.actor);
  await tx.mod.appendLog({
    site: entry.site,
    at: entry.at,
    actorId: actor.id,
    actorName: actor.name,
    actorRole: actor.role,
    action: entry.action,
    thread: entry.thread ?? null,
    commentId: entry.commentId ?? null,
    userId: entry.userId ?? null,
    reason: entry.reason?.trim() || null,
    detail: entry.detail ?? {},
  });
}
