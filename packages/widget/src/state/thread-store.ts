/**
 * The live state of one thread, DOM-free. Rules (tests name them):
 *   [S1] events are applied strictly in seq order; seq ≤ last applied is ignored.
 *   [S2] a gap (seq > last + 1) rejoins with `since: last` and applies the answer (events or snapshot).
 *   [S3] every (re)connect rejoins with `since` once a snapshot is held.
 *   [S4] a mutation gets one requestId when created and keeps it for every resend.
 *   [S5] unacknowledged mutations are kept (memory + storage) and resent after a reconnect or reload.
 *   [S6] a posted comment is shown at once (pending), then replaced by the stored one; the broadcast
 *        of the same id does not add it twice.
 *   [S7] a refused post stays, failed, with the server's message, until retried or discarded.
 */
import {
  Limits,
  type Ack,
  type CommentView,
  type DeleteResult,
  type EditResult,
  type PostCommentResult,
  type ReactResult,
  type VoteResult,
  type JoinResult,
  type ParleyError,
  type Reaction,
  type Sort,
  type ThreadEvent,
  type ThreadView,
  type ViewerState,
  type Vote,
} from '@parley/protocol';
import { CommentCollection } from './comment-collection.js';
import type { ConnectionStatus, ThreadConnection } from './connection.js';
import { buildGroups, displayVote, type DisplayGroup } from './display.js';
import { MutationQueue } from './mutation-queue.js';
import type { Mutation, MutationStorage } from './pending-mutations.js';
import { newRequestId } from './request-id.js';

export type StoreNotice =
  | { type: 'posted'; comment: CommentView }
  | { type: 'arrived'; comment: CommentView }
  | { type: 'error'; error: ParleyError; action: string };

export interface ThreadStoreOptions {
  thread: string;
  sort?: Sort;
  pageSize?: number;
  title?: string;
  url?: string;
  storage?: MutationStorage;
  now?: () => number;
  makeRequestId?: () => string;
}

export class ThreadStore {
  readonly thread: string;
  sort: Sort;
  /** Null until the first join answers. */
  threadView: ThreadView | null = null;
  viewer: ViewerState | null = null;
  nextCursor: string | null = null;
  loadingMore = false;
  joinError: ParleyError | null = null;
  /** Seq of the last applied event. */
  lastSeq = 0;

  readonly comments = new CommentCollection();
  readonly myReactions = new Map<string, Reaction>();
  readonly commentErrors = new Map<string, ParleyError>();
  readonly exhaustedReplies = new Set<string>();
  readonly loadingReplies = new Set<string>();
  readonly mutations: MutationQueue;

  private readonly options: ThreadStoreOptions;
  private readonly listeners = new Set<() => void>();
  private readonly noticeListeners = new Set<(notice: StoreNotice) => void>();
  private readonly unsubscribe: (() => void)[];
  private readonly replyCursors = new Map<string, string>();
  private buffered: ThreadEvent[] = [];
  private snapshotSort: Sort | null = null;
  private joined = false;
  private joinGeneration = 0;
  private myVote: Vote | null = null;
  private version = 0;
  private groupsCache: { version: number; groups: DisplayGroup[] } | null = null;
  private disposed = false;

  constructor(
    private readonly connection: ThreadConnection,
    options: ThreadStoreOptions,
  ) {
    this.options = options;
    this.thread = options.thread;
    this.sort = options.sort ?? 'top';
    this.mutations = new MutationQueue(connection, options.storage, (mutation, ack) => this.settled(mutation, ack));
    this.unsubscribe = [
      connection.onStatus((status) => this.statusChanged(status)),
      connection.onThreadEvent((event) => this.receive(event)),
      connection.onError((error) => this.emitNotice({ type: 'error', error, action: 'connect' })),
    ];
    if (connection.status === 'connected') this.join();
  }

  get status(): ConnectionStatus {
    return this.connection.status;
  }

  get loaded(): boolean {
    return this.threadView !== null;
  }

