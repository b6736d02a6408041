/**
 * `<parley-thread>`: a live comment thread.
 *
 * SELECTOR CONTRACT (browser tests depend on it; all shadow roots are open):
 *   [part~=count]                "5 Comments" / "1 Comment"
 *   [part~=status][data-status]  connected | reconnecting | offline
 *   button[part~=plus|minus]     post votes, each containing its count, aria-pressed = the viewer's vote;
 *                                below its gate disabled, title "Available from LVL n", and [part~=vote-lock] says so
 *   select[part~=sort]           values top | new | old
 *   [part~=comment]              one per comment, all siblings (replies are NOT descendants), with
 *                                data-id, data-depth=0|1|2, data-state=sent|pending|failed, data-deleted="true"
 *     inside: [part~=author-name] [part~=level] ("LVL 13") [part~=body] button[part~=like|dislike]
 *             (with counts, aria-pressed) button[part~=reply] button[part~=edit|delete] (own only)
 *             button[part~=retry] (failed only) button[part~=delete-confirm]
 *             textarea[part~=edit-input] + button[part~=edit-save] (inline edit)
 *             [part~=reply-composer] > textarea[part~=composer-input] + button[part~=composer-submit]
 *   [part~=composer] > textarea[part~=composer-input] + button[part~=composer-submit]   (main composer)
 *   button[part~=load-more]  button[part~=more-replies]  [part~=sign-in] (guests, a link when login-url is set)
 *   [part~=reading-now]      "2 reading now" (presence; appears once Yjs has loaded)
 *   [part~=typing][data-parent]  "Bella Ciao is typing a reply…" right after the comment answered
 *                                (data-parent = its id), or data-parent="" under the main composer
 *   [part~=notes] ("Key points", <parley-notes>) > textarea[part~=notes-input] (editors) |
 *                 [part~=notes-text] + [part~=notes-lock] "Editing available from LVL n" (others)
 *   [part~=locked] > [part~=lock-reason]   "Available from LVL 13" instead of the main composer when the
 *                                          reader is below the comment gate; reply/like buttons disabled
 *                                          with the same words as their title below theirs
 *   inside [part~=comment], flags and review (thread/moderation-desk.ts):
 *     button[part~=flag]         readers other than the author: opens [part~=flag-chooser] with
 *                                button[part~=flag-reason][data-reason=spam|abuse|off-topic|other]; then
 *                                disabled "Flagged — thank you"; below the gate disabled, title/aria "Available from LVL n"
 *     [part~=flags]              moderators: "2 flags", live from moderation:notice
 *     button[part~=show-hidden]  moderators, on a hidden comment: fetches its words into [part~=hidden-body]
 *
 * @event parley-comment-posted - `ParleyCommentPostedEvent`: the reader's comment was stored.
 * @event parley-error - `ParleyErrorEvent`: an action or the connection was refused.
 * @event parley-sign-in - `ParleySignInEvent`: a guest pressed "Sign in".
 *
 * @csspart base, header, count, plus, minus, vote-lock, sort, status, composer, sign-in, list, comment,
 *   more-replies, load-more, empty, and every part of `<parley-comment>` (re-exported).
 *
 * @cssproperty --parley-accent - buttons, pressed states, links.  @cssproperty --parley-accent-fg
 * @cssproperty --parley-bg @cssproperty --parley-surface @cssproperty --parley-fg
 * @cssproperty --parley-muted @cssproperty --parley-border @cssproperty --parley-danger
 * @cssproperty --parley-success @cssproperty --parley-warning @cssproperty --parley-radius
 * @cssproperty --parley-font @cssproperty --parley-font-size @cssproperty --parley-indent
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { ErrorCodes, Limits, Sorts, type Sort, type Vote } from '@parley/protocol';
import type { Connector } from '../state/connection.js';
import { sessionMutationStorage } from '../state/pending-mutations.js';
import type { StoreNotice } from '../state/thread-store.js';
import { PermalinkController } from './permalink.js';
import { connectLazily, DeferredConnection } from '../transport/deferred-connection.js';
import { fetchThreadPage } from '../transport/thread-page.js';
import type { ComposerSubmitEvent, ParleyComposer } from '../composer/composer.js';
import type { CommentActionEvent } from '../comment/comment-action.js';
import { ParleyCommentPostedEvent, ParleyErrorEvent, ParleySignInEvent } from '../events.js';
import { levelBadgeStyles } from '../shared/level-badge.styles.js';
import { baseStyles, themeTokens } from '../shared/theme.styles.js';
import { threadStyles } from './thread.styles.js';
import { renderEconomy } from '../economy/thread-economy.js';
import {
  renderCompose, renderEmpty, renderHeader, renderList, renderLoadMore, renderProblems, renderSkeleton,
} from './thread-parts.js';
import { LiveController } from './live-controller.js';
import { AuthUrlTokenSource } from './auth-token.js';
import { viewerAccess } from './viewer-access.js';
import { withLiveParts } from './live-parts-loader.js';
import { ThreadSession } from './thread-session.js';
import { SCRIPT_ORIGIN } from './script-origin.js';
import type { Catalog, Translate } from '../i18n/translator.js';
import { parseStrings, ThreadLanguage } from './thread-language.js';

/** How long the first paint waits for `auth-url`'s answer before it draws the thread for a guest. */
const AUTH_URL_PAINT_WAIT_MS = 1_000;

