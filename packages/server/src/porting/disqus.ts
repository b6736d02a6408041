/**
 * Disqus XML export (`<disqus>` with `<category>`, `<thread dsq:id>`, `<post dsq:id>`), read as a
 * stream of records (records.ts). Threads come before posts in Disqus exports; a post names its
 * thread and parent by `dsq:id`.
 *
 * - Thread id: the thread's `<id>` (the `disqus_identifier` the host's pages used) when it is a
 *   valid Parley thread id, else one made from its `<link>` (source-ids.ts); neither → unreadable.
 * - Post key: `dsq:id`; a post without one is keyed by its `<id>` (`id:<…>`); neither → unreadable.
 * - Author: `disqus:<username>`, or for a guest `disqus:guest-<hash of email or name>`.
 * - `isSpam` / `isDeleted` true → skipped and counted; any other value than true/false, or a date
 *   that is not ISO 8601 → unreadable, reported with the post's id.
 */
import type { ImportRecord } from './records.js';
import { disqusHtmlToText } from './html-text.js';
import { guestId, isoTime, isThreadId, namespaced, threadIdFromUrl } from './source-ids.js';
import { RecordCollector, xmlEvents } from './xml-stream.js';

const SOURCE = 'disqus';

function flag(value: string | null): boolean | null {
  if (value === null || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  return null;
}

function thread(rec: RecordCollector): ImportRecord {
  const sourceId = rec.get('thread@dsq:id');
  const ref = sourceId ? `thread ${sourceId}` : `thread at line ${rec.line}`;
  if (!sourceId) return { kind: 'unreadable', ref, reason: 'the thread has no dsq:id' };
  const identifier = rec.get('thread/id');
  const link = rec.get('thread/link');
  const id = identifier && isThreadId(identifier) ? identifier : link ? threadIdFromUrl(link) : null;
  if (!id) return { kind: 'unreadable', ref, reason: 'the thread has neither a usable <id> nor a <link>' };
  const url = link && /^https?:\/\//i.test(link) ? link.slice(0, 2000) : null;
  return { kind: 'thread', sourceId, id, title: rec.get('thread/title')?.slice(0, 300) ?? null, url, createdAt: isoTime(rec.get('thread/createdat')) };
}

function post(rec: RecordCollector): ImportRecord {
  const dsqId = rec.get('post@dsq:id');
  const ownId = rec.get('post/id');
  const sourceId = dsqId ?? (ownId ? `id:${ownId}` : null);
  if (!sourceId) return { kind: 'unreadable', ref: `post at line ${rec.line}`, reason: 'the post has neither a dsq:id nor an <id>' };
  const ref = `post ${sourceId}`;
  const threadId = rec.get('post/thread@dsq:id');
  const parent = rec.get('post/parent@dsq:id');
  const spam = flag(rec.get('post/isspam'));
  const deleted = flag(rec.get('post/isdeleted'));
  if (spam === null) return { kind: 'unreadable', ref, reason: `<isSpam> is "${rec.get('post/isspam')}", not true or false` };
  if (deleted === null) return { kind: 'unreadable', ref, reason: `<isDeleted> is "${rec.get('post/isdeleted')}", not true or false` };
  if (spam || deleted) return { kind: 'skipped', reason: spam ? 'spam' : 'deleted', sourceId, thread: threadId, parent };
  const createdAt = isoTime(rec.get('post/createdat'));
  if (createdAt === null) return { kind: 'unreadable', ref, reason: `<createdAt> "${rec.get('post/createdat') ?? ''}" is not an ISO 8601 date` };
  if (!threadId || !/^\d+$/.test(threadId)) return { kind: 'unreadable', ref, reason: `its <thread dsq:id> "${threadId ?? ''}" is missing or malformed` };
  const body = disqusHtmlToText(rec.raw('post/message') ?? '');
  if (!body) return { kind: 'unreadable', ref, reason: 'its message has no text' };
  const name = rec.get('post/author/name') ?? rec.get('post/author/username') ?? 'Anonymous';
  const username = rec.get('post/author/username');
  const author = username ? namespaced(SOURCE, username) : guestId(SOURCE, rec.get('post/author/email'), name);
  return {
    kind: 'comment',
    source: SOURCE,
    sourceId,
    thread: threadId,
    parent,
    author: { id: author, name: name.slice(0, 100), avatar: null, level: 0 },
    body,
    createdAt,
  };
}

/** The records of a Disqus export file, in file order. */
export async function* readDisqus(path: string): AsyncGenerator<ImportRecord> {
  let record: RecordCollector | null = null;
  let kind: 'thread' | 'post' | null = null;
  let depth = 0;
  for await (const event of xmlEvents(path)) {
    if (event.type === 'open') {
      depth += 1;
      if (!record && depth === 2 && (event.name === 'thread' || event.name === 'post')) {
        record = new RecordCollector(event.line);
        kind = event.name;
      }
      record?.open(event);
    } else if (event.type === 'text') {
      record?.text(event.text);
    } else {
      depth -= 1;
      if (record && !record.close()) {
        yield kind === 'thread' ? thread(record) : post(record);
        record = null;
      }
    }
  }
}