  /** True while a join for a new sort (or the first join) is on its way. */
  get joining(): boolean {
    return !this.joined;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onNotice(listener: (notice: StoreNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe.forEach((off) => off());
    this.listeners.clear();
    this.noticeListeners.clear();
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────

  groups(): DisplayGroup[] {
    if (this.groupsCache?.version === this.version) return this.groupsCache.groups;
    const groups = buildGroups({
      comments: this.comments,
      mutations: this.mutations.list,
      myReactions: this.myReactions,
      commentErrors: this.commentErrors,
      exhaustedReplies: this.exhaustedReplies,
      viewerId: this.viewer?.user?.id ?? null,
      sort: this.sort,
    });
    this.groupsCache = { version: this.version, groups };
    return groups;
  }

  postVotes(): { plus: number; minus: number; vote: Vote | null } {
    const base = { plus: this.threadView?.plus ?? 0, minus: this.threadView?.minus ?? 0, vote: this.myVote };
    return displayVote(base, this.mutations.list);
  }

  // ── joining and events ─────────────────────────────────────────────────────────────────────

  setSort(sort: Sort): void {
    if (sort === this.sort) return;
    this.sort = sort;
    if (this.status === 'connected') this.join();
    this.changed();
  }

  private statusChanged(status: ConnectionStatus): void {
    if (status === 'connected') this.join();
    else {
      this.joined = false;
      this.joinGeneration++;
      this.mutations.connectionLost();
    }
    this.changed();
  }

  private join(): void {
    const generation = ++this.joinGeneration;
    this.joined = false;
    const canReplay = this.loaded && this.snapshotSort === this.sort;
    const { title, url, pageSize } = this.options;
    this.connection.request(
      'thread:join',
      {
        thread: this.thread,
        sort: this.sort,
        ...(canReplay ? { since: this.lastSeq } : {}),
        ...(pageSize ? { pageSize: Math.min(Math.max(1, Math.floor(pageSize)), Limits.maxPageSize) } : {}),
        ...(title ? { title: title.slice(0, 300) } : {}),
        ...(url ? { url: url.slice(0, 2000) } : {}),
      },
      (ack) => {
        if (this.disposed || generation !== this.joinGeneration) return;
        if (!ack.ok) {
          this.joinError = ack.error;
          this.emitNotice({ type: 'error', error: ack.error, action: 'join' });
          this.changed();
          return;
        }
        this.joinError = null;
        this.joined = true;
        this.applyJoin(ack.data);
        this.drainBuffer();
        this.mutations.viewerKnown(this.viewer?.user?.id ?? null);
        this.changed();
      },
    );
  }

  private applyJoin(result: JoinResult): void {
    if (result.mode === 'snapshot') {
      this.comments.clear();
      this.comments.addPage(result.page.comments);
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
    for (const [id, value] of Object.entries(result.viewer.reactions)) this.myReactions.set(id, value);
    this.threadView = result.thread;
    this.viewer = result.viewer;
    this.myVote = result.viewer.vote;
  }

  private receive(event: ThreadEvent): void {
    if (event.thread !== this.thread) return;
    if (!this.joined) {
      this.buffered.push(event);
      return;
    }
    if (event.seq <= this.lastSeq) return; // [S1]
    if (event.seq === this.lastSeq + 1) {
      this.applyEvent(event);
      this.drainBuffer();
      this.changed();
      return;
    }
    this.buffered.push(event); // [S2]
    this.join();
  }

  private drainBuffer(): void {
    this.buffered.sort((a, b) => a.seq - b.seq);
    while (this.buffered.length > 0) {
      const next = this.buffered[0]!;
      if (next.seq <= this.lastSeq) this.buffered.shift();
      else if (next.seq === this.lastSeq + 1) this.applyEvent(this.buffered.shift()!);
      else return this.join();
    }
  }

  private applyEvent(event: ThreadEvent): void {
    this.lastSeq = event.seq;
    const view = this.threadView;
    const me = this.viewer?.user?.id ?? null;
    switch (event.type) {
      case 'comment.created':
        if (this.comments.addLive(event.comment, this.sort)) {
          if (view) view.commentCount++;
          if (event.comment.author.id !== me) this.emitNotice({ type: 'arrived', comment: event.comment });
        }
        break;
      case 'comment.edited':
        this.comments.update(event.commentId, { body: event.body, editedAt: event.editedAt });
        break;
      case 'comment.deleted': {
        const before = this.comments.get(event.commentId);
        if (view && before?.deletedAt == null) view.commentCount = Math.max(0, view.commentCount - 1);
        this.comments.update(event.commentId, { deletedAt: event.deletedAt, body: '' });
        break;
      }
      case 'comment.reacted':
        this.comments.update(event.commentId, { likes: event.likes, dislikes: event.dislikes });
        if (event.userId === me) this.setMyReaction(event.commentId, event.value);
        break;
      case 'post.voted':
        if (view) Object.assign(view, { plus: event.plus, minus: event.minus });
        if (event.userId === me) this.myVote = event.value;
        break;
    }
  }

  private setMyReaction(commentId: string, value: Reaction | null): void {
    if (value) this.myReactions.set(commentId, value);
    else this.myReactions.delete(commentId);
  }

  // ── paging ─────────────────────────────────────────────────────────────────────────────────

  loadMore(): void {
    const cursor = this.nextCursor;
    if (!cursor || this.loadingMore || this.status !== 'connected') return;
    this.loadingMore = true;
    const generation = this.joinGeneration;
    const { pageSize } = this.options;
    this.connection.request(
      'comments:page',
      { thread: this.thread, sort: this.sort, cursor, ...(pageSize ? { pageSize } : {}) },
      (ack) => {
        this.loadingMore = false;
        if (this.disposed || generation !== this.joinGeneration) return this.changed();
        if (!ack.ok) return this.fail(ack.error, 'page');
        this.comments.addPage(ack.data.comments);
        for (const [id, value] of Object.entries(ack.data.reactions)) this.myReactions.set(id, value);
        this.nextCursor = ack.data.nextCursor;
        this.changed();
      },
    );
    this.changed();
  }

  loadReplies(rootId: string): void {
    if (this.loadingReplies.has(rootId) || this.status !== 'connected') return;
    this.loadingReplies.add(rootId);
    const cursor = this.replyCursors.get(rootId) ?? null;
    this.connection.request(
      'comments:replies',
      { thread: this.thread, rootId, cursor, pageSize: Limits.maxPageSize },
      (ack) => {
        this.loadingReplies.delete(rootId);
        if (this.disposed) return;
        if (!ack.ok) return this.fail(ack.error, 'replies');
        this.comments.addPage(ack.data.comments);
        for (const [id, value] of Object.entries(ack.data.reactions)) this.myReactions.set(id, value);
        if (ack.data.nextCursor) this.replyCursors.set(rootId, ack.data.nextCursor);
        else this.exhaustedReplies.add(rootId);
        this.changed();
      },
    );
    this.changed();
  }

  // ── this reader's mutations ────────────────────────────────────────────────────────────────

  /** Posts a comment (or a reply to `parentId`); returns its requestId, or null for a guest. */
  post(body: string, parentId: string | null = null): string | null {
    const author = this.viewer?.user;
    const text = body.trim();
    if (!author || !text) return null;
    const parent = parentId ? this.comments.get(parentId) : undefined;
    if (parentId && !parent) return null;
    const requestId = this.makeRequestId();
    const flattened = parent !== undefined && parent.depth >= Limits.maxDepth;
    this.mutations.add({
      kind: 'post',
      requestId,
      userId: author.id,
      input: { requestId, thread: this.thread, parentId, body: text },
      author,
      createdAt: this.now(),
      placement: {
        rootId: parent?.rootId ?? null,
        parentId: parent ? (flattened ? parent.parentId : parent.id) : null,
        depth: parent ? Math.min(parent.depth + 1, Limits.maxDepth) : 0,
        replyToName: flattened ? parent.author.name : null,
      },
      state: 'pending',
    });
    this.changed();
    return requestId;
  }

  retry(requestId: string): void {
    this.mutations.retry(requestId);
    this.changed();
  }

  discard(requestId: string): void {
    this.mutations.remove(requestId);
    this.changed();
  }

  edit(commentId: string, body: string): void {
    const userId = this.viewer?.user?.id;
    if (!userId || !body.trim()) return;
    const requestId = this.makeRequestId();
    this.commentErrors.delete(commentId);
    this.mutations.add({ kind: 'edit', requestId, userId, input: { requestId, thread: this.thread, commentId, body: body.trim() } });
    this.changed();
  }

  remove(commentId: string): void {
    const userId = this.viewer?.user?.id;
    if (!userId) return;
    const requestId = this.makeRequestId();
    this.commentErrors.delete(commentId);
    this.mutations.add({ kind: 'delete', requestId, userId, input: { requestId, thread: this.thread, commentId } });
    this.changed();
  }

  /** Sets this reader's reaction; null takes it back. Shown at once, reverted if refused. */
  react(commentId: string, value: Reaction | null): void {
    const userId = this.viewer?.user?.id;
    if (!userId) return;
    const requestId = this.makeRequestId();
    this.commentErrors.delete(commentId);
    this.mutations.add({ kind: 'react', requestId, userId, input: { requestId, thread: this.thread, commentId, value } });
    this.changed();
  }

  vote(value: Vote | null): void {
    const userId = this.viewer?.user?.id;
    if (!userId) return;
    const requestId = this.makeRequestId();
    this.mutations.add({ kind: 'vote', requestId, userId, input: { requestId, thread: this.thread, value } });
    this.changed();
  }

  /** Applies an answer. Counts from an answer are taken only when its event is not applied yet. */
  private settled(mutation: Mutation, ack: Ack<unknown>): void {
    if (this.disposed) return;
    if (!ack.ok) {
      if (mutation.kind !== 'post' && mutation.kind !== 'vote') this.commentErrors.set(mutation.input.commentId, ack.error);
      this.fail(ack.error, mutation.kind);
      return;
    }
    const fresh = (seq: number | null): boolean => seq !== null && seq > this.lastSeq;
    const view = this.threadView;
    switch (mutation.kind) {
      case 'post': {
        const { comment } = ack.data as PostCommentResult;
        if (this.comments.addLive(comment, this.sort, fresh(comment.seq)) && view && fresh(comment.seq)) view.commentCount++;
        this.emitNotice({ type: 'posted', comment });
        break;
      }
      case 'edit': {
        const data = ack.data as EditResult;
        this.comments.update(data.commentId, { body: data.body, editedAt: data.editedAt });
        break;
      }
      case 'delete': {
        const data = ack.data as DeleteResult;
        const before = this.comments.get(data.commentId);
        if (view && before && before.deletedAt === null) view.commentCount = Math.max(0, view.commentCount - 1);
        this.comments.update(data.commentId, { deletedAt: data.deletedAt, body: '' });
        break;
      }
      case 'react': {
        const data = ack.data as ReactResult;
        if (fresh(data.seq)) this.comments.update(data.commentId, { likes: data.likes, dislikes: data.dislikes });
        this.setMyReaction(data.commentId, data.value);
        break;
      }
      case 'vote': {
        const data = ack.data as VoteResult;
        if (view && fresh(data.seq)) Object.assign(view, { plus: data.plus, minus: data.minus });
        this.myVote = data.value;
        break;
      }
    }
    this.changed();
  }

  // ── plumbing ───────────────────────────────────────────────────────────────────────────────

  private fail(error: ParleyError, action: string): void {
    this.emitNotice({ type: 'error', error, action });
    this.changed();
  }

  private emitNotice(notice: StoreNotice): void {
    if (!this.disposed) this.noticeListeners.forEach((listener) => listener(notice));
  }

  private changed(): void {
    if (this.disposed) return;
    this.version++;
    this.listeners.forEach((listener) => listener());
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private makeRequestId(): string {
    return this.options.makeRequestId?.() ?? newRequestId();
  }
}
