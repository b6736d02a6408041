/**
 * Flags and moderators' review for one thread session, DOM-free. A reader's flag is a one-shot
 * request (not optimistic: "Flagged — thank you" shows once the server has stored it; a repeat is
 * a success too). Moderators get flag counts from their views (`CommentView.flags`) and live from
 * `moderation:notice`, and fetch a hidden comment's words on demand; nothing here reaches readers.
 */
import type { FlagReason, ModerationNotice, OwnCommentRejected, ParleyError } from '@parley/protocol';
import type { ThreadConnection } from '../state/connection.js';
import type { ThreadStore } from '../state/thread-store.js';
import { newRequestId } from '../state/request-id.js';

export type FlagState = 'sending' | 'flagged';
/** A hidden comment's words for a moderator: null while they are on their way. */
export type HiddenBody = string | null;

/** What `<parley-comment>` needs to know about one comment's flags and hidden words. */
export interface CommentModeration {
  flagState(id: string): FlagState | undefined;
  /** Moderators only: the flag count (undefined for readers, who are never told). */
  flags(id: string): number | undefined;
  hiddenBody(id: string): HiddenBody | undefined;
  /** The viewer's own held comment a moderator rejected: their reason or null; undefined when not (PREMOD-7). */
  rejected(id: string): string | null | undefined;
}

export class ModerationDesk implements CommentModeration {
  private readonly flagStates = new Map<string, FlagState>();
  private readonly liveCounts = new Map<string, number>();
  private readonly hiddenBodies = new Map<string, HiddenBody>();
  private readonly rejections = new Map<string, string | null>();
  private readonly offs: (() => void)[];

  constructor(
    private readonly connection: ThreadConnection,
    private readonly store: ThreadStore,
    private readonly changed: () => void,
    private readonly refused: (error: ParleyError, action: string) => void,
  ) {
    this.offs = [
      connection.onModeration?.((notice) => this.noticed(notice)) ?? (() => {}),
      connection.onOwnRejected?.((notice) => this.ownRejected(notice)) ?? (() => {}),
    ];
  }

  dispose(): void {
    for (const off of this.offs) off();
  }

  rejected(id: string): string | null | undefined {
    return this.rejections.get(id);
  }

  flagState(id: string): FlagState | undefined {
    return this.flagStates.get(id);
  }

  flags(id: string): number | undefined {
    const fromView = this.store.comments.get(id)?.flags;
    const live = this.liveCounts.get(id);
    // Counts only grow, so whichever is higher is the newer one (a snapshot after a notice, or not).
    return fromView === undefined && live === undefined ? undefined : Math.max(fromView ?? 0, live ?? 0);
  }

  hiddenBody(id: string): HiddenBody | undefined {
    return this.hiddenBodies.get(id);
  }

  flag(commentId: string, reason: FlagReason): void {
    if (this.flagStates.has(commentId)) return;
    this.flagStates.set(commentId, 'sending');
    const input = { requestId: newRequestId(), thread: this.store.thread, commentId, reason };
    this.connection.request('comment:flag', input, (ack) => {
      if (ack.ok) this.flagStates.set(commentId, 'flagged');
      else {
        this.flagStates.delete(commentId);
        this.refused(ack.error, 'flag');
      }
      this.changed();
    });
    this.changed();
  }

  /** Fetches a hidden comment's words, or puts them away again when they are shown. */
  toggleHiddenBody(commentId: string): void {
    if (this.hiddenBodies.has(commentId)) {
      this.hiddenBodies.delete(commentId);
      return this.changed();
    }
    this.hiddenBodies.set(commentId, null);
    this.connection.request('comment:hidden-body', { thread: this.store.thread, commentId }, (ack) => {
      if (ack.ok) this.hiddenBodies.set(commentId, ack.data.body);
      else {
        this.hiddenBodies.delete(commentId);
        this.refused(ack.error, 'hidden-body');
      }
      this.changed();
    });
    this.changed();
  }

  /** [PREMOD-7] A moderator rejected one of the viewer's comments awaiting review: it says so in place of "Awaiting review". */
  private ownRejected(notice: OwnCommentRejected): void {
    if (notice.thread !== this.store.thread || this.store.comments.get(notice.commentId)?.status !== 'held') return;
    this.rejections.set(notice.commentId, notice.reason);
    this.changed();
  }

  private noticed(notice: ModerationNotice): void {
    if (notice.type !== 'comment.flagged' || notice.thread !== this.store.thread) return;
    this.liveCounts.set(notice.commentId, Math.max(notice.flags, this.liveCounts.get(notice.commentId) ?? 0));
    this.changed();
  }
}
