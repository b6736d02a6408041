/**
 * The storage contract. Every method is async even though better-sqlite3 is synchronous, so a
 * PostgreSQL store can implement the same interface without a command changing.
 *
 * Work happens inside a transaction: `read` for consistent reads, `write` for changes. A command
 * does all its writes (the change, its event rows, its request record — and later ledger transfers)
 * through one `WriteTx`, so they commit or vanish together.
 */
import type { CommentView, Reaction, ThreadEvent, ThreadView, Vote } from '@parley/protocol';
import type { RootPosition } from '../domain/cursor.js';
import type { LedgerReadTx, LedgerWriteTx } from './ledger-types.js';
import type { IdentityReadTx, IdentityWriteTx } from './identity-store.js';
import type { NotesReadTx, NotesWriteTx } from './notes-store.js';
import type { ModerationReadTx, ModerationWriteTx } from './moderation-store.js';
import type { DeliveryReadTx, DeliveryWriteTx } from './delivery-store.js';
import type { ModReadTx, ModWriteTx } from './mod-queries.js';
import type { PortingReadTx, PortingWriteTx } from './porting-store.js';
import type { FormatReadTx, FormatWriteTx } from './format-store.js';
import type { Mention } from '../domain/markdown.js';

/** How a thread came to exist (SPEC THREAD-1): a host's signed claim, the admin API/CLI, or paste-and-go. */
export type ThreadOrigin = 'claim' | 'admin' | 'auto' | 'legacy';

/**
 * A stored thread: the wire view plus what only the server needs. Its next event gets `seq + 1`.
 * `id` is the thread KEY (`<site>:<id>`, domain/thread-key.ts); views give readers the public id.
 */
export interface ThreadRecord extends ThreadView {
  createdAt: number;
  site: string;
  origin: ThreadOrigin;
  /** When the host published the post (read-to-earn, post author, Post Publish Tribute); null = not. */
  publishedAt: number | null;
  /** `iat` of the newest host claim applied, so an older claim replayed changes nothing. */
  claimIat: number | null;
}

export interface NewThreadOptions {
  /** @default the key's site */
  site?: string;
  /** @default 'admin' */
  origin?: ThreadOrigin;
}

/** Fields a host may change after creation; absent = unchanged. */
export interface ThreadMetaUpdate {
  title?: string | null;
  url?: string | null;
  claimIat?: number | null;
}

/** Where a listing of a site's threads (newest first) continues. */
export interface ThreadListPosition {
  createdAt: number;
  id: string;
}

/** A stored comment: the wire view plus what only the store needs. */
export interface CommentRecord extends CommentView {
  /** likes − dislikes, the `top` sort key; derived by the store, never written directly. */
  score: number;
  /**
   * How many readers flagged it. Store-only: `toCommentView` copies it (as `flags`) only into views
   * for moderators, so a view built for a reader cannot carry it by accident.
   */
  flagCount: number;
  /** Whom the body mentions (format-store.ts); store-only, like the flag count. Kept while hidden. */
  mentions?: Mention[];
}

/** What a command supplies to insert a comment; the store fills in the rest (counts, edit and delete times). */
export type NewComment = Pick<
  CommentView,
  'id' | 'thread' | 'rootId' | 'parentId' | 'replyToId' | 'replyToName' | 'depth' | 'seq' | 'author' | 'body' | 'createdAt' | 'doc'
> & { mentions?: readonly Mention[] };

export interface StoredRequest {
  fingerprint: string;
  result: unknown;
  createdAt: number;
}

export interface CountDelta {
  comments?: number;
  plus?: number;
  minus?: number;
}

export interface ReadTx extends NotesReadTx, IdentityReadTx, ModerationReadTx, FormatReadTx {
  /** The Twei ledger, read side (store/ledger-types.ts). */
  readonly ledger: LedgerReadTx;
  /** The notification outbox and readers' email preferences (store/delivery-store.ts). */
  readonly deliveries: DeliveryReadTx;
  /** Held comments, bans, the audit log, the console's queues (store/mod-queries.ts). */
  readonly mod: ModReadTx;
  /** Import, export, readers' rights, counts (store/porting-store.ts). */
  readonly porting: PortingReadTx;
  getThread(id: string): Promise<ThreadRecord | null>;
  /** A comment of this thread; a comment id from another thread is "not found". */
  getComment(thread: string, id: string): Promise<CommentRecord | null>;
  /** Root comments (depth 0) in `position.sort` order, strictly after `after` when given. */
  listRoots(thread: string, sort: RootPosition['sort'], after: RootPosition | null, limit: number): Promise<CommentRecord[]>;
  /** Replies of one root, oldest first, strictly after seq `afterSeq` when given. */
  listReplies(thread: string, rootId: string, afterSeq: number | null, limit: number): Promise<CommentRecord[]>;
  /** Events with seq > `since`, in seq order. */
  listEvents(thread: string, since: number, limit: number): Promise<ThreadEvent[]>;
  getReactions(thread: string, userId: string, commentIds: readonly string[]): Promise<Map<string, Reaction>>;
  /**
   * [HOT-14] A comment of this thread with `userId`'s reaction to it, in one round trip where the
   * store has round trips (PostgreSQL); absent, callers ask `getComment` then `getReactions`.
   */
  getCommentWithReaction?(thread: string, id: string, userId: string): Promise<{ comment: CommentRecord; reaction: Reaction | null } | null>;
  getVote(thread: string, userId: string): Promise<Vote | null>;
  getRequest(userId: string, requestId: string): Promise<StoredRequest | null>;
  /** A site's threads, newest first, strictly after `after` when given. */
  listThreads(site: string, after: ThreadListPosition | null, limit: number): Promise<ThreadRecord[]>;
}

