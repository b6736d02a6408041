/**
 * The data of one thread as the server has confirmed it, and how each answer or event changes it.
 * No network, no timers: ThreadStore decides WHEN something is applied, this class decides HOW.
 */
import type {
  AroundResult,
  CommentView,
  DeleteResult,
  EditResult,
  JoinResult,
  PageResult,
  PostCommentResult,
  Reaction,
  ReactResult,
  ReplyPage,
  Sort,
  ThreadEvent,
  ThreadGatesUpdate,
  ThreadView,
  ViewerSession,
  ViewerState,
  Vote,
  VoteResult,
} from '@parley/protocol';
import { CommentCollection } from './comment-collection.js';
import type { Mutation } from './pending-mutations.js';

export class ThreadState {
  readonly comments = new CommentCollection();
  readonly myReactions = new Map<string, Reaction>();
  readonly exhaustedReplies = new Set<string>();
  readonly replyCursors = new Map<string, string>();
  /** Null until the first join answers. */
  threadView: ThreadView | null = null;
  viewer: ViewerState | null = null;
  myVote: Vote | null = null;
  nextCursor: string | null = null;
  /** Seq of the last applied event. */
  lastSeq = 0;
  /** The sort of the snapshot held; a rejoin can replay events only for the same sort. */
  snapshotSort: Sort | null = null;

  constructor(public sort: Sort) {}

  get viewerId(): string | null {
    return this.viewer?.user?.id ?? null;
  }

  applyJoin(result: JoinResult): void {
    if (result.mode === 'snapshot') {
      this.comments.clear();
      this.comments.addPage(result.page.comments);
      // The viewer's own comments awaiting review: shown to them alone, not counted.
      for (const own of result.own ?? []) this.comments.addLive(own, this.sort, false);
      this.nextCursor = result.page.nextCursor;
      this.snapshotSort = result.page.sort;
      this.myReactions.clear();
      this.replyCursors.clear();
      this.exhaustedReplies.clear();
      this.lastSeq = result.thread.seq;
    } else {
      for (const event of result.events) {
        if (event.seq > this.lastSeq) this.applyEvent(event);
      }
      this.lastSeq = Math.max(this.lastSeq, result.thread.seq);
    }
    this.mergeReactions(result.viewer.reactions);
    this.threadView = { ...result.thread };
    this.viewer = result.viewer;
    this.myVote = result.viewer.vote;
  }

  /** The server changed who the viewer is (refresh, level up, expiry); thread-specific state stays. */
  applySession(session: ViewerSession): void {
    if (!this.viewer) return;
    const sameUser = session.user?.id === this.viewer.user?.id;
    this.viewer = {
      ...this.viewer,
      user: session.user,
      role: session.role,
      level: session.level,
      ...(sameUser ? {} : { reactions: {}, vote: null }),
      // A moderator banned or suspended the viewer (or lifted it): the composer locks or opens at once.
      ...(session.restriction !== undefined && { restriction: session.restriction }),
    };
  }

  applyGates(update: ThreadGatesUpdate): void {
    if (this.viewer && update.thread === this.threadView?.id) this.viewer = { ...this.viewer, gates: update.gates };
  }

  /** Applies one event (the caller checks its seq). Returns a comment someone else just wrote. */
  applyEvent(event: ThreadEvent): CommentView | null {
    this.lastSeq = event.seq;
    const view = this.threadView;
    switch (event.type) {
      case 'comment.created':
        // Approved after review: the author's "awaiting review" copy becomes the published comment.
        if (this.comments.get(event.comment.id)?.status === 'held') {
          this.comments.update(event.comment.id, { ...event.comment, status: undefined });
          if (view) view.commentCount++;
          return null;
        }
        if (!this.comments.addLive(event.comment, this.sort)) return null;
        if (view) view.commentCount++;
        return event.comment.author.id === this.viewerId ? null : event.comment;
      case 'comment.edited':
        this.comments.update(event.commentId, { body: event.body, doc: event.doc, editedAt: event.editedAt });
        return null;
      case 'comment.deleted':
        this.markDeleted(event.commentId, event.deletedAt);
        if (event.author) this.forgetAuthor(event.commentId, event.author);
        return null;
      case 'comment.hidden':
        this.comments.update(event.commentId, { body: event.body, doc: event.doc, hiddenAt: event.hiddenAt });
        return null;
      case 'comment.reacted':
        this.comments.update(event.commentId, { likes: event.likes, dislikes: event.dislikes });
        if (event.userId === this.viewerId) this.setMyReaction(event.commentId, event.value);
        return null;
      case 'post.voted':
        if (view) Object.assign(view, { plus: event.plus, minus: event.minus });
        if (event.userId === this.viewerId) this.myVote = event.value;
        return null;
    }
  }

