/**
 * One session of `<parley-thread>`: a connection to one (server, site, thread) and what runs on it —
 * the thread store, the economy and the moderation desk — started together and torn down together,
 * connection last. The economy's live store and the desk come with the live parts [PAINT-15], which
 * are in before the connection first goes live.
 */
import type { ThreadConnection } from '../state/connection.js';
import { ThreadStore, type StoreNotice, type ThreadStoreOptions } from '../state/thread-store.js';
import { ThreadEconomy } from '../economy/thread-economy.js';
import { withRefusalsExplained } from '../economy/shortfall.js';
import type { LiveController } from './live-controller.js';
import type { CommentModeration, ModerationDesk } from './moderation-desk.js';
import { loadLiveParts, withLiveParts } from './live-parts-loader.js';
import type { ThreadPageOutcome } from '../transport/thread-page.js';
import { tokenViewer } from './token-viewer.js';
import { ErrorCodes, Limits } from '@parley/protocol';

/** [PAINT-7] The first page over HTTP, and what starts the live connection once it is shown. */
export interface FirstPaint {
  page: Promise<ThreadPageOutcome>;
  /** Loads Socket.IO and connects; called once the first page is on screen (or could not be had). */
  goLive: () => void;
  /** The reader's token (the attribute's, or auth-url's first answer), for the first paint's layout [PAINT-11]. */
  reader?: Promise<string | undefined>;
}

export interface ThreadSessionHost {
  /** The `<parley-thread>` element: the economy reads its `article` / `read-time` attributes. */
  element: Element;
  /** Presence and notes, attached to this session's store and connection. */
  liveRoom: LiveController;
  /** Something the element renders changed. */
  changed: () => void;
  /** Resolves once what `changed` asked for is on screen. */
  painted: () => Promise<unknown>;
  notice: (notice: StoreNotice) => void;
  /** [PAINT-13] A setup problem the first page revealed: shown in the widget, the fix in the console. */
  setupProblem?: (shown: string, fix: string) => void;
}

export class ThreadSession {
  readonly store: ThreadStore;
  /** Read-to-earn, balance and the PnL report of this session. */
  readonly economy: ThreadEconomy;
  /** Flags, moderators' counts and hidden words of this session, once the live parts are in. */
  desk: ModerationDesk | null = null;
  /** What the list shows of flags and hidden words: the desk's, or (until it is here) a moderator's counts from the views. */
  get moderation(): CommentModeration {
    return this.desk ?? this.fromViews;
  }

  private readonly fromViews: CommentModeration = {
    flagState: () => undefined,
    flags: (id) => this.store.comments.get(id)?.flags,
    hiddenBody: () => undefined,
    rejected: () => undefined,
  };

  /** Why the first page could not be had over HTTP (the socket still tries); null when it came. */
  pageOutcome: ThreadPageOutcome | null = null;
  private readonly cleanup: (() => void)[];
  private disposed = false;

  constructor(
    raw: ThreadConnection,
    options: ThreadStoreOptions,
    host: ThreadSessionHost,
    firstPaint?: FirstPaint,
    private readonly server = '',
  ) {
    // A refusal for want of Twei says what really earns (economy/shortfall.ts), wherever it shows.
    const connection = withRefusalsExplained(raw, () => this.economy.shortfallContext());
    const store = (this.store = new ThreadStore(connection, options));
    const economy = (this.economy = new ThreadEconomy(host.element));
    this.cleanup = [
      withLiveParts((parts) => {
        parts.driveEconomy(economy, connection, options.thread, store);
        this.desk = new parts.ModerationDesk(connection, store, () => host.changed(), (error, action) =>
          host.notice({ type: 'error', error, action }));
        host.changed();
      }),
      () => this.desk?.dispose(),
      economy.subscribe(() => host.changed()),
      () => economy.dispose(),
      store.subscribe(() => host.changed()),
      host.liveRoom.attach(store, connection),
      store.onNotice((notice) => host.notice(notice)),
      () => store.dispose(),
      () => connection.close(),
    ];
    // [PAINT-7] A connector given by a test connects at once: so do the live parts load. The default
    // one loads them with Socket.IO, after the first paint.
    if (!firstPaint) void loadLiveParts().catch(() => undefined);
    if (firstPaint) void this.paintFirst(firstPaint, host);
  }

  /** [PAINT-7] Shows the first page, then goes live: Socket.IO is fetched only after the comments are painted. */
  private async paintFirst({ page, goLive, reader }: FirstPaint, host: ThreadSessionHost): Promise<void> {
    const [outcome, token] = await Promise.all([page, reader]);
    if (this.disposed) return;
    this.pageOutcome = outcome;
    if (outcome.ok) {
      this.store.prime(outcome.page.join, tokenViewer(token));
      if (outcome.page.economy) this.economy.store.prime(outcome.page.economy);
      await host.painted();
      // After the frame that shows them: rAF runs before that paint, the timeout after it. A hidden
      // tab runs no frames, hence the plain timeout too.
      await new Promise<void>((resolve) => {
        requestAnimationFrame(() => setTimeout(resolve, 0));
        setTimeout(resolve, 100);
      });
    }
    if (!outcome.ok) this.explain(outcome, host);
    if (!this.disposed) goLive();
  }

  /**
   * [PAINT-13] Setup errors that explain themselves: a page on an origin the site does not list, a
   * site the server does not host (or none named where several are), a thread id that is not one,
   * an unreachable server. An
   * unknown thread says nothing here: the socket's join may create it from the page's claim, and
   * says so itself when it cannot.
   */
  private explain(outcome: Extract<ThreadPageOutcome, { ok: false }>, host: ThreadSessionHost): void {
    const { error, status } = outcome;
    if (error?.code === ErrorCodes.originNotAllowed || error?.code === ErrorCodes.unknownSite) {
      host.setupProblem?.(this.economy.t('setupCannotShow', { reason: error.message }), error.message);
    } else if (error?.code === ErrorCodes.invalidPayload) {
      const thread = JSON.stringify(this.store.thread.slice(0, 80));
      host.setupProblem?.(
        this.economy.t('setupBadThread', { thread }),
        `the thread attribute ${thread} is not a thread id: use letters, digits and . _ : / - only, at most ${Limits.maxIdLength} characters (${error.message}).`,
      );
    } else if (status === 0) {
      host.setupProblem?.(
        this.economy.t('setupUnreachable'),
        `the Parley server at ${this.server} could not be reached: check that it is running and that the widget's \`server\` attribute (default: where parley.js came from) names it.`,
      );
    }
  }

  dispose(): void {
    this.disposed = true;
    this.cleanup.forEach((cleanup) => cleanup());
  }
}
