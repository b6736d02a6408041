/**
 * The live state of one thread, DOM-free. Rules (tests name them):
 *   [W-S1] events are applied strictly in seq order; seq ≤ last applied is ignored (seq-buffer.ts).
 *   [W-S2] a gap (seq > last + 1) rejoins with `since: last` and applies the answer (events or snapshot)
 *          — once it has outlived the reorder grace window [W-S11]: with several server nodes, each
 *          holding its reactions for its own tick, a later seq may arrive a little before an earlier one
 *          (seq-buffer.ts holds the events and times the gap; the rejoin is here).
 *   [W-S3] every (re)connect rejoins with `since` once a snapshot is held.
 *   [W-S4] a mutation gets one requestId when created and keeps it for every resend.
 *   [W-S5] unacknowledged mutations are kept (memory + storage) and resent after a reconnect or reload.
 *   [W-S6] a posted comment is shown at once (pending), then replaced by the stored one; the broadcast
 *          of the same id does not add it twice.
 *   [W-S7] a refused post stays, failed, with the server's message, until retried or discarded.
 *   [W-S8] a token given while not connected is presented with `session:auth` on the next connect,
 *          before the join, so a handshake already in flight with the old token cannot win.
 * Paging (more roots, a root's replies, a permalink's neighbourhood) is thread-paging.ts's.
 */
import {
  type Ack,
  type JoinResult,
  type ParleyError,
  type Reaction,
  type Sort,
  type ThreadEvent,
  type ThreadView,
  type ViewerSession,
  type ViewerState,
  type Vote,
} from '@parley/protocol';
import type { CommentCollection } from './comment-collection.js';
import type { ConnectionStatus, ThreadConnection } from './connection.js';
import { buildGroups, displayVote, type DisplayGroup } from './display.js';
import { MutationQueue } from './mutation-queue.js';
import type { Mutation } from './pending-mutations.js';
import { newRequestId } from './request-id.js';
import { SeqBuffer } from './seq-buffer.js';
import type { StoreNotice, ThreadStoreOptions } from './thread-store-options.js';
import type { ThreadPaging } from './thread-paging.js';
import { ThreadState } from './thread-state.js';
import { joinInput, postMutation } from './thread-mutations.js';

export type { StoreNotice, ThreadStoreOptions } from './thread-store-options.js';

const NO_ROOTS: ReadonlySet<string> = new Set();

export class ThreadStore {
  readonly thread: string;
  joinError: ParleyError | null = null;
  readonly commentErrors = new Map<string, ParleyError>();
  readonly mutations: MutationQueue;

  private readonly state: ThreadState;
  private readonly options: ThreadStoreOptions;
  private readonly listeners = new Set<() => void>();
  private readonly noticeListeners = new Set<(notice: StoreNotice) => void>();
  private readonly unsubscribe: (() => void)[];
  private readonly events: SeqBuffer;
  /** [PAINT-17] Loaded once the first join answers (or the first page is asked for): the first paint needs none of it. */
  private paging: ThreadPaging | null = null;
  private pagingLoad: Promise<ThreadPaging> | null = null;
  private joined = false;
  private joinGeneration = 0;
  private version = 0;
  private groupsCache: { version: number; groups: DisplayGroup[] } | null = null;
  private disposed = false;
  /** The latest token given to `authenticate` (the handshake's own is the connector's). */
  private token: string | undefined;
  private reauthOnConnect = false;
  /**
   * [PAINT-6] The snapshot held came from the first page over HTTP, as a guest sees it, and no socket
   * join has answered yet. A guest's first join then asks only for what happened `since` its seq; a
   * signed-in reader's asks for a snapshot (their reactions, a moderator's view of the comments).
   */
  private primed = false;
  /** Whom the primed page was drawn for (the token's word, [PAINT-11]). */
  private primedFor: ViewerState['role'] = 'guest';
  /** `authenticate` was called: `token` (not the session's first one) says who the reader is. */
  private authenticated = false;
  /** Counts answered `session:auth`s: a join sent before one answers for the reader it replaced [W-S9]. */
  private authVersion = 0;

