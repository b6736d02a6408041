/**
 * Message flow
 *
 *   client                                   server
 *   ── connect { auth: { token? } } ───────▶  verify token (guest without one)
 *   ── thread:join { thread, since? } ────▶  join room; ack JoinResult:
 *                                              since given and ≤ maxReplayEvents behind → { mode: 'events' }
 *                                              otherwise → { mode: 'snapshot', first page }
 *   ◀── thread:event { thread, seq, … } ───  after every committed change, to the thread's room
 *   ── comment:post { requestId, … } ─────▶  one transaction (change + event row + request record),
 *                                              ack { ok, data }, then broadcast
 *
 * Every thread change has a per-thread `seq` (1, 2, 3 … no gaps). The widget applies events in seq
 * order; when it sees a gap it rejoins with `since` = the last seq it applied. Socket.IO delivery is
 * at-most-once; replay from the database is what makes "no comment is lost" true.
 *
 * Mutations carry a client-made `requestId`. A retry with the same requestId and the same input
 * returns the first result and changes nothing; the same requestId with other input is refused.
 */
import type { AckCallback } from './errors.js';
import type { CommentPage, CommentView, ReplyPage, ThreadView, ViewerState } from './model.js';
import type { Reaction, Vote } from './constants.js';
import type {
  CommentDeleteInput,
  CommentEditInput,
  CommentPageInput,
  CommentPostInput,
  CommentReactInput,
  CommentRepliesInput,
  PostVoteInput,
  ThreadJoinInput,
  ThreadLeaveInput,
} from './schemas.js';

interface EventBase {
  thread: string;
  seq: number;
  /** Server time of the change, ms since epoch. */
  at: number;
}

export interface CommentCreatedEvent extends EventBase {
  type: 'comment.created';
  comment: CommentView;
}

export interface CommentEditedEvent extends EventBase {
  type: 'comment.edited';
  commentId: string;
  body: string;
  editedAt: number;
}

export interface CommentDeletedEvent extends EventBase {
  type: 'comment.deleted';
  commentId: string;
  deletedAt: number;
}

/** Counts after the change, and who changed what (so the reactor's other tabs follow). */
export interface CommentReactedEvent extends EventBase {
  type: 'comment.reacted';
  commentId: string;
  likes: number;
  dislikes: number;
  userId: string;
  value: Reaction | null;
}

export interface PostVotedEvent extends EventBase {
  type: 'post.voted';
  plus: number;
  minus: number;
  userId: string;
  value: Vote | null;
}

export type ThreadEvent =
  | CommentCreatedEvent
  | CommentEditedEvent
  | CommentDeletedEvent
  | CommentReactedEvent
  | PostVotedEvent;

export type ThreadEventType = ThreadEvent['type'];

export type JoinResult =
  | {
      mode: 'snapshot';
      thread: ThreadView;
      page: CommentPage;
      viewer: ViewerState;
    }
  | {
      mode: 'events';
      thread: ThreadView;
      /** Events after `since`, in seq order. */
      events: ThreadEvent[];
      viewer: ViewerState;
    };

export interface MutationResult {
  /** The seq of the event the change produced (null when nothing changed, e.g. a repeated "like"). */
  seq: number | null;
}

export interface PostCommentResult extends MutationResult {
  comment: CommentView;
}

export interface ReactResult extends MutationResult {
  commentId: string;
  likes: number;
  dislikes: number;
  value: Reaction | null;
}

export interface VoteResult extends MutationResult {
  plus: number;
  minus: number;
  value: Vote | null;
}

export interface EditResult extends MutationResult {
  commentId: string;
  body: string;
  editedAt: number;
}

export interface DeleteResult extends MutationResult {
  commentId: string;
  deletedAt: number;
}

export interface PageResult extends CommentPage {
  reactions: Record<string, Reaction>;
}

export interface ClientToServerEvents {
  'thread:join': (input: ThreadJoinInput, ack: AckCallback<JoinResult>) => void;
  'thread:leave': (input: ThreadLeaveInput, ack: AckCallback<null>) => void;
  'comments:page': (input: CommentPageInput, ack: AckCallback<PageResult>) => void;
  'comments:replies': (input: CommentRepliesInput, ack: AckCallback<ReplyPage>) => void;
  'comment:post': (input: CommentPostInput, ack: AckCallback<PostCommentResult>) => void;
  'comment:edit': (input: CommentEditInput, ack: AckCallback<EditResult>) => void;
  'comment:delete': (input: CommentDeleteInput, ack: AckCallback<DeleteResult>) => void;
  'comment:react': (input: CommentReactInput, ack: AckCallback<ReactResult>) => void;
  'post:vote': (input: PostVoteInput, ack: AckCallback<VoteResult>) => void;
}

export interface ServerToClientEvents {
  'thread:event': (event: ThreadEvent) => void;
}

/** The names a client may emit; anything else is answered with `unknown_event`. */
export const ClientEventNames = [
  'thread:join',
  'thread:leave',
  'comments:page',
  'comments:replies',
  'comment:post',
  'comment:edit',
  'comment:delete',
  'comment:react',
  'post:vote',
] as const satisfies readonly (keyof ClientToServerEvents)[];

export type ClientEventName = (typeof ClientEventNames)[number];
