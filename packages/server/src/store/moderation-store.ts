/**
 * The storage contract of moderation: readers' flags on comments. A reader flags a comment at most
 * once; the comment keeps its flag count incrementally (`CommentRecord.flagCount`), so a page read
 * for a moderator costs no extra query.
 */
import type { FlagReason } from '@parley/protocol';

export interface FlagRecord {
  thread: string;
  commentId: string;
  userId: string;
  reason: FlagReason;
  note: string | null;
  at: number;
}

export interface ModerationReadTx {
  /** The flags of one comment, oldest first. */
  listFlags(thread: string, commentId: string): Promise<FlagRecord[]>;
  /** The words a moderator hid (kept aside by `hideComment`); null when the comment is not hidden. */
  getHiddenBody(thread: string, commentId: string): Promise<string | null>;
}

export interface ModerationWriteTx extends ModerationReadTx {
  /**
   * Records the flag unless this reader already flagged the comment (then nothing changes, and the
   * first flag's reason stays). Returns whether it was added and the comment's flag count after.
   */
  addFlag(flag: FlagRecord): Promise<{ added: boolean; flags: number }>;
}
