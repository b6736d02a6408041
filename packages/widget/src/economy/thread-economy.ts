import { html, nothing, type TemplateResult } from 'lit';
import type { EconomyMode } from '@parley/protocol';
import { PrimedEconomy, type EconomyView } from './economy-view.js';
import { duration, twei } from './format.js';
import { effectiveEconomyMode, parseEconomyMode } from './mode.js';
import type { ShortfallContext } from './shortfall.js';
import { articleReadMinutes } from './read-time.js';
import { englishOnly, type Translate } from '../i18n/translator.js';

/**
 * The economy part of one `<parley-thread>` session: what it draws from (the page's rules in a first
 * paint, then the live store), the read-time estimate from the page's `article` / `read-time`
 * attributes, and the page's `economy` mode. What talks to the server — the store, the wallet checks,
 * the read tracker — comes with the live parts (economy-driver.ts, [PAINT-15]) and takes over here.
 */
export class ThreadEconomy {
  /** The primed rules until the live parts are in, then the EconomyStore. */
  store: EconomyView = new PrimedEconomy();
  readonly readMinutes: number | null;
  /** The thread's words (set by `<parley-thread>` as it renders): the blocks and refusals speak them. */
  t: Translate = englishOnly;
  private pageMode: EconomyMode;
  private readonly listeners = new Set<() => void>();
  private readonly off: (() => void)[];
  private storeOff: () => void;

  constructor(host: Element) {
    this.readMinutes = articleReadMinutes(host.ownerDocument, host.getAttribute('article'), host.getAttribute('read-time'));
    this.pageMode = parseEconomyMode(host.getAttribute('economy'));
    // The page may change `economy` at any time (a settings toggle): follow it without a new session.
    const view = host.ownerDocument.defaultView as (Window & typeof globalThis) | null;
    const observer = view?.MutationObserver ? new view.MutationObserver(() => this.setPageMode(host.getAttribute('economy'))) : null;
    observer?.observe(host, { attributes: true, attributeFilter: ['economy'] });
    this.off = [() => observer?.disconnect()];
    this.storeOff = this.store.subscribe(() => this.emit());
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
    this.emit();
  }

  /** [PAINT-15] The live store takes over from the primed rules (it keeps them until `economy:state` answers). */
  useStore(store: EconomyView, stop: () => void): void {
    const primed = this.store;
    if (primed.rules) store.prime({ rules: primed.rules, mode: primed.mode });
    this.storeOff();
    primed.dispose();
    this.store = store;
    this.storeOff = store.subscribe(() => this.emit());
    this.off.push(stop);
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.off.forEach((off) => off());
    this.storeOff();
    this.store.dispose();
    this.listeners.clear();
  }

  private emit(): void {
    this.listeners.forEach((listener) => listener());
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
