/**
 * Parley's own export format, `parley-export` version 1 (documented in packages/server/README.md,
 * "Import and export"): JSON Lines — one JSON object per line, so both export and import stream and
 * a file of any size costs the memory of one line.
 *
 *   {"format":"parley-export","version":1,"site":"news","exportedAt":"2026-01-01T00:00:00.000Z"}
 *   {"type":"thread","id":"news/1","title":…,"url":…,"createdAt":…,"publishedAt":…,"author":…,"gates":{…}}
 *   {"type":"comment","thread":"news/1","id":"…","parent":null|"<id>","author":{"id","name","avatar","level"},
 *    "body":"…","createdAt":…,"editedAt":…,"deletedAt":…,"hidden":null|{"at","by","body"},"source":null|{"name","id"}}
 *   {"type":"reaction","thread":"news/1","comment":"<id>","user":"u1","value":"like"}
 *   {"type":"vote","thread":"news/1","user":"u1","value":"plus"}
 *
 * Each thread's line comes before its comments, reactions and votes; a comment's parent before it
 * (creation order). `parent` is the comment replied to (what the reader answered), so flattening
 * at the depth cap comes out the same on import. Times are ms since the epoch.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { GateTightenings, threadId } from '@parley/protocol/schemas';
import type { ImportRecord } from './records.js';

export const EXPORT_FORMAT = 'parley-export';
export const EXPORT_VERSION = 1;

const time = z.number().int().nonnegative();
const userId = z.string().min(1).max(200);
const commentId = z.string().min(1).max(128);

export const HeaderLine = z.object({ format: z.literal(EXPORT_FORMAT), version: z.literal(EXPORT_VERSION), site: z.string().min(1), exportedAt: z.string() });

export const ThreadLine = z.strictObject({
  type: z.literal('thread'),
  id: threadId,
  title: z.string().max(300).nullable(),
  url: z.string().max(2000).nullable(),
  createdAt: time,
  publishedAt: time.nullable(),
  author: userId.nullable(),
  gates: GateTightenings,
});

export const CommentLine = z.strictObject({
  type: z.literal('comment'),
  thread: threadId,
  id: commentId,
  parent: commentId.nullable(),
  author: z.strictObject({ id: userId, name: z.string().max(200), avatar: z.string().max(2000).nullable(), level: z.number().int().min(0).max(1000) }),
  body: z.string().max(20_000),
  createdAt: time,
  editedAt: time.nullable(),
  deletedAt: time.nullable(),
  hidden: z.strictObject({ at: time, by: userId, body: z.string().max(20_000) }).nullable(),
  source: z.strictObject({ name: z.string().min(1).max(40), id: z.string().min(1).max(400) }).nullable(),
});

export const ReactionLine = z.strictObject({ type: z.literal('reaction'), thread: threadId, comment: commentId, user: userId, value: z.enum(['like', 'dislike']) });
export const VoteLine = z.strictObject({ type: z.literal('vote'), thread: threadId, user: userId, value: z.enum(['plus', 'minus']) });

export type ThreadLine = z.infer<typeof ThreadLine>;
export type CommentLine = z.infer<typeof CommentLine>;
export type ReactionLine = z.infer<typeof ReactionLine>;
export type VoteLine = z.infer<typeof VoteLine>;

const Line = z.discriminatedUnion('type', [ThreadLine, CommentLine, ReactionLine, VoteLine]);

function toRecord(line: z.infer<typeof Line>): ImportRecord {
  switch (line.type) {
    case 'thread':
      return { kind: 'thread', sourceId: line.id, id: line.id, title: line.title, url: line.url, createdAt: line.createdAt, publishedAt: line.publishedAt, author: line.author, gates: line.gates };
    case 'comment':
      return {
        kind: 'comment',
        // Provenance survives the round trip: a comment first imported from Disqus keeps its Disqus key.
        source: line.source?.name ?? 'parley',
        sourceId: line.source?.id ?? `${line.thread}#${line.id}`,
        thread: line.thread,
        parent: line.parent,
        author: line.author,
        body: line.body,
        createdAt: line.createdAt,
        editedAt: line.editedAt,
        deletedAt: line.deletedAt,
        hidden: line.hidden,
        id: line.id,
      };
    case 'reaction':
      return { kind: 'reaction', thread: line.thread, comment: line.comment, user: line.user, value: line.value };
    case 'vote':
      return { kind: 'vote', thread: line.thread, user: line.user, value: line.value };
  }
}

/** The records of a `parley-export` file; a line that is not JSON or not a known record is reported with its number. */
export async function* readParleyJson(path: string): AsyncGenerator<ImportRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { kind: 'unreadable', ref: `line ${number}`, reason: 'not JSON' };
      continue;
    }
    if (number === 1) {
      const header = HeaderLine.safeParse(value);
      if (!header.success) yield { kind: 'unreadable', ref: 'line 1', reason: `not a ${EXPORT_FORMAT} version ${EXPORT_VERSION} header` };
      continue;
    }
    const parsed = Line.safeParse(value);
    if (!parsed.success) {
      const type = typeof value === 'object' && value !== null && 'type' in value ? String((value as { type: unknown }).type) : 'record';
      const id = typeof value === 'object' && value !== null && 'id' in value ? ` ${String((value as { id: unknown }).id)}` : '';
      yield { kind: 'unreadable', ref: `line ${number} (${type}${id})`, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
      continue;
    }
    yield toRecord(parsed.data);
  }
}
