import { html, nothing, type TemplateResult } from 'lit';
import type { EconomyMode } from '@parley/protocol';
import type { ThreadConnection } from '../state/connection.js';
import { EconomyStore } from './economy-store.js';
import { duration, twei } from './format.js';
import { effectiveEconomyMode, parseEconomyMode } from './mode.js';
import type { ShortfallContext } from './shortfall.js';
import { articleReadMinutes } from './read-time.js';
import { ReadTracker } from './read-tracker.js';
import { englishOnly, type Translate } from '../i18n/translator.js';

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
  /** The thread's words (set by `<parley-thread>` as it renders): the blocks and refusals speak them. */
  t: Translate = englishOnly;
  private tracker: ReadTracker | null = null;
  private readonly off: (() => void)[];
  private viewerId: string | null | undefined = undefined;
  /** The viewer a mismatched wallet was refetched for, so a refetch happens once, never in a loop. */
  private refetchedFor: string | null | undefined = undefined;
  private pageMode: EconomyMode;
  private readonly listeners = new Set<() => void>();

  /** `viewer` follows the thread store: a sign-in, sign-out or new token there refetches the wallet. */
  constructor(connection: ThreadConnection, thread: string, host: Element, viewer: ViewerSource) {
    this.store = new EconomyStore(connection, { thread });
    this.readMinutes = articleReadMinutes(host.ownerDocument, host.getAttribute('article'), host.getAttribute('read-time'));
    this.pageMode = parseEconomyMode(host.getAttribute('economy'));
    // The page may change `economy` at any time (a settings toggle): follow it without a new session.
    const view = host.ownerDocument.defaultView as (Window & typeof globalThis) | null;
    const observer = view?.MutationObserver ? new view.MutationObserver(() => this.setPageMode(host.getAttribute('economy'))) : null;
    observer?.observe(host, { attributes: true, attributeFilter: ['economy'] });
    this.off = [
      () => observer?.disconnect(),
      this.store.subscribe(() => this.followStore()),
      viewer.subscribe(() => {
        const id = viewer.viewer?.user?.id ?? null;
        if (viewer.viewer && id !== this.viewerId) {
          // The first join's viewer matches what the connect-time fetch saw; later ones are changes.
          if (this.viewerId !== undefined) this.store.refresh();
          this.viewerId = id;
          this.checkWallet();
        }
      }),
    ];
  }

  /** [W-E9] What this widget shows: the lesser of the site's mode and the page's `economy` attribute. */
  get mode(): EconomyMode {
    return effectiveEconomyMode(this.store.mode, this.pageMode);
  }

  /** What a refusal for want of Twei is explained with ([W-E5]). */
  shortfallContext(): ShortfallContext {
    return { rules: this.store.rules, wallet: this.store.wallet, readMinutes: this.readMinutes, t: this.t };
  }

  setPageMode(value: string | null): void {
    const mode = parseEconomyMode(value);
    if (mode === this.pageMode) return;
    this.pageMode = mode;
    this.listeners.forEach((listener) => listener());
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    const off = this.store.subscribe(listener);
    return () => {
      this.listeners.delete(listener);
      off();
    };
  }

  dispose(): void {
    this.off.forEach((off) => off());
    this.tracker?.dispose();
    this.tracker = null;
    this.store.dispose();
  }

  /**
   * [W-E1] The wallet must be the viewer's: when a sign-in is answered before the first join is, the
   * first viewer seen is already the reader while the connect-time fetch answered for a guest (no
   * wallet) — or the other way round. Then fetch again, once for that viewer.
   */
  private checkWallet(): void {
    const { rules, wallet, answered } = this.store;
    if (!rules || !answered || this.viewerId === undefined || this.refetchedFor === this.viewerId) return;
    if ((this.viewerId !== null) === (wallet !== null)) return;
    this.refetchedFor = this.viewerId;
    this.store.refresh();
  }

  private followStore(): void {
    this.checkWallet();
    const { rules, wallet, mode } = this.store;
    // [W-E10] A site with the economy off pays nothing for reading: no heartbeats. A page that only
    // hides the blocks (`economy="off"` on a site that runs it) still earns, as the site's rules say.
    if (!rules || !wallet || mode === 'off') {
      this.tracker?.dispose();
      this.tracker = null;
    } else if (!this.tracker) {
      this.tracker = new ReadTracker({ beat: () => this.store.heartbeat(), intervalMs: rules.heartbeatMs });
    }
  }
}

/**
 * Under the composer: what posting costs and pays, before the reader posts. [W-E14] A reader who
 * cannot afford the tribute is told so before writing, with what earns it while reading this article
 * still pays (its cap and today's not reached).
 */
export function renderCommentPrice(economy: ThreadEconomy | null): TemplateResult | typeof nothing {
  const rules = economy?.store.rules;
  const wallet = economy?.store.wallet;
  // Drawn from the rules alone while the wallet is on its way [PAINT-10]: the composer is only
  // drawn for a signed-in reader, who has one.
  if (!rules || economy.mode === 'off') return nothing;
  const { commentTributes, commentRewards } = rules.amounts;
  const t = economy.t;
  const reading = wallet ? wallet.readEarned < rules.readCapPerPost && (wallet.earnedToday ?? 0) < (wallet.dailyEarnCap ?? Infinity) : false;
  const balance = t.n(wallet?.balance ?? 0);
  const short =
    !wallet || wallet.balance >= commentTributes
      ? ''
      : ` ${reading
          ? t('commentPriceShortReading', { balance, amount: twei(t, 1), time: duration(t, rules.readMsPerTwei) })
          : t('commentPriceShort', { balance })}`;
  return html`<p part="comment-price" class="comment-price">
    ${t('commentPrice', { tribute: twei(t, commentTributes), reward: twei(t, commentRewards) })}${short}
  </p>`;
}

export function renderEconomy(economy: ThreadEconomy | null, signedIn: boolean): TemplateResult | typeof nothing {
  if (!economy || economy.mode === 'off') return nothing;
  return html`<parley-earnings
    exportparts="earnings, read-to-earn, pnl, read-time, earned, balance, report-date, profit, loss, profit-subtotal,
      loss-subtotal, total, buy-report, report-price, report-select, economy-problem, prices, comment-to-earn,
      report-status, economy-line, report-toggle"
    .t=${economy.t}
    .mode=${economy.mode}
    .store=${economy.store}
    .readMinutes=${economy.readMinutes}
    .signedIn=${signedIn}
  ></parley-earnings>`;
}