  applyPage(page: PageResult): void {
    this.comments.addPage(page.comments);
    this.mergeReactions(page.reactions);
    this.nextCursor = page.nextCursor;
  }

  /** A permalink's comment (comments:around): its root first when it was not loaded [LINK-5]. */
  applyAround(result: AroundResult): void {
    this.comments.addLinked(result.comments);
    this.mergeReactions(result.reactions);
  }

  applyReplies(rootId: string, page: ReplyPage): void {
    this.comments.addPage(page.comments);
    this.mergeReactions(page.reactions);
    if (page.nextCursor) this.replyCursors.set(rootId, page.nextCursor);
    else this.exhaustedReplies.add(rootId);
  }

  /**
   * Applies a successful answer to one of the reader's mutations. Counts in an answer are taken
   * only when its event has not been applied yet (seq > lastSeq), so a late answer never rolls
   * back newer counts. Returns the stored comment for a post.
   */
  applyAck(mutation: Mutation, data: unknown): CommentView | null {
    const fresh = (seq: number | null): boolean => seq !== null && seq > this.lastSeq;
    const view = this.threadView;
    switch (mutation.kind) {
      case 'post': {
        const { comment } = data as PostCommentResult;
        const isNew = fresh(comment.seq);
        if (this.comments.addLive(comment, this.sort, isNew) && view && isNew) view.commentCount++;
        return comment;
      }
      case 'edit': {
        const result = data as EditResult;
        this.comments.update(result.commentId, { body: result.body, doc: result.doc, editedAt: result.editedAt });
        return null;
      }
      case 'delete': {
        const result = data as DeleteResult;
        this.markDeleted(result.commentId, result.deletedAt);
        return null;
      }
      case 'react': {
        const result = data as ReactResult;
        if (fresh(result.seq)) this.comments.update(result.commentId, { likes: result.likes, dislikes: result.dislikes });
        this.setMyReaction(result.commentId, result.value);
        return null;
      }
      case 'vote': {
        const result = data as VoteResult;
        if (view && fresh(result.seq)) Object.assign(view, { plus: result.plus, minus: result.minus });
        this.myVote = result.value;
        return null;
      }
    }
  }

  private markDeleted(commentId: string, deletedAt: number): void {
    const before = this.comments.get(commentId);
    // An unloaded comment still counted in commentCount; a known tombstone was already subtracted.
    if (this.threadView && before?.deletedAt == null) {
      this.threadView.commentCount = Math.max(0, this.threadView.commentCount - 1);
    }
    this.comments.update(commentId, { deletedAt, body: '', doc: undefined });
  }

  /** The host erased the comment's author: their name and avatar leave the tombstone and the replies' "↪ @name". */
  private forgetAuthor(commentId: string, author: CommentView['author']): void {
    const erased = this.comments.update(commentId, { author });
    if (!erased) return;
    for (const reply of this.comments.repliesOf(erased.rootId)) {
      if (reply.replyToId === commentId) this.comments.update(reply.id, { replyToName: '' });
    }
  }

  private setMyReaction(commentId: string, value: Reaction | null): void {
    if (value) this.myReactions.set(commentId, value);
    else this.myReactions.delete(commentId);
  }

  private mergeReactions(reactions: Record<string, Reaction>): void {
    for (const [id, value] of Object.entries(reactions)) this.myReactions.set(id, value);
  }
}
