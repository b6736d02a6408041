/**
 * Public DOM events of Parley's elements. Both bubble and are composed, so a publisher can listen
 * on `document` whatever shadow roots sit in between.
 */
import type { CommentView, ParleyError } from '@parley/protocol';

/** The reader's comment was stored by the server (fired once per comment, after the ack). */
export class ParleyCommentPostedEvent extends Event {
  static readonly eventName = 'parley-comment-posted';
  readonly comment: CommentView;
  constructor(comment: CommentView) {
    super(ParleyCommentPostedEvent.eventName, { bubbles: true, composed: true });
    this.comment = comment;
  }
}

/** Something the reader tried was refused, or the connection was refused (`action: 'connect'`). */
export class ParleyErrorEvent extends Event {
  static readonly eventName = 'parley-error';
  readonly error: ParleyError;
  /** What was being done: connect, join, page, replies, post, edit, delete, react, vote. */
  readonly action: string;
  constructor(error: ParleyError, action: string) {
    super(ParleyErrorEvent.eventName, { bubbles: true, composed: true });
    this.error = error;
    this.action = action;
  }
}

/** The guest pressed "Sign in"; the host page opens its own sign-in and then sets `token`. */
export class ParleySignInEvent extends Event {
  static readonly eventName = 'parley-sign-in';
  constructor() {
    super(ParleySignInEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'parley-comment-posted': ParleyCommentPostedEvent;
    'parley-error': ParleyErrorEvent;
    'parley-sign-in': ParleySignInEvent;
  }
}
