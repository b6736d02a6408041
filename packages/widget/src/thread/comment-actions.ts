import type { CommentActionEvent } from '../comment/comment-action.js';
import type { ThreadStore } from '../state/thread-store.js';
import type { ModerationDesk } from './moderation-desk.js';
import { withLiveParts } from './live-parts-loader.js';

/** What a `<parley-comment>` asked for, done on the thread's store or its desk (in the live parts, PAINT-15). */
export function applyCommentAction(
  session: { store: ThreadStore; readonly desk: ModerationDesk | null },
  event: CommentActionEvent,
  stopTyping: () => void,
): void {
  const { store } = session;
  // The desk is made as the live parts arrive, before any later call waiting for them.
  const desk = (use: (desk: ModerationDesk) => void): void => void withLiveParts(() => session.desk && use(session.desk));
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
      return desk((d) => d.flag(commentId, action.reason));
    case 'show-hidden':
      return desk((d) => d.toggleHiddenBody(commentId));
    case 'retry':
      return requestId ? store.retry(requestId) : undefined;
    case 'discard':
      return requestId ? store.discard(requestId) : undefined;
  }
}
