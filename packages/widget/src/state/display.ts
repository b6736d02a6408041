/**
 * What the widget renders: confirmed comments with this reader's unacknowledged mutations laid
 * over them (optimistic updates), plus placeholders for comments that are still being sent.
 * Pure functions of the store's state, so the overlay rules are testable without a DOM.
 */
import type { AuthorView, CommentView, ParleyError, Reaction, RichText, Sort, Vote } from '@parley/protocol';
import type { CommentCollection } from './comment-collection.js';
import type { Mutation, PostMutation } from './pending-mutations.js';

/** How a comment whose author the host erased is signed (English; the widget shows the catalog's `formerReader`). */
export const ERASED_AUTHOR_NAME = 'Former reader';

export type DeliveryState = 'sent' | 'pending' | 'failed';

export interface DisplayComment {
  /** The server's id, or `local:<requestId>` for a comment that is not stored yet. */
  id: string;
  /** Set for a comment that is not stored yet (pending or failed). */
  requestId: string | null;
  rootId: string;
  parentId: string | null;
  depth: number;
  /** Shown as "↪ @Name" when a reply answers someone other than the comment it sits under. */
  replyToName: string | null;
  author: AuthorView;
  body: string;
  /** The server's formatting of `body` (absent: plain paragraphs, or an edit not yet confirmed). */
  doc?: RichText;
  createdAt: number;
  edited: boolean;
  deleted: boolean;
  /** A moderator hid it: shown as "Hidden by a moderator" (the server sends no body). */
  hidden?: boolean;
  /** Held for a moderator's review: only its author sees it, labelled "Awaiting review". */
  held?: boolean;
  /** Its author was erased (readers' rights): signed "Former reader" in the widget's language [I18N-9]. */
  erased?: boolean;
  likes: number;
  dislikes: number;
  myReaction: Reaction | null;
  state: DeliveryState;
  /** The last refused action on this comment, to show beside it. */
  error: ParleyError | null;
  own: boolean;
}

export interface DisplayGroup {
  root: DisplayComment;
  replies: DisplayComment[];
  /** Replies the server has that are not loaded yet ("Show N more replies"). */
  moreReplies: number;
}

export interface DisplayInput {
  comments: CommentCollection;
  mutations: readonly Mutation[];
  myReactions: ReadonlyMap<string, Reaction>;
  commentErrors: ReadonlyMap<string, ParleyError>;
  exhaustedReplies: ReadonlySet<string>;
  viewerId: string | null;
  sort: Sort;
}

export const localId = (requestId: string): string => `local:${requestId}`;

export function buildGroups(input: DisplayInput): DisplayGroup[] {
  const posts = input.mutations.filter((m): m is PostMutation => m.kind === 'post');
  const placeholders = posts.map(placeholderView);
  const byRequest = new Map(posts.map((m) => [localId(m.requestId), m]));
  const show = (view: CommentView): DisplayComment => {
    const post = byRequest.get(view.id);
    return post ? placeholderDisplay(view, post, input) : confirmedDisplay(view, input);
  };

  const groups: DisplayGroup[] = input.comments.roots().map((root) => {
    const loaded = input.comments.repliesOf(root.id);
    const pendingReplies = placeholders.filter((p) => p.rootId === root.id);
    const replies = pendingReplies.length ? input.comments.repliesOf(root.id, pendingReplies) : loaded;
    const moreReplies = input.exhaustedReplies.has(root.id) ? 0 : Math.max(0, root.replyCount - loaded.length);
    return { root: show(root), replies: replies.map(show), moreReplies };
  });

  const pendingRoots = placeholders
    .filter((p) => p.parentId === null)
    .map((p): DisplayGroup => ({ root: show(p), replies: [], moreReplies: 0 }));
  return input.sort === 'old' ? [...groups, ...pendingRoots] : [...pendingRoots.reverse(), ...groups];
}