/** Relative times ("3 min ago") are refreshed this often. */
const CLOCK_TICK_MS = 60_000;

export class ParleyThread extends LitElement {
  static override styles = [themeTokens, baseStyles, levelBadgeStyles, threadStyles];
  static override properties = {
    thread: { type: String, attribute: 'thread' },
    server: { type: String, attribute: 'server' },
    token: { type: String, attribute: 'token' },
    site: { type: String, attribute: 'site' },
    authUrl: { type: String, attribute: 'auth-url' },
    loginUrl: { type: String, attribute: 'login-url' },
    fetchedToken: { state: true },
    sort: { type: String, attribute: 'sort' },
    pageSize: { type: Number, attribute: 'page-size' },
    theme: { type: String, attribute: 'theme', reflect: true },
    threadToken: { type: String, attribute: 'thread-token' },
    fetchedThreadToken: { state: true },
    url: { type: String, attribute: 'url' },
    lang: { type: String, reflect: true },
    strings: { attribute: 'strings', converter: { fromAttribute: parseStrings } },
    connector: { attribute: false },
    now: { state: true },
    announcement: { state: true },
    problem: { state: true },
  };

  /** Thread id chosen by the publisher, e.g. `news/2025/iran-mediation`. Required. */
  declare thread: string;
  /** Parley server URL. @default the origin that served parley.js */
  declare server: string;
  /** The reader's signed token from the host; empty for a guest. A new one re-authenticates in place. */
  declare token: string;
  /** The host's site id, when the server hosts several. @default the server's only site */
  declare site: string;
  /** Host endpoint answering `{ token }` for the logged-in reader (fetched with cookies, refreshed before expiry). */
  declare authUrl: string;
  /** The host's login page, linked from the guest's "Sign in". */
  declare loginUrl: string;
  declare private fetchedToken: string;
  /** @default 'top' */
  declare sort: Sort;
  /** Root comments per page. @default Limits.defaultPageSize (server side) */
  declare pageSize: number | undefined;
  /** light | dark | auto (follows prefers-color-scheme). @default 'light' — matches most article pages */
  declare theme: 'light' | 'dark' | 'auto';
  /**
   * The host's signed thread claim (a JWT from the host's backend, or `threadToken` from
   * `auth-url`): creates the thread and sets its title, canonical URL, gates and author. Nothing
   * the page says unsigned does (SPEC THREAD-2).
   */
  declare threadToken: string;
  declare private fetchedThreadToken: string;
  /** Sent on join, for paste-and-go creation only. @default location.href without its hash */
  declare url: string;
  /** [I18N-5] The host's words for any message key (see i18n/en.ts), over the language's own. */
  declare strings: Catalog | null;
  /** How to reach the server; tests pass a fake. @default Socket.IO, loaded after the first page is shown */
  declare connector: Connector;
  declare private now: number;
  declare private announcement: string;
  /** A refused action that has no comment to show it beside (a vote, a page, the connection). */
  declare private problem: string;

