/**
 * Message flow
 *
 *   client                                   server
 *   ── connect { auth: { site?, token? } } ▶  Origin on the site's allowlist? verify token (guest without one)
 *   ── session:auth { token } ────────────▶  a refreshed token over the open socket; ack ViewerSession
 *   ◀── viewer:update ViewerSession ───────  level changed, or the token expired (now a guest)
 *   ◀── thread:gates { thread, gates } ────  an admin changed a thread's gates
 *   ── thread:join { thread, since? } ────▶  join room; ack JoinResult:
 *                                              since given and ≤ maxReplayEvents behind → { mode: 'events' }
 *                                              otherwise → { mode: 'snapshot', first page }
 *   ◀── thread:events [{ thread, seq, … }]   after committed changes, to the thread's room, in seq order:
 *                                              reactions and votes wait up to one tick (100 ms) and go
 *                                              out together; any other change goes at once, after them
 *   ── comment:post { requestId, … } ─────▶  one transaction (change + event row + request record),
 *                                              ack { ok, data }, then broadcast
 *   ── comment:flag { requestId, … } ─────▶  one transaction (flag + count + request record); no thread
 *                                              event: ack, then a notice to the site's moderators only
 *   ◀── moderation:notice { type, … } ─────  to moderators and admins of the site (room `mod:<site>`)
 *
 * Every thread change has a per-thread `seq` (1, 2, 3 … no gaps). The widget applies events in seq
 * order; when it sees a gap it rejoins with `since` = the last seq it applied. Socket.IO delivery is
 * at-most-once; replay from the database is what makes "no comment is lost" true.
 *
 * Mutations carry a client-made `requestId`. A retry with the same requestId and the same input
 * returns the first result and changes nothing; the same requestId with other input is refused.
 */
import type { AckCallback } from './errors.js';
import type { AuthorView, CommentPage, CommentView, ReplyPage, ThreadView, ViewerSession, ViewerState } from './model.js';
import type { Gates } from './gates.js';
import type { RichText } from './rich-text.js';
import type { Reaction, Vote } from './constants.js';
import type { EconomyState, PnlReport, PublishResult, ReadProgress, WalletUpdate } from './economy.js';
import type {
  EconomyStateInput,
  ReadHeartbeatInput,
  ReportBuyInput,
  ReportListInput,
  ThreadPublishInput,
} from './economy-schemas.js';
import type { NotesRelay, NotesSyncResult, PresenceChange, PresenceSnapshot } from './realtime.js';
import type {
  CommentDeleteInput,
  CommentEditInput,
  CommentFlagInput,
  CommentHiddenBodyInput,
  CommentHideInput,
  CommentPageInput,
  CommentPostInput,
  CommentReactInput,
  CommentRepliesInput,
  CommentAroundInput,
  NotesSyncInput,
  NotesUpdateInput,
  PostVoteInput,
  PresenceSyncInput,
  PresenceSetInput,
  SessionAuthInput,
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
  /** The new body's formatting; absent when it is plain paragraphs (see CommentView.doc). */
  doc?: RichText;
  editedAt: number;
}

export interface CommentDeletedEvent extends EventBase {
  type: 'comment.deleted';
  commentId: string;
  deletedAt: number;
  /**
   * Present when the host erased the comment's author (readers' rights): the author as the comment
   * now reads — name '' and no avatar — so open widgets drop them from the tombstone at once.
   */
  author?: AuthorView;
}