export function displayVote(
  base: { plus: number; minus: number; vote: Vote | null },
  mutations: readonly Mutation[],
): { plus: number; minus: number; vote: Vote | null } {
  const pending = lastOf(mutations, (m) => (m.kind === 'vote' ? m.input.value : undefined));
  if (pending === undefined) return base;
  const plus = base.plus - (base.vote === 'plus' ? 1 : 0) + (pending === 'plus' ? 1 : 0);
  const minus = base.minus - (base.vote === 'minus' ? 1 : 0) + (pending === 'minus' ? 1 : 0);
  return { plus: Math.max(0, plus), minus: Math.max(0, minus), vote: pending };
}

function confirmedDisplay(view: CommentView, input: DisplayInput): DisplayComment {
  const id = view.id;
  const mine = input.myReactions.get(id) ?? null;
  const pendingReaction = lastOf(input.mutations, (m) =>
    m.kind === 'react' && m.input.commentId === id ? m.input.value : undefined,
  );
  const pendingEdit = lastOf(input.mutations, (m) =>
    m.kind === 'edit' && m.input.commentId === id ? m.input.body.trim() : undefined,
  );
  const pendingDelete = input.mutations.some((m) => m.kind === 'delete' && m.input.commentId === id);
  const reaction = pendingReaction === undefined ? mine : pendingReaction;
  const adjust = (count: number, kind: Reaction): number =>
    Math.max(0, count - (mine === kind ? 1 : 0) + (reaction === kind ? 1 : 0));
  const deleted = view.deletedAt !== null || pendingDelete;
  return {
    id,
    requestId: null,
    rootId: view.rootId,
    parentId: view.parentId,
    depth: Math.min(view.depth, 2),
    replyToName: view.replyToId !== null && view.replyToId !== view.parentId ? view.replyToName : null,
    // An author the host erased (readers' rights) is stored without a name: say so rather than show nothing.
    author: view.author.name === '' ? { ...view.author, name: ERASED_AUTHOR_NAME } : view.author,
    ...(view.author.name === '' && { erased: true }),
    body: deleted ? '' : (pendingEdit ?? view.body),
    ...(view.doc && !deleted && pendingEdit === undefined && { doc: view.doc }),
    createdAt: view.createdAt,
    edited: view.editedAt !== null || pendingEdit !== undefined,
    deleted,
    hidden: !deleted && view.hiddenAt != null,
    ...(view.status === 'held' && { held: true }),
    likes: adjust(view.likes, 'like'),
    dislikes: adjust(view.dislikes, 'dislike'),
    myReaction: reaction,
    state: pendingEdit !== undefined || pendingDelete ? 'pending' : 'sent',
    error: input.commentErrors.get(id) ?? null,
    own: input.viewerId !== null && view.author.id === input.viewerId,
  };
}

function placeholderDisplay(view: CommentView, post: PostMutation, input: DisplayInput): DisplayComment {
  return {
    ...confirmedDisplay(view, input),
    requestId: post.requestId,
    replyToName: post.placement.replyToName,
    state: post.state,
    error: post.error ?? null,
    own: true,
  };
}

/** A pending comment shaped like a stored one, so it sorts into the reply tree after real replies. */
function placeholderView(post: PostMutation, index: number): CommentView {
  const { placement } = post;
  return {
    id: localId(post.requestId),
    thread: post.input.thread,
    rootId: placement.rootId ?? localId(post.requestId),
    parentId: placement.parentId,
    replyToId: placement.parentId,
    replyToName: placement.replyToName,
    depth: placement.depth,
    seq: Number.MAX_SAFE_INTEGER - 10_000 + index,
    author: post.author,
    body: post.input.body.trim(),
    createdAt: post.createdAt,
    editedAt: null,
    deletedAt: null,
    likes: 0,
    dislikes: 0,
    replyCount: 0,
  };
}

/** The value the last matching mutation carries, or undefined when none matches. */
function lastOf<T>(mutations: readonly Mutation[], pick: (m: Mutation) => T | undefined): T | undefined {
  for (let i = mutations.length - 1; i >= 0; i--) {
    const value = pick(mutations[i]!);
    if (value !== undefined) return value;
  }
  return undefined;
}
