import type { Reaction, Sort, Vote } from './constants.js';
import type { Gates } from './gates.js';
import type { RichText } from './rich-text.js';

/** The public face of a reader, as others see it beside a comment. */
export interface AuthorView {
  id: string;
  name: string;
  avatar: string | null;
  level: number;
}

/**
 * A comment as sent to readers. Server-owned fields only; nothing here is taken from a client.
 *
 * Threading: `rootId` is the top-level comment a reply belongs to (its own id for a root);
 * `parentId` is the comment it is shown under. Depth is capped at {@link Limits.maxDepth}: a reply to
 * a depth-2 comment is stored with the depth-2 comment's parent as its `parentId` (flattened), and
 * `replyToId`/`replyToName` keep who was really answered so the widget can say "@Bella Ciao".
 */
export interface CommentView {
  id: string;
  thread: string;
  rootId: string;
  parentId: string | null;
  replyToId: string | null;
  replyToName: string | null;
  depth: number;
  /** Creation order within the thread: the seq of the event that created it. */
  seq: number;
  author: AuthorView;
  /** The source text as typed (trimmed): what editing shows. Empty for a deleted comment. */
  body: string;
  /**
   * The body's formatting as the server parsed it (rich-text.ts). Absent when the body is plain
   * paragraphs — then the widget shows `body` as text — and whenever `body` is withheld.
   */
  doc?: RichText;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
  /**
   * When a moderator hid it: the body is withheld (empty) and readers see "Hidden by a moderator".
   * Absent or null when shown.
   */
  hiddenAt?: number | null;
  likes: number;
  dislikes: number;
  /** Number of replies under a root (all depths); 0 for replies. */
  replyCount: number;
  /**
   * How many readers flagged it. Only in views sent to a moderator or admin of the site (snapshot,
   * page, replies); absent for everyone else, so readers never learn that — or who — flagged.
   */
  flags?: number;
  /**
   * `held`: pre-moderation holds it for review. Only ever in its AUTHOR's own views (the post's
   * answer, their join): nobody else receives a held comment at all. Its seq is 0 until a moderator
   * approves it; then it arrives as an ordinary `comment.created` event with the same id.
   */
  status?: 'held';
}

/**
 * A site-wide restriction on the viewer (SPEC BAN-1): banned, or suspended until `until`. A
 * shadow mute is never told. `message` is written for the reader.
 */
export interface Restriction {
  kind: 'ban' | 'suspend';
  until: number | null;
  reason: string | null;
  message: string;
}

export interface ThreadView {
  id: string;
  title: string | null;
  url: string | null;
  /** Last event seq; 0 for a thread with no events. */
  seq: number;
  /** Comments not deleted. */
  commentCount: number;
  plus: number;
  minus: number;
}

/** What the viewer needs about themselves to render the thread. */
export interface ViewerState {
  /** null for a guest. */
  user: AuthorView | null;
  role: 'reader' | 'moderator' | 'admin' | 'guest';
  /** The viewer's reactions on the comments in this response (comment id → reaction). */
  reactions: Record<string, Reaction>;
  /** The viewer's vote on the post. */
  vote: Vote | null;
  /** The viewer's level as the server computes it (0 for a guest); gates compare against this. */
  level: number;
  /** This thread's effective gates: the site's, tightened by what the thread recorded. */
  gates: Gates;
  /** Set when the viewer is banned or suspended on this site; absent otherwise. */
  restriction?: Restriction | null;
}

/** Who the connection is, after a (re)authentication or a level change; not tied to a thread. */
export interface ViewerSession {
  user: AuthorView | null;
  role: ViewerState['role'];
  level: number;
  /** When the token stops being valid, ms since epoch; null for a guest. Refresh before then. */
  expiresAt: number | null;
  /** Present when a moderator just banned, suspended or lifted (null) a restriction on the viewer. */
  restriction?: Restriction | null;
}

/** A page of comments: roots in the requested sort, each followed by up to N of its replies (oldest first). */
export interface CommentPage {
  sort: Sort;
  comments: CommentView[];
  /** Pass back as `cursor` for the next page; null when there is none. */
  nextCursor: string | null;
}

/** A page of one root's replies, oldest first. */
export interface ReplyPage {
  rootId: string;
  comments: CommentView[];
  nextCursor: string | null;
  reactions: Record<string, Reaction>;
}