  private session: ThreadSession | null = null;
  private sessionToken = '';
  private tokenSource: { url: string; source: AuthUrlTokenSource } | null = null;
  /** The setup problem on show [PAINT-13], cleared once the thread is live. */
  private setupShown = '';
  /** The auth-url's first answer (undefined: none, or not in time), for the first paint [PAINT-11]. */
  private firstToken: Promise<string | undefined> | null = null;
  private sessionKey = '';
  private clock: ReturnType<typeof setInterval> | undefined;
  private readonly freshIds = new Set<string>();
  /** Presence and notes ("N reading now", typing, Key points), once Yjs has loaded. */
  private readonly liveRoom = new LiveController(this);
  /** `#comment-<id>`: scroll to, highlight and focus the linked comment, loading it if need be. */
  private readonly permalinks = new PermalinkController(this, () => this.session?.store ?? null);
  /** The words of the language resolved for this thread ([I18N-1]); English until its catalog is here. */
  private readonly language = new ThreadLanguage();
  private get t(): Translate {
    return this.language.t;
  }
  private readonly pageLang = new MutationObserver(() => this.requestUpdate());

  constructor() {
    super();
    this.thread = '';
    this.server = '';
    this.token = '';
    this.site = '';
    this.authUrl = '';
    this.loginUrl = '';
    this.fetchedToken = '';
    this.sort = 'top';
    this.pageSize = undefined;
    this.theme = 'light';
    this.threadToken = '';
    this.fetchedThreadToken = '';
    this.url = '';
    this.strings = null;
    this.connector = connectLazily;
    this.now = Date.now();
    this.announcement = '';
    this.problem = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.clock = setInterval(() => (this.now = Date.now()), CLOCK_TICK_MS);
    // The page's language may change under the thread (a language switch without a reload).
    this.pageLang.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
    this.pageLang.disconnect();
    this.tokenSource?.source.stop();
    this.tokenSource = null;
    this.endSession();
  }

  /** Sessions start here (not in `updated`), so their first state renders in this same update. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    this.language.ensure(this, this.strings, () => this.requestUpdate());
    this.ensureTokenSource();
    this.ensureSession();
    // A setup problem the first page revealed is over once the thread has joined (e.g. the server is back).
    const store = this.session?.store;
    if (this.setupShown && store && store.loaded && !store.joining) {
      if (this.problem === this.setupShown) this.problem = '';
      this.setupShown = '';
    }
    if (changed.has('sort')) this.session?.store.setSort(this.effectiveSort);
  }

  private get effectiveSort(): Sort {
    return (Sorts as readonly string[]).includes(this.sort) ? this.sort : 'top';
  }

  private ensureTokenSource(): void {
    const url = this.token ? '' : this.authUrl;
    if (this.tokenSource?.url === url) return;
    this.tokenSource?.source.stop();
    this.tokenSource = null;
    if (!url || !this.isConnected) return;
    // [PAINT-11] The first paint waits for the first answer (in parallel with the first page), so it
    // is drawn for the reader it will stay for — but never long: a slow auth-url draws as a guest.
    let answered: (token: string | undefined) => void = () => {};
    this.firstToken = new Promise<string | undefined>((resolve) => {
      answered = resolve;
      setTimeout(() => resolve(undefined), AUTH_URL_PAINT_WAIT_MS);
    });
    const source = new AuthUrlTokenSource(
      url,
      ({ token, threadToken }) => {
        answered(token);
        this.fetchedToken = token;
        if (threadToken) this.fetchedThreadToken = threadToken;
      },
      (reason) => {
        answered(undefined);
        this.problem = this.t('signInFailed', { reason });
      },
    );
    this.tokenSource = { url, source };
  }

  /**
   * One connection and store per (server, site, thread); any change starts a fresh session. A new
   * token re-authenticates the open connection instead (`session:auth`): nothing is missed meanwhile.
   */
  private ensureSession(): void {
    const server = this.server || SCRIPT_ORIGIN;
    const token = this.token || this.fetchedToken || '';
    const claim = this.threadToken || this.fetchedThreadToken || '';
    const key = JSON.stringify([server, this.site, this.thread]);
    if (!this.isConnected || !this.thread) return this.endSession();
    if (key === this.sessionKey) {
      if (token !== this.sessionToken) this.session?.store.authenticate(token || undefined);
      this.sessionToken = token;
      if (claim) this.session?.store.setClaim(claim);
      return;
    }
    // A word to the publisher in the console: it can wait for the live parts.
    withLiveParts((parts) => parts.warnUnsignedAttributes(this));
    this.endSession();
    this.sessionKey = key;
    this.sessionToken = token;
    const connection = this.connector(server, token || undefined, this.site || undefined);
    const pageSize = this.pageSize ? Math.min(Math.max(1, Math.floor(this.pageSize)), Limits.maxPageSize) : undefined;
    // [PAINT-7] The default connection loads Socket.IO only once the first page (one HTTP GET) is shown.
    const firstPaint =
      connection instanceof DeferredConnection
        ? {
            page: fetchThreadPage({ server, site: this.site || undefined, thread: this.thread, sort: this.effectiveSort, pageSize }),
            goLive: () => connection.start(),
            reader: token ? Promise.resolve(token) : (this.firstToken ?? Promise.resolve(undefined)),
          }
        : undefined;
    this.session = new ThreadSession(
      connection,
      {
        thread: this.thread,
        sort: this.effectiveSort,
        pageSize: this.pageSize,
        signedIn: Boolean(token),
        ...(claim && { claim }),
        url: this.url || location.href.split('#')[0],
        storage: sessionMutationStorage(`${server}|${this.thread}`),
      },
      {
        element: this,
        liveRoom: this.liveRoom,
        changed: () => this.requestUpdate(),
        painted: () => this.updateComplete,
        notice: (notice) => this.onNotice(notice),
        setupProblem: (shown, fix) => {
          this.problem = this.setupShown = shown;
          console.warn(`<parley-thread>: ${fix}`);
        },
      },
      firstPaint,
      server,
    );
  }

