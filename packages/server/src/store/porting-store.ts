/**
 * The storage contract of moving a site's discussions in and out (import, export), of readers'
 * rights (everything held about a reader; erasure) and of listing-page counts. Reached as
 * `tx.porting` inside a store transaction, like `tx.ledger`, so an import's comments, their
 * provenance keys and their thread counts commit together.
 *
 * Thread arguments are thread KEYS (`<site>:<id>`, domain/thread-key.ts) as everywhere in the store.
 */
import type { Reaction, ThreadEvent, Vote } from '@parley/protocol';
import type { FlagRecord } from './moderation-store.js';
import type { PendingReward, ReadSession, TransferRecord } from './ledger-types.js';
import type { CommentRecord, ThreadRecord } from './types.js';

/** Where an imported comment came from: `source` (`disqus`, `wordpress`, `parley`…) and its id there. */
export interface ImportKey {
  site: string;
  source: string;
  sourceId: string;
  thread: string;
  commentId: string;
}

export interface ReactionRow {
  thread: string;
  commentId: string;
  userId: string;
  value: Reaction;
}

export interface VoteRow {
  thread: string;
  userId: string;
  value: Vote;
}

export interface RequestRow {
  requestId: string;
  fingerprint: string;
  result: unknown;
  createdAt: number;
}

export interface ReadSessionRow extends ReadSession {
  thread: string;
}

export interface ReportRow {
  thread: string;
  boughtAt: number;
  payload: unknown;
}

/** The audit record of one erasure (RIGHTS-4): who, when, and what it changed. */
export interface ErasureRecord {
  site: string;
  userId: string;
  at: number;
  by: string;
  summary: Record<string, number>;
}

export interface PortingReadTx {
  /** The comment an earlier import made from this source record; null when none did. */
  importedComment(site: string, source: string, sourceId: string): Promise<ImportKey | null>;
  /** Every provenance key of a thread's comments. */
  importKeysOfThread(thread: string): Promise<ImportKey[]>;
  /** Is this comment id used anywhere on the server (ids are unique across threads and sites)? */
  commentIdTaken(id: string): Promise<boolean>;
  /** A thread's comments in seq (creation) order, strictly after `afterSeq`. */
  listThreadComments(thread: string, afterSeq: number, limit: number): Promise<CommentRecord[]>;
  listThreadReactions(thread: string): Promise<ReactionRow[]>;
  /** Who hid a hidden comment (kept beside its words); null when it is not hidden. */
  hiddenBy(thread: string, commentId: string): Promise<string | null>;
  listThreadVotes(thread: string): Promise<VoteRow[]>;
  /** The threads among `keys` that exist (any order). */
  getThreads(keys: readonly string[]): Promise<ThreadRecord[]>;

  /** A reader's comments on one site, any thread, oldest first. */
  commentsByAuthor(site: string, userId: string): Promise<CommentRecord[]>;
  reactionsByUser(site: string, userId: string): Promise<ReactionRow[]>;
  votesByUser(site: string, userId: string): Promise<VoteRow[]>;
  flagsByUser(site: string, userId: string): Promise<FlagRecord[]>;
  /** Every transfer from or to the account, oldest first. */
  transfersOf(account: string): Promise<TransferRecord[]>;
  pendingOf(account: string): Promise<PendingReward[]>;
  readSessionsOf(account: string): Promise<ReadSessionRow[]>;
  reportsOf(account: string): Promise<ReportRow[]>;
  /** Request records (idempotency) of one owner (`requestOwner(site, user)`). */
  requestsOf(owner: string): Promise<RequestRow[]>;
  getErasure(site: string, userId: string): Promise<ErasureRecord | null>;
  /** Events of a thread with seq > since, with their seqs, for rewriting. */
  listEventsForRewrite(thread: string, since: number, limit: number): Promise<ThreadEvent[]>;
}

export interface PortingWriteTx extends PortingReadTx {
  /** Records where a comment came from; false when this source record was already imported. */
  saveImportKey(key: ImportKey, at: number): Promise<boolean>;
  /**
   * Erasure: the reader's name and avatar leave every comment they wrote on the site (`name` ''),
   * and `replyToName` of every reply to them; returns how many comments were anonymised.
   */
  anonymiseAuthor(site: string, userId: string): Promise<number>;
  /** Drops the words a moderator's hide kept aside (erasure: a tombstone keeps nothing). */
  forgetHiddenBody(thread: string, commentId: string): Promise<void>;
  /** Replaces a stored event (same thread and seq) by a redacted copy. */
  rewriteEvent(thread: string, event: ThreadEvent): Promise<void>;
  /** Deletes the owner's request records (their stored results may name them); returns how many. */
  deleteRequests(owner: string): Promise<number>;
  deleteReadRecords(account: string): Promise<number>;
  saveErasure(record: ErasureRecord): Promise<void>;
}
