import type { CommentActionEvent } from '../comment/comment-action.js';
import type { ThreadStore } from '../state/thread-store.js';
import type { ModerationDesk } from './moderation-desk.js';

/** What a `<parley-comment>` asked for, done on the thread's store. */
export function applyCommentAction(store: ThreadStore, desk: ModerationDesk, event: CommentActionEvent, stopTyping: () => void): void {
  const { action, commentId, requestId } = event;
  switch (action.type) {
    case 'react':
      return store.react(commentId, action.value);
    case 'reply':
      stopTyping();
      return void store.post(action.body, commentId, action.composeMs);
    case 'edit':
      return store.edit(commentId, action.body);
    case 'delete':
      return store.remove(commentId);
    case 'hide':
      return store.moderate(commentId, action.hidden);
    case 'flag':
      return desk.flag(commentId, action.reason);
    case 'show-hidden':
      return desk.toggleHiddenBody(commentId);
    case 'retry':
      return requestId ? store.retry(requestId) : undefined;
    case 'discard':
      return requestId ? store.discard(requestId) : undefined;
  }
}