  private endSession(): void {
    this.session?.dispose();
    this.session = null;
    this.sessionKey = '';
  }

  private onNotice(notice: StoreNotice): void {
    if (notice.type === 'posted') this.dispatchEvent(new ParleyCommentPostedEvent(notice.comment));
    else if (notice.type === 'error' && notice.action === 'connect' && notice.error.code === ErrorCodes.invalidToken) {
      // [PAINT-14] Read on as a guest; the publisher is told why in the console.
      this.problem = this.t('readingAsGuest');
      console.warn(`<parley-thread>: the server refused the reader's token (${notice.error.message}); reading as a guest. Give the widget a fresh token (auth-url is refreshed before its exp).`);
      this.dispatchEvent(new ParleyErrorEvent(notice.error, notice.action));
    } else if (notice.type === 'error') {
      if (!['post', 'edit', 'delete', 'react', 'join'].includes(notice.action)) this.problem = this.t.error(notice.error);
      this.dispatchEvent(new ParleyErrorEvent(notice.error, notice.action));
    } else {
      this.freshIds.add(notice.comment.id);
      this.announcement = this.t('newCommentBy', { name: notice.comment.author.name });
    }
  }

  protected override render() {
    const session = this.session;
    const store = session?.store ?? null;
    const economy = session?.economy ?? null;
    const loaded = (store?.loaded ?? false) && !this.language.pending;
    const t = this.t;
    if (economy) economy.t = t;
    // The language's words are on their way (a chunk, usually faster than connecting): no English meanwhile.
    if (this.language.pending) return html`<section class="thread loading" part="base" aria-busy="true">${renderSkeleton(t)}</section>`;
    const viewer = store?.viewer ?? null;
    const access = viewerAccess(viewer);
    const votes = store?.postVotes() ?? { plus: 0, minus: 0, vote: null };
    const groups = loaded ? store!.groups() : [];
    const header = () =>
      renderHeader({
        t,
        count: loaded ? store!.threadView!.commentCount : null,
        ...votes,
        access,
        sort: this.effectiveSort,
        status: store?.status ?? 'connecting',
        onVote: (value: Vote | null) => store?.vote(value),
        onSort: (sort: Sort) => (this.sort = sort),
        readingNow: this.liveRoom.readingNow,
      });
    const problems = () => renderProblems(t, this.thread, store?.joinError ?? null, this.problem, () => (this.problem = ''));
    // [PAINT-10] Until the first page is in, a template of its own that holds a screen's height: what
    // follows the widget is not on screen yet, so it does not move when the thread arrives (and
    // nothing of the skeleton moves either — it is replaced, not pushed).
    if (!loaded) {
      return html`<section class="thread loading" part="base" aria-labelledby="parley-heading" aria-busy="true" lang=${t.locale} dir=${t.dir}>
        ${header()} ${problems()} ${renderSkeleton(t)}
        <div class="sr-only" aria-live="polite">${this.announcement}</div>
      </section>`;
    }
    return html`<section class="thread" part="base" aria-labelledby="parley-heading" lang=${t.locale} dir=${t.dir}>
      ${renderEconomy(economy, Boolean(viewer?.user))}
      ${header()}
      ${problems()}
      ${renderCompose({
              t,
              user: viewer?.user ?? null,
              commentLock: access.lockedFrom('comment'),
              restriction: viewer?.restriction?.message ?? null,
              economy,
              loginUrl: this.loginUrl,
              typing: this.liveRoom.typing.get(''),
              onSubmit: this.onComposerSubmit,
              onSignIn: () => this.dispatchEvent(new ParleySignInEvent()),
            })}
            ${this.liveRoom.renderNotes(t, Boolean(viewer?.user), { level: viewer?.level ?? 0, gates: viewer?.gates })}
            ${groups.length === 0
              ? renderEmpty(t)
              : renderList({
                  t,
                  groups,
                  now: this.now,
                  signedIn: Boolean(viewer?.user),
                  canModerate: viewer?.role === 'moderator' || viewer?.role === 'admin',
                  replyLockedFrom: access.lockedFrom('reply'),
                  reactLockedFrom: access.lockedFrom('react'),
                  flagLockedFrom: access.lockedFrom('flag'),
                  moderation: session!.moderation,
                  busy: store!.joining,
                  freshIds: this.freshIds,
                  loadingReplies: store!.loadingReplies,
                  onMoreReplies: (rootId) => store?.loadReplies(rootId),
                  typing: this.liveRoom.typing,
                })}
            ${store!.nextCursor ? renderLoadMore(t, store!.loadingMore, () => this.loadMore()) : nothing}
      <div class="sr-only" aria-live="polite">${this.announcement}</div>
    </section>`;
  }

