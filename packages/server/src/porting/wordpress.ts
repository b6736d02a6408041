/**
 * WordPress WXR export (RSS `<item>`s, each a post with its `<wp:comment>`s), read as a stream of
 * records (records.ts). One item's comments are held together (a post's comments, not the file's)
 * and yielded oldest first, so replies follow their parents and the order is the original one.
 *
 * - Thread: one per item; id from the item's `<link>` (`…/2014/test/` → `2014/test`,
 *   `?p=4` → `p-4`), else `wp-<post_id>`.
 * - Comment key: `<post_id>:<comment_id>` (or `<link>#<comment_id>` without a post id): comment ids
 *   repeat across items in real files, and the key must tell them apart.
 * - Date: `comment_date_gmt`, else `comment_date` (read as UTC); neither → unreadable.
 * - `comment_approved` `spam` → skipped spam, `trash` → skipped deleted, `0` → skipped unapproved;
 *   `comment_type` pingback / trackback → skipped.
 * - Author: `wordpress:<comment_user_id>` for a registered user, else a guest id (hash of email or name).
 */
import type { ImportRecord, ThreadRecordIn } from './records.js';
import { wordpressHtmlToText } from './html-text.js';
import { guestId, namespaced, threadIdFromUrl, wordpressTime } from './source-ids.js';
import { RecordCollector, xmlEvents } from './xml-stream.js';

const SOURCE = 'wordpress';

interface ItemState {
  fields: RecordCollector;
  comments: RecordCollector[];
}

function threadOf(item: RecordCollector): ThreadRecordIn | ImportRecord {
  const link = item.get('item/link');
  const postId = item.get('item/wp:post_id');
  const sourceId = postId ? `post:${postId}` : link ? `link:${link}` : null;
  const ref = postId ? `item ${postId}` : `item at line ${item.line}`;
  if (!sourceId) return { kind: 'unreadable', ref, reason: 'the item has neither a <link> nor a <wp:post_id>' };
  const id = (link && threadIdFromUrl(link)) ?? (postId && /^\d+$/.test(postId) ? `wp-${postId}` : null);
  if (!id) return { kind: 'unreadable', ref, reason: 'no thread id can be made from its <link> or <wp:post_id>' };
  return {
    kind: 'thread',
    sourceId,
    id,
    title: item.get('item/title')?.slice(0, 300) ?? null,
    url: link && /^https?:\/\//i.test(link) ? link.slice(0, 2000) : null,
    createdAt: wordpressTime(item.get('item/wp:post_date_gmt')) ?? wordpressTime(item.get('item/wp:post_date')),
  };
}

function comment(rec: RecordCollector, thread: ThreadRecordIn, keyPrefix: string): ImportRecord & { order: [number, number] } {
  const commentId = rec.get('wp:comment/wp:comment_id');
  const sourceId = commentId ? `${keyPrefix}:${commentId}` : null;
  const order: [number, number] = [Number.MAX_SAFE_INTEGER, Number(commentId ?? Number.MAX_SAFE_INTEGER)];
  if (!sourceId || !/^\d+$/.test(commentId ?? '')) {
    return { kind: 'unreadable', ref: `comment at line ${rec.line}`, reason: 'the comment has no numeric <wp:comment_id>', order };
  }
  const ref = `comment ${commentId} of ${thread.id}`;
  const parentId = rec.get('wp:comment/wp:comment_parent');
  const parent = parentId && parentId !== '0' ? `${keyPrefix}:${parentId}` : null;
  const approved = rec.get('wp:comment/wp:comment_approved') ?? '1';
  const type = rec.get('wp:comment/wp:comment_type');
  const skip = (reason: 'spam' | 'deleted' | 'unapproved' | 'pingback') => ({ kind: 'skipped' as const, reason, sourceId, thread: thread.sourceId, parent, order });
  if (approved === 'spam') return skip('spam');
  if (approved === 'trash') return skip('deleted');
  if (approved === '0') return skip('unapproved');
  if (type === 'pingback' || type === 'trackback') return skip('pingback');
  const createdAt = wordpressTime(rec.get('wp:comment/wp:comment_date_gmt')) ?? wordpressTime(rec.get('wp:comment/wp:comment_date'));
  if (createdAt === null) return { kind: 'unreadable', ref, reason: 'it has no readable <wp:comment_date_gmt> or <wp:comment_date>', order };
  order[0] = createdAt;
  const body = wordpressHtmlToText(rec.raw('wp:comment/wp:comment_content') ?? '');
  if (!body) return { kind: 'unreadable', ref, reason: 'its content has no text', order };
  const name = rec.get('wp:comment/wp:comment_author') ?? 'Anonymous';
  const userId = rec.get('wp:comment/wp:comment_user_id');
  const author = userId && /^[1-9]\d*$/.test(userId) ? namespaced(SOURCE, userId) : guestId(SOURCE, rec.get('wp:comment/wp:comment_author_email'), name);
  return {
    kind: 'comment',
    source: SOURCE,
    sourceId,
    thread: thread.sourceId,
    parent,
    author: { id: author, name: name.slice(0, 100), avatar: null, level: 0 },
    body,
    createdAt,
    order,
  };
}

function* finishItem(item: ItemState): Generator<ImportRecord> {
  const thread = threadOf(item.fields);
  if (thread.kind !== 'thread') {
    yield thread;
    return;
  }
  yield thread;
  const keyPrefix = thread.sourceId.startsWith('post:') ? thread.sourceId.slice(5) : thread.sourceId;
  const comments = item.comments.map((rec) => comment(rec, thread, keyPrefix));
  comments.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
  for (const { order: _order, ...record } of comments) yield record as ImportRecord;
}

/** The records of a WordPress WXR file: per item its thread, then its comments oldest first. */
export async function* readWordpress(path: string): AsyncGenerator<ImportRecord> {
  let item: ItemState | null = null;
  let current: RecordCollector | null = null;
  for await (const event of xmlEvents(path)) {
    if (event.type === 'open') {
      if (!item && event.name === 'item') {
        item = { fields: new RecordCollector(event.line), comments: [] };
      } else if (item && !current && event.name === 'wp:comment') {
        current = new RecordCollector(event.line);
        item.comments.push(current);
      }
      (current ?? item?.fields)?.open(event);
    } else if (event.type === 'text') {
      (current ?? item?.fields)?.text(event.text);
    } else if (current) {
      if (!current.close()) current = null;
    } else if (item && !item.fields.close()) {
      yield* finishItem(item);
      item = null;
    }
  }
}
