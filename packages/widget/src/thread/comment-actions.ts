import type { CommentActionEvent } from '../comment/comment-action.js';
import type { ThreadStore } from '../state/thread-store.js';

/** What a `<parley-comment>` asked for, done on the thread's store. */
export function applyCommentAction(store: ThreadStore, event: CommentActionEvent, stopTyping: () => void): void {
  const { action, commentId, requestId } = event;
  switch (action.type) {
    case 'react':
      return store.react(commentId, action.value);
    case 'reply':
      stopTyping();
      return void store.post(action.body, commentId);
    case 'edit':
      return store.edit(commentId, action.body);
    case 'delete':
      return store.remove(commentId);
    case 'hide':
      return store.moderate(commentId, action.hidden);
    case 'retry':
      return requestId ? store.retry(requestId) : undefined;
    case 'discard':
      return requestId ? store.discard(requestId) : undefined;
  }
}
