/**
 * One session of `<parley-thread>`: a connection to one (server, site, thread) and what runs on it —
 * the thread store, the economy and the moderation desk — started together and torn down together,
 * connection last.
 */
import type { ThreadConnection } from '../state/connection.js';
import { ThreadStore, type StoreNotice, type ThreadStoreOptions } from '../state/thread-store.js';
import { ThreadEconomy } from '../economy/thread-economy.js';
import { withRefusalsExplained } from '../economy/shortfall.js';
import type { LiveController } from './live-controller.js';
import { ModerationDesk } from './moderation-desk.js';

export interface ThreadSessionHost {
  /** The `<parley-thread>` element: the economy reads its `article` / `read-time` attributes. */
  element: Element;
  /** Presence and notes, attached to this session's store and connection. */
  liveRoom: LiveController;
  /** Something the element renders changed. */
  changed: () => void;
  notice: (notice: StoreNotice) => void;
}

export class ThreadSession {
  readonly store: ThreadStore;
  /** Read-to-earn, balance and the PnL report of this session. */
  readonly economy: ThreadEconomy;
  /** Flags, moderators' counts and hidden words of this session. */
  readonly desk: ModerationDesk;
  private readonly cleanup: (() => void)[];

  constructor(raw: ThreadConnection, options: ThreadStoreOptions, host: ThreadSessionHost) {
    // A refusal for want of Twei says what really earns (economy/shortfall.ts), wherever it shows.
    const connection = withRefusalsExplained(raw, () => this.economy.shortfallContext());
    const store = (this.store = new ThreadStore(connection, options));
    const economy = (this.economy = new ThreadEconomy(connection, options.thread, host.element, store));
    const desk = (this.desk = new ModerationDesk(connection, store, () => host.changed(), (error, action) =>
      host.notice({ type: 'error', error, action })));
    this.cleanup = [
      () => desk.dispose(),
      economy.subscribe(() => host.changed()),
      () => economy.dispose(),
      store.subscribe(() => host.changed()),
      host.liveRoom.attach(store, connection),
      store.onNotice((notice) => host.notice(notice)),
      () => store.dispose(),
      () => connection.close(),
    ];
  }

  dispose(): void {
    this.cleanup.forEach((cleanup) => cleanup());
  }
}
