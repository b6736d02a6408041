/**
 * A moderator rejected a held comment (SPEC PREMOD-7): its author's open widgets learn it at once,
 * on every node — each node tells its OWN sockets of that reader (`io.local`), as the moderation
 * event itself reaches every node through the cluster adapter (`parley:moderation`), the way bans
 * are pushed (pushRestriction). A shadow-muted reader's comment is rejected silently (BAN-3).
 */
import type { ModerationEventMap } from '../moderation/events.js';
import { userRoom } from './session.js';
import type { ParleyIo } from './types.js';

export function tellAuthorRejected(io: ParleyIo, rejected: ModerationEventMap['comment.rejected']): void {
  if (rejected.muted) return;
  io.local.to(userRoom(rejected.site, rejected.authorId)).emit('own:rejected', { thread: rejected.thread, commentId: rejected.commentId, reason: rejected.reason });
}
