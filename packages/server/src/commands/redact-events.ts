import type { ThreadEvent } from '@parley/protocol';
import type { ReadTx } from '../store/types.js';

/**
 * The event log keeps every comment's words as they were written. A replay (`thread:join` with
 * `since`) must not hand a reader words a moderator hid or an author deleted since, so the body of
 * every replayed event about such a comment is blanked; the later hide/delete event still follows.
 */
export async function redactReplay(tx: ReadTx, thread: string, events: readonly ThreadEvent[]): Promise<ThreadEvent[]> {
  const withdrawn = new Map<string, boolean>();
  const isWithdrawn = async (id: string): Promise<boolean> => {
    let known = withdrawn.get(id);
    if (known === undefined) {
      const comment = await tx.getComment(thread, id);
      known = comment !== null && (comment.deletedAt !== null || comment.hiddenAt != null);
      withdrawn.set(id, known);
    }
    return known;
  };
  const redacted: ThreadEvent[] = [];
  for (const event of events) {
    if (event.type === 'comment.created' && (await isWithdrawn(event.comment.id))) {
      const { doc: _words, ...comment } = event.comment;
      redacted.push({ ...event, comment: { ...comment, body: '' } });
    } else if ((event.type === 'comment.edited' || event.type === 'comment.hidden') && event.body && (await isWithdrawn(event.commentId))) {
      const { doc: _words, ...rest } = event;
      redacted.push({ ...rest, body: '' });
    } else {
      redacted.push(event);
    }
  }
  return redacted;
}