  constructor(
    private readonly connection: ThreadConnection,
    options: ThreadStoreOptions,
  ) {
    this.options = options;
    this.thread = options.thread;
    this.state = new ThreadState(options.sort ?? 'top');
    this.mutations = new MutationQueue(connection, options.storage, (mutation, ack) => this.settled(mutation, ack));
    this.events = new SeqBuffer(
      {
        lastSeq: () => this.state.lastSeq,
        apply: (event) => {
          const arrived = this.state.applyEvent(event);
          if (arrived) this.emitNotice({ type: 'arrived', comment: arrived });
        },
        rejoin: () => this.join(),
        live: () => !this.disposed && this.joined,
      },
      options.gapGraceMs ?? 500,
    );
    this.unsubscribe = [
      connection.onStatus((status) => this.statusChanged(status)),
      connection.onThreadEvents((events) => this.receive(events)),
      connection.onError((error) => this.emitNotice({ type: 'error', error, action: 'connect' })),
      connection.onSession?.((session) => this.sessionChanged(session)) ?? (() => {}),
      connection.onGates?.((update) => (this.state.applyGates(update), this.changed())) ?? (() => {}),
    ];
    if (connection.status === 'connected') this.join();
  }

  get status(): ConnectionStatus {
    return this.connection.status;
  }
  get sort(): Sort {
    return this.state.sort;
  }
  get loaded(): boolean {
    return this.state.threadView !== null;
  }
  /** True while a join (the first, a rejoin, or one for a new sort) is on its way. */
  get joining(): boolean {
    return !this.joined;
  }
  get threadView(): ThreadView | null {
    return this.state.threadView;
  }
  get viewer(): ViewerState | null {
    return this.state.viewer;
  }
  get nextCursor(): string | null {
    return this.state.nextCursor;
  }
  get lastSeq(): number {
    return this.state.lastSeq;
  }
  get comments(): CommentCollection {
    return this.state.comments;
  }
  /** The next page of roots is on its way. */
  get loadingMore(): boolean {
    return this.paging?.loadingMore ?? false;
  }
  /** The roots whose next replies are on their way. */
  get loadingReplies(): ReadonlySet<string> {
    return this.paging?.loadingReplies ?? NO_ROOTS;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onNotice(listener: (notice: StoreNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /**
   * Re-authenticates the open connection with a fresh token (a refresh before expiry, or a sign-in
   * or sign-out) without reconnecting: no thread event can fall between two connections.
   */
  authenticate(token: string | undefined): void {
    this.connection.setToken?.(token);
    this.token = token;
    this.authenticated = true;
    if (this.connection.status === 'connected') return this.sendAuth(() => undefined);
    // A handshake may already be on its way with the old token: the next handshake carries the new
    // one, but to be sure the first connect after this re-authenticates before it joins [W-S8].
    this.reauthOnConnect = true;
  }

  private sendAuth(then: () => void): void {
    this.connection.request('session:auth', { token: this.token ?? null }, (ack) => {
      if (this.disposed) return;
      if (ack.ok) {
        this.authVersion++;
        this.sessionChanged(ack.data);
      } else this.emitNotice({ type: 'error', error: ack.error, action: 'auth' });
      then();
    });
  }

  private sessionChanged(session: ViewerSession): void {
    this.state.applySession(session);
    this.changed();
  }

  dispose(): void {
    this.disposed = true;
    this.events.cancelGap();
    this.unsubscribe.forEach((off) => off());
    this.listeners.clear();
    this.noticeListeners.clear();
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────

  groups(): DisplayGroup[] {
    if (this.groupsCache?.version === this.version) return this.groupsCache.groups;
    const groups = buildGroups({
      comments: this.state.comments,
      mutations: this.mutations.list,
      myReactions: this.state.myReactions,
      commentErrors: this.commentErrors,
      exhaustedReplies: this.state.exhaustedReplies,
      viewerId: this.state.viewerId,
      sort: this.state.sort,
    });
    this.groupsCache = { version: this.version, groups };
    return groups;
  }

  postVotes(): { plus: number; minus: number; vote: Vote | null } {
    const view = this.state.threadView;
    const base = { plus: view?.plus ?? 0, minus: view?.minus ?? 0, vote: this.state.myVote };
    return displayVote(base, this.mutations.list);
  }

  // ── joining and events ─────────────────────────────────────────────────────────────────────

  setSort(sort: Sort): void {
    if (sort === this.state.sort) return;
    this.state.sort = sort;
    if (this.status === 'connected') this.join();
    this.changed();
  }

  private statusChanged(status: ConnectionStatus): void {
    if (status === 'connected') {
      if (!this.reauthOnConnect) this.join(); // [W-S3]
      else {
        this.reauthOnConnect = false;
        this.sendAuth(() => this.join()); // [W-S8] the join answers for the reader the token names
      }
    } else {
      this.joined = false;
      this.joinGeneration++;
      this.mutations.connectionLost();
    }
    this.changed();
  }

  /**
   * A thread claim that arrived after the session started (fetched from `auth-url`): joins again
   * with it, so a thread the host creates through its claim opens without a reload.
   */
  setClaim(claim: string): void {
    if (!claim || claim === this.options.claim) return;
    this.options.claim = claim;
    if (this.status === 'connected') this.join();
  }

  /**
   * [PAINT-6] The first page from HTTP (a guest's join answer), shown before the socket has joined.
   * `reader`: who the page's token names, for the layout only [PAINT-11].
   * Ignored once anything else was loaded; the store stays `joining` until the socket's join answers.
   */
  prime(result: JoinResult, reader?: Pick<ViewerState, 'user' | 'role' | 'level'> | null): void {
    if (this.loaded || this.disposed || result.mode !== 'snapshot' || result.page.sort !== this.state.sort) return;
    // [PAINT-11] Drawn for the reader the page's token names (a layout guess; the join decides).
    this.state.applyJoin(reader ? { ...result, viewer: { ...result.viewer, ...reader } } : result);
    this.primed = true;
    this.primedFor = reader ? reader.role : 'guest';
    this.changed();
  }

  private join(): void {
    const generation = ++this.joinGeneration;
    const authVersion = this.authVersion;
    this.events.cancelGap();
    this.joined = false;
    const asGuest = this.authenticated ? this.token === undefined : !this.options.signedIn;
    // A reader (not a moderator: their views carry flag counts) replays from the primed page too,
    // asking for their reactions on the comments it shows [PAINT-6].
    const asReader = this.primedFor === 'reader' && !asGuest;
    const canReplay = this.loaded && this.state.snapshotSort === this.state.sort && (!this.primed || asGuest || asReader);
    const reactionsFor = canReplay && this.primed && asReader ? this.state.comments.ids() : [];
    const { claim, url, pageSize } = this.options;
    this.connection.request(
      'thread:join',
      joinInput({ thread: this.thread, sort: this.state.sort, since: canReplay ? this.state.lastSeq : null, pageSize, claim, url, reactionsFor }),
      (ack) => {
        if (this.disposed || generation !== this.joinGeneration) return;
        if (!ack.ok) {
          this.joinError = ack.error;
          return this.fail(ack.error, 'join');
        }
        this.joinError = null;
        // [W-S9] The reader signed in (or out) while this join was answered for the old one: its
        // viewer part (level, gates, own reactions) is stale, so ask again for the reader we are now.
        if (authVersion !== this.authVersion) return this.join();
        this.joined = true;
        this.primed = false;
        this.state.applyJoin(ack.data);
        this.events.drain();
        this.mutations.viewerKnown(this.state.viewerId); // [W-S5]
        this.withPaging(() => undefined); // its chunk, before a reader asks for a page
        this.changed();
      },
    );
  }

  /** One `thread:events` message: applied as a whole, then one render. */
  private receive(events: readonly ThreadEvent[]): void {
    const mine = events.filter((event) => event.thread === this.thread);
    if (!this.joined) {
      this.events.hold(mine);
      return;
    }
    const fresh = mine.filter((event) => event.seq > this.state.lastSeq); // [W-S1]
    if (fresh.length === 0) return;
    this.events.hold(fresh);
    this.events.drain();
    this.changed();
  }

  // ── paging ─────────────────────────────────────────────────────────────────────────────────

  loadMore(): void {
    this.withPaging((paging) => paging.loadMore());
  }

  /** A permalink's comment that no loaded page holds: its root and the replies around it [LINK-5]. */
  loadAround(commentId: string): void {
    this.withPaging((paging) => paging.loadAround(commentId));
  }

  loadReplies(rootId: string): void {
    this.withPaging((paging) => paging.loadReplies(rootId));
  }

  /** Runs `use` with the paging, at once once loaded, else when its chunk is here [PAINT-17]. */
  private withPaging(use: (paging: ThreadPaging) => void): void {
    if (this.paging) return use(this.paging);
    this.pagingLoad ??= import('./thread-paging.js').then(({ ThreadPaging }) => (this.paging ??= new ThreadPaging(this.pagingHost())));
    void this.pagingLoad.then((paging) => this.disposed || use(paging));
  }

  private pagingHost(): ConstructorParameters<typeof ThreadPaging>[0] {
    const { thread, connection, state } = this;
    return { thread, connection, state, pageSize: this.options.pageSize, joinGeneration: () => this.joinGeneration, disposed: () => this.disposed, changed: () => this.changed(), fail: (error, action) => this.fail(error, action) };
  }

  // ── this reader's mutations ────────────────────────────────────────────────────────────────

  /**
   * Posts a comment (or a reply to `parentId`); returns its requestId, or null for a guest.
   * `composeMs`, how long the reader was writing, is a hint for the server's spam check (SPEC SPAM-4).
   */
  post(body: string, parentId: string | null = null, composeMs?: number): string | null {
    const mutation = postMutation(this.state, { thread: this.thread, body, parentId, composeMs }, () => this.makeRequestId(), this.now());
    if (!mutation) return null;
    this.mutations.add(mutation);
    this.changed();
    return mutation.requestId;
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
    const text = body.trim();
    if (text) this.queue(commentId, (requestId, userId) => ({ kind: 'edit', requestId, userId, input: { requestId, thread: this.thread, commentId, body: text } }));
  }

  remove(commentId: string): void {
    this.queue(commentId, (requestId, userId) => ({ kind: 'delete', requestId, userId, input: { requestId, thread: this.thread, commentId } }));
  }

  /**
   * A moderator hides a comment or shows it again. Not optimistic and not queued: the change shows
   * when the server's `comment.hidden` event arrives, the same moment every reader sees it.
   */
  moderate(commentId: string, hidden: boolean): void {
    const requestId = this.makeRequestId();
    this.connection.request('comment:hide', { requestId, thread: this.thread, commentId, hidden }, (ack) => {
      if (!ack.ok) this.fail(ack.error, 'hide');
    });
  }

  /** Sets this reader's reaction; null takes it back. Shown at once, reverted if refused. */
  react(commentId: string, value: Reaction | null): void {
    this.queue(commentId, (requestId, userId) => ({ kind: 'react', requestId, userId, input: { requestId, thread: this.thread, commentId, value } }));
  }

  vote(value: Vote | null): void {
    this.queue(null, (requestId, userId) => ({ kind: 'vote', requestId, userId, input: { requestId, thread: this.thread, value } }));
  }

  /** Queues the signed-in reader's mutation on `commentId` (its last error cleared), shown at once. */
  private queue(commentId: string | null, build: (requestId: string, userId: string) => Mutation): void {
    const userId = this.state.viewerId;
    if (!userId) return;
    const requestId = this.makeRequestId();
    if (commentId !== null) this.commentErrors.delete(commentId);
    this.mutations.add(build(requestId, userId));
    this.changed();
  }

  private settled(mutation: Mutation, ack: Ack<unknown>): void {
    if (this.disposed) return;
    if (!ack.ok) {
      if (mutation.kind !== 'post' && mutation.kind !== 'vote') this.commentErrors.set(mutation.input.commentId, ack.error);
      return this.fail(ack.error, mutation.kind); // [W-S7]
    }
    const posted = this.state.applyAck(mutation, ack.data); // [W-S6]
    if (posted) this.emitNotice({ type: 'posted', comment: posted });
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