/** A moderator hid a comment (`hiddenAt`, body '') or showed it again (`hiddenAt` null, its body). */
export interface CommentHiddenEvent extends EventBase {
  type: 'comment.hidden';
  commentId: string;
  hiddenAt: number | null;
  body: string;
  /** With the words given back on unhide: their formatting, when not plain. */
  doc?: RichText;
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
  | CommentHiddenEvent
  | CommentReactedEvent
  | PostVotedEvent;

export type ThreadEventType = ThreadEvent['type'];

export type JoinResult =
  | {
      mode: 'snapshot';
      thread: ThreadView;
      page: CommentPage;
      viewer: ViewerState;
      /** The viewer's own comments nobody else sees yet (held for review), oldest first; absent when none. */
      own?: CommentView[];
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
  doc?: RichText;
  editedAt: number;
}

export interface DeleteResult extends MutationResult {
  commentId: string;
  deletedAt: number;
}

export interface HideResult extends MutationResult {
  commentId: string;
  hiddenAt: number | null;
}

/** `seq` is always null: a flag is not a thread event (readers never hear of it). */
export interface FlagResult extends MutationResult {
  commentId: string;
  flagged: true;
}

/** A comment's words for a moderator: the kept-aside words when hidden, its body otherwise. */
export interface HiddenBodyResult {
  commentId: string;
  body: string;
  hiddenAt: number | null;
}

/** Sent only to moderators and admins of the thread's site, never to a thread's room. */
export interface CommentFlaggedNotice {
  type: 'comment.flagged';
  thread: string;
  commentId: string;
  /** The comment's flag count after this flag. */
  flags: number;
}

/** Pre-moderation held a comment (moderators' queue); `queue` is the site's held count after. */
export interface CommentHeldNotice {
  type: 'comment.held';
  thread: string;
  commentId: string;
  queue: number;
}

export type ModerationNotice = CommentFlaggedNotice | CommentHeldNotice;

/**
 * A moderator rejected one of the viewer's own comments that was awaiting review (SPEC PREMOD-7):
 * sent to that reader's sockets only, on every node. `reason` is the moderator's, when given.
 */
export interface OwnCommentRejected {
  thread: string;
  commentId: string;
  reason: string | null;
}

/**
 * What a permalink opens (`comments:around`): the comment's root, the first replies under it (as a
 * page shows them) and, for a reply, its parent and the replies from it on — so the reply is there
 * to scroll to whatever page its root is on.
 */
export interface AroundResult {
  commentId: string;
  rootId: string;
  /** The root first, then replies oldest first. */
  comments: CommentView[];
  reactions: Record<string, Reaction>;
}

export interface PageResult extends CommentPage {
  reactions: Record<string, Reaction>;
}

export interface ClientToServerEvents {
  'thread:join': (input: ThreadJoinInput, ack: AckCallback<JoinResult>) => void;
  'thread:leave': (input: ThreadLeaveInput, ack: AckCallback<null>) => void;
  'comments:page': (input: CommentPageInput, ack: AckCallback<PageResult>) => void;
  'comments:replies': (input: CommentRepliesInput, ack: AckCallback<ReplyPage>) => void;
  'comments:around': (input: CommentAroundInput, ack: AckCallback<AroundResult>) => void;
  'comment:post': (input: CommentPostInput, ack: AckCallback<PostCommentResult>) => void;
  'comment:edit': (input: CommentEditInput, ack: AckCallback<EditResult>) => void;
  'comment:delete': (input: CommentDeleteInput, ack: AckCallback<DeleteResult>) => void;
  'comment:react': (input: CommentReactInput, ack: AckCallback<ReactResult>) => void;
  /** Moderators and admins of the thread's site: hide (`hidden: true`) or show again a comment. */
  'comment:hide': (input: CommentHideInput, ack: AckCallback<HideResult>) => void;
  /** A reader reports a comment once (not their own); moderators are told, readers are not. */
  'comment:flag': (input: CommentFlagInput, ack: AckCallback<FlagResult>) => void;
  /** Moderators and admins of the thread's site: read a hidden comment's words (`forbidden` otherwise). */
  'comment:hidden-body': (input: CommentHiddenBodyInput, ack: AckCallback<HiddenBodyResult>) => void;
  'post:vote': (input: PostVoteInput, ack: AckCallback<VoteResult>) => void;
  /** Presence and notes: see the message flow in realtime.ts. */
  'presence:set': (input: PresenceSetInput, ack: AckCallback<null>) => void;
  'presence:sync': (input: PresenceSyncInput, ack: AckCallback<PresenceSnapshot>) => void;
  'notes:sync': (input: NotesSyncInput, ack: AckCallback<NotesSyncResult>) => void;
  'notes:update': (input: NotesUpdateInput, ack: AckCallback<null>) => void;
  /** Re-authenticates the open socket with a fresh token (or none: guest), without reconnecting. */
  'session:auth': (input: SessionAuthInput, ack: AckCallback<ViewerSession>) => void;
  // The Twei economy: see economy.ts for the flow.
  'economy:state': (input: EconomyStateInput, ack: AckCallback<EconomyState>) => void;
  'read:heartbeat': (input: ReadHeartbeatInput, ack: AckCallback<ReadProgress>) => void;
  'report:buy': (input: ReportBuyInput, ack: AckCallback<PnlReport>) => void;
  'report:list': (input: ReportListInput, ack: AckCallback<PnlReport[]>) => void;
  'thread:publish': (input: ThreadPublishInput, ack: AckCallback<PublishResult>) => void;
}

/** A thread's effective gates changed (an admin or the site's configuration). */
export interface ThreadGatesUpdate {
  thread: string;
  gates: Gates;
}

export interface ServerToClientEvents {
  /**
   * One or more events of one thread, in seq order. Frequent small events (reactions, votes) are
   * coalesced per thread into one message per tick, so a busy thread costs readers fewer messages.
   * `presence` [PRES-9]: a presence change riding along, for readers that synced with `rides: true`
   * (apply it exactly as a `presence:state`); an older widget's listener never looks at it.
   */
  'thread:events': (events: ThreadEvent[], presence?: PresenceChange) => void;
  /** What readers see of the room's presence changed (count, typists), per thread per tick. */
  'presence:state': (change: PresenceChange) => void;
  'notes:update': (relay: NotesRelay) => void;
  /**
   * Who this connection is changed without the client asking: its level rose (XP), or its token
   * expired (it is a guest now). The widget re-renders locks and the composer from it.
   */
  'viewer:update': (session: ViewerSession) => void;
  'thread:gates': (update: ThreadGatesUpdate) => void;
  /** The reader's balance changed (to all of that reader's sockets, after commit). */
  'wallet:update': (update: WalletUpdate) => void;
  /** Moderators and admins of the site only (e.g. a comment was flagged, with its new count). */
  'moderation:notice': (notice: ModerationNotice) => void;
  /** The author's own held comment was rejected (only to its author's sockets). */
  'own:rejected': (notice: OwnCommentRejected) => void;
}

/** The names a client may emit; anything else is answered with `unknown_event`. */
export const ClientEventNames = [
  'thread:join',
  'thread:leave',
  'comments:page',
  'comments:replies',
  'comments:around',
  'comment:post',
  'comment:edit',
  'comment:delete',
  'comment:react',
  'comment:hide',
  'comment:flag',
  'comment:hidden-body',
  'post:vote',
  'presence:set',
  'presence:sync',
  'notes:sync',
  'notes:update',
  'session:auth',
  'economy:state',
  'read:heartbeat',
  'report:buy',
  'report:list',
  'thread:publish',
] as const satisfies readonly (keyof ClientToServerEvents)[];

export type ClientEventName = (typeof ClientEventNames)[number];