  private readonly onComposerSubmit = (event: ComposerSubmitEvent): void => {
    this.liveRoom.stopTyping();
    if (this.session?.store.post(event.body, null, event.composeMs)) (event.target as ParleyComposer).clear();
  };

  /**
   * Actions from `<parley-comment>` elements bubble up to the list; they are done by the live parts
   * (thread/comment-actions.ts), there before the thread is live — one taken earlier waits for them.
   */
  private readonly onCommentAction = (event: CommentActionEvent): void => {
    const session = this.session;
    if (!session) return;
    withLiveParts((parts) => {
      if (this.session === session) parts.applyCommentAction(session, event, () => this.liveRoom.stopTyping());
    });
  };

  /** The last root shown when "Load more" was pressed: focus moves to the first one after it [W-C3]. */
  private loadMoreAfter: string | null = null;

  private loadMore(): void {
    const store = this.session?.store;
    if (!store) return;
    this.loadMoreAfter = store.groups().at(-1)?.root.id ?? null;
    store.loadMore();
  }

  protected override updated(): void {
    const after = this.loadMoreAfter;
    const store = this.session?.store;
    if (after === null || !store || store.loadingMore) return;
    this.loadMoreAfter = null;
    // The button the reader pressed may be gone (the last page): focus the first comment it brought.
    const roots = store.groups().map((g) => g.root.id);
    const next = roots[roots.indexOf(after) + 1];
    const target = next ? this.renderRoot.querySelector<HTMLElement>(`parley-comment[data-id="${CSS.escape(next)}"]`) : null;
    if (!target) return;
    target.tabIndex = -1;
    target.focus();
  }

  protected override firstUpdated(): void {
    this.renderRoot.addEventListener('parley-comment-action', this.onCommentAction as EventListener);
    this.renderRoot.addEventListener('input', this.liveRoom.onInput);
  }
}