export interface WriteTx extends ReadTx, NotesWriteTx, IdentityWriteTx, ModerationWriteTx, FormatWriteTx {
  readonly ledger: LedgerWriteTx;
  readonly deliveries: DeliveryWriteTx;
  readonly mod: ModWriteTx;
  readonly porting: PortingWriteTx;
  /**
   * [DUR-15] Optional: a gated write is about to read the author's ban, then the thread (with its
   * settings), then the site's and the thread's pre-moderation policies (`siteScope`, `thread`): a
   * store may read them all now in one statement and answer those reads from it. A store without
   * it (PostgreSQL reads them ahead its own way) just runs the reads.
   */
  readAheadGate?(site: string, userId: string, thread: string, siteScope: string): void;
  /** Creates the thread if it does not exist (title/url are kept from the first call) and returns it. */
  ensureThread(id: string, title: string | null, url: string | null, at: number, options?: NewThreadOptions): Promise<ThreadRecord>;
  /** Changes a thread's title, url or applied claim time; null when it does not exist. */
  updateThread(id: string, meta: ThreadMetaUpdate): Promise<ThreadRecord | null>;
  /** Marks the thread published at `at`; false when it already was (or does not exist). */
  publishThread(id: string, at: number): Promise<boolean>;
  /**
   * Takes the thread's next seq. Inside the transaction, so seqs have no gaps even on rollback.
   * [DUR-6] With `counts`, moves the thread's counts in the same statement (a post: one UPDATE of
   * the thread's row, not two).
   */
  nextSeq(thread: string, counts?: CountDelta): Promise<number>;
  /** Appends the event to the log of the thread `thread` (a key; the event itself carries the public id). */
  appendEvent(thread: string, event: ThreadEvent): Promise<void>;
  adjustThreadCounts(thread: string, delta: CountDelta): Promise<ThreadRecord>;

  insertComment(comment: NewComment): Promise<CommentRecord>;
  setCommentBody(thread: string, id: string, body: string, editedAt: number): Promise<void>;
  /** Tombstones the comment: body, tree and mentions emptied, deletedAt set; the row and its replies stay. */
  markCommentDeleted(thread: string, id: string, deletedAt: number): Promise<void>;
  adjustReplyCount(thread: string, rootId: string, delta: number): Promise<void>;
  /** Returns the comment's counts after the change. */
  adjustReactionCounts(thread: string, id: string, likes: number, dislikes: number): Promise<{ likes: number; dislikes: number }>;

  setReaction(thread: string, commentId: string, userId: string, value: Reaction | null): Promise<void>;
  setVote(thread: string, userId: string, value: Vote | null): Promise<void>;

  saveRequest(userId: string, requestId: string, request: StoredRequest): Promise<void>;
}

export interface Store {
  /**
   * [DUR-2] True when the store runs one write at a time anyway and never reads `writeScope`
   * (SQLite): the dispatcher then sets none — an AsyncLocalStorage, once run, taxes every promise
   * of the process with async hooks.
   */
  readonly ignoresWriteScope?: boolean;
  /** Runs `work` over a consistent view of committed data. */
  read<T>(work: (tx: ReadTx) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one write transaction: committed when it resolves, rolled back when it throws.
   * Only the returned promise's settling means committed; never keep `tx` beyond it.
   */
  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T>;
  /** Deletes request records older than `before` (ms epoch); returns how many. [PRUNE-1] */
  pruneRequests(before: number): Promise<number>;
  /**
   * [PRUNE-2] Deletes each thread's events but its newest `keepPerThread` (replay never reaches
   * further back: a rejoin further behind gets a snapshot), a page of threads per transaction.
   * Returns how many were deleted.
   */
  pruneEvents(keepPerThread: number): Promise<number>;
  /** The applied schema version. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
