/**
 * What every reader of an export file (Disqus, WordPress, Parley's own JSON) yields, one record at a
 * time, for the writer (import-writer.ts) to store. Readers never touch the store, and the writer
 * never parses: a new source is one more reader.
 *
 * A reader yields records in the file's order and never stops on a bad part: what it cannot read is
 * an `unreadable` record naming its id (or, without one, its line), and reading goes on (IMPORT-3).
 */
import type { Reaction, Vote } from '@parley/protocol';

export type ImportSource = 'disqus' | 'wordpress' | 'json';

export interface ThreadRecordIn {
  kind: 'thread';
  /** The source's own id of the thread (Disqus `dsq:id`, a WordPress post's link): what comments name. */
  sourceId: string;
  /** The Parley thread id (the one the host's pages embed). */
  id: string;
  title: string | null;
  url: string | null;
  createdAt: number | null;
  /** Parley export only: publication as it was (never through the economy: no tribute moves). */
  publishedAt?: number | null;
  author?: string | null;
  gates?: Record<string, number>;
}

export interface CommentRecordIn {
  kind: 'comment';
  /** Provenance: `(source, sourceId)` is the idempotency key (IMPORT-4). */
  source: string;
  sourceId: string;
  /** The thread's `sourceId` (as in its ThreadRecordIn). */
  thread: string;
  /** The parent comment's `sourceId`; null for a root. */
  parent: string | null;
  author: { id: string; name: string; avatar: string | null; level: number };
  /** Plain text (IMPORT-5); '' only for a tombstone. */
  body: string;
  createdAt: number;
  editedAt?: number | null;
  deletedAt?: number | null;
  hidden?: { at: number; by: string; body: string } | null;
  /** Parley export only: the comment id to keep, so export → import → export is the same file. */
  id?: string;
}

export interface SkippedRecord {
  kind: 'skipped';
  reason: 'spam' | 'deleted' | 'unapproved' | 'pingback';
  sourceId: string;
  /** So a reply to a skipped comment can hang under the skipped one's parent instead. */
  thread: string | null;
  parent: string | null;
}

export interface UnreadableRecord {
  kind: 'unreadable';
  /** `post 299986073`, `thread 3`, `line 134`… */
  ref: string;
  reason: string;
}

export interface ReactionRecordIn {
  kind: 'reaction';
  thread: string;
  /** The comment's `sourceId`. */
  comment: string;
  user: string;
  value: Reaction;
}

export interface VoteRecordIn {
  kind: 'vote';
  thread: string;
  user: string;
  value: Vote;
}

export type ImportRecord = ThreadRecordIn | CommentRecordIn | SkippedRecord | UnreadableRecord | ReactionRecordIn | VoteRecordIn;
