import type { FlagReason, Reaction } from '@parley/protocol';

export type CommentAction =
  | { type: 'react'; value: Reaction | null }
  | { type: 'reply'; body: string; composeMs?: number | undefined }
  | { type: 'edit'; body: string }
  | { type: 'delete' }
  | { type: 'hide'; hidden: boolean }
  | { type: 'flag'; reason: FlagReason }
  | { type: 'show-hidden' }
  | { type: 'retry' }
  | { type: 'discard' };

/**
 * What a reader did to a comment, for the thread that owns the data. Bubbles inside the thread's
 * shadow root only (not composed): the page sees the public `parley-*` events instead.
 */
export class CommentActionEvent extends Event {
  static readonly eventName = 'parley-comment-action';
  readonly commentId: string;
  readonly requestId: string | null;
  readonly action: CommentAction;
  constructor(commentId: string, requestId: string | null, action: CommentAction) {
    super(CommentActionEvent.eventName, { bubbles: true, composed: false });
    this.commentId = commentId;
    this.requestId = requestId;
    this.action = action;
  }
}

declare global {
  interface HTMLElementEventMap {
    'parley-comment-action': CommentActionEvent;
  }
}
