import { html, nothing, type TemplateResult } from 'lit';
import type { ThreadConnection } from '../state/connection.js';
import { EconomyStore } from './economy-store.js';
import { twei } from './format.js';
import { articleReadMinutes } from './read-time.js';
import { ReadTracker } from './read-tracker.js';

/** What the economy needs of the thread store: who the viewer is, and when that changes. */
export interface ViewerSource {
  readonly viewer: { user: { id: string } | null } | null;
  subscribe(listener: () => void): () => void;
}

/**
 * The economy part of one `<parley-thread>` session: the store, the read-time estimate from the
 * page's `article` / `read-time` attributes, and the read tracker — which starts only once the
 * server's rules say how often to beat and the reader has a wallet (guests earn nothing).
 */
export class ThreadEconomy {
  readonly store: EconomyStore;
  readonly readMinutes: number | null;
  private tracker: ReadTracker | null = null;
  private readonly off: (() => void)[];
  private viewerId: string | null | undefined = undefined;

  /** `viewer` follows the thread store: a sign-in, sign-out or new token there refetches the wallet. */
  constructor(connection: ThreadConnection, thread: string, host: Element, viewer: ViewerSource) {
    this.store = new EconomyStore(connection, { thread });
    this.readMinutes = articleReadMinutes(host.ownerDocument, host.getAttribute('article'), host.getAttribute('read-time'));
    this.off = [
      this.store.subscribe(() => this.followStore()),
      viewer.subscribe(() => {
        const id = viewer.viewer?.user?.id ?? null;
        if (viewer.viewer && id !== this.viewerId) {
          // The first join's viewer matches what the connect-time fetch saw; later ones are changes.
          if (this.viewerId !== undefined) this.store.refresh();
          this.viewerId = id;
        }
      }),
    ];
  }

  subscribe(listener: () => void): () => void {
    return this.store.subscribe(listener);
  }

  dispose(): void {
    this.off.forEach((off) => off());
    this.tracker?.dispose();
    this.tracker = null;
    this.store.dispose();
  }

  private followStore(): void {
    const { rules, wallet } = this.store;
    if (!rules || !wallet) {
      this.tracker?.dispose();
      this.tracker = null;
    } else if (!this.tracker) {
      this.tracker = new ReadTracker({ beat: () => this.store.heartbeat(), intervalMs: rules.heartbeatMs });
    }
  }
}

/** Under the composer: what posting costs and pays, before the reader posts. */
export function renderCommentPrice(economy: ThreadEconomy | null): TemplateResult | typeof nothing {
  const amounts = economy?.store.rules?.amounts;
  if (!amounts || !economy?.store.wallet) return nothing;
  return html`<p part="comment-price" class="comment-price">
    Posting costs a ${twei(amounts.commentTributes)} tribute and earns ${twei(amounts.commentRewards)}.
  </p>`;
}

export function renderEconomy(economy: ThreadEconomy | null, signedIn: boolean): TemplateResult | typeof nothing {
  if (!economy) return nothing;
  return html`<parley-earnings
    exportparts="earnings, read-to-earn, pnl, read-time, earned, balance, report-date, profit, loss, profit-subtotal,
      loss-subtotal, total, buy-report, report-price, report-select, economy-problem, prices, comment-to-earn"
    .store=${economy.store}
    .readMinutes=${economy.readMinutes}
    .signedIn=${signedIn}
  ></parley-earnings>`;
}
