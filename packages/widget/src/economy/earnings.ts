/**
 * `<parley-earnings>`: the reference page's economy blocks above the comments — "Read-to-Earn
 * opportunity" (Time to Read, You earned), the Post Profit / Post Loss report, and "Comment-to-Earn"
 * with what each action pays or costs before it is taken. Drawn from an EconomyView: the page's rules in a first paint, the live EconomyStore after.
 *
 * SELECTOR CONTRACT (browser tests depend on it):
 *   [part~=read-time] "4 min"   [part~=earned] "You earned: None" | "You earned: 3 Twei"
 *   [part~=balance] "12 Twei"   [part~=report-date]
 *   table[part~=profit] / table[part~=loss], rows tr[data-category=<category>] > td (amount or "...")
 *   [part~=profit-subtotal] [part~=loss-subtotal] [part~=total] "Total Twei Earned: …"
 *   button[part~=buy-report] "Get report — 1 Twei"   [part~=report-price] "Price for report instance: 1 Twei"
 *   select[part~=report-select] (when more than one report was bought)   [part~=economy-problem]
 *   [part~=report-status] "Up to date — nothing has moved on this post since this report" (no buy-report) |
 *     "2 new movements since your last report" | "This report is from <date> — a new one shows anything
 *     that moved since" (then buy-report says "Get new report — 1 Twei")
 *   [part~=prices] li[data-action=comment|like|dislike|plus|minus]
 *   compact mode: [part~=economy-line] > [part~=balance] [part~=earned] button[part~=report-toggle]
 *     (aria-expanded; opens [part~=pnl] below the line)
 *
 * Rules (tests name them):
 *   [W-E11] mode `off`: no Twei block and no cost hint anywhere in the thread.
 *   [W-E12] mode `compact`: one line — balance, what reading this post earned (of its cap), and a
 *           "Report" button that opens the same report card the full page has; no other panel.
 *   [W-E13] mode `full` (the default): the reference page's three blocks.
 *
 * @csspart earnings, read-to-earn, pnl, and every part above.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { LossCategories, ProfitCategories, type EconomyMode, type PnlCategory, type PnlReport } from '@parley/protocol';
import { baseStyles } from '../shared/theme.styles.js';
import { earningsStyles } from './earnings.styles.js';
import type { EconomyView } from './economy-view.js';
import { reportDate, twei } from './format.js';
import { loadedLiveParts } from '../thread/live-parts-loader.js';
import '../i18n/en-economy.js';
import type { Key } from '../i18n/en.js';
import { englishOnly, type Translate } from '../i18n/translator.js';

export class ParleyEarnings extends LitElement {
  static override styles = [baseStyles, earningsStyles];
  static override properties = {
    store: { attribute: false },
    readMinutes: { attribute: false },
    signedIn: { attribute: false },
    mode: { attribute: false },
    t: { attribute: false },
    reportOpen: { state: true },
  };

  /** Compact or full (off renders nothing at all). @default 'full' */
  declare mode: EconomyMode;
  /** Compact mode: the report card is open below the line. */
  declare private reportOpen: boolean;

  declare store: EconomyView | null;
  /** The article's time to read, minutes; null when the page gave no way to know. */
  declare readMinutes: number | null;
  declare signedIn: boolean;
  /** The thread's words. */
  declare t: Translate;

  private unsubscribe: (() => void) | null = null;
  private subscribedTo: EconomyView | null = null;

  constructor() {
    super();
    this.store = null;
    this.readMinutes = null;
    this.signedIn = false;
    this.mode = 'full';
    this.t = englishOnly;
    this.reportOpen = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.subscribedTo = null;
  }

  protected override willUpdate(): void {
    if (this.store === this.subscribedTo) return;
    this.unsubscribe?.();
    this.subscribedTo = this.store;
    this.unsubscribe = this.store?.subscribe(() => this.requestUpdate()) ?? null;
  }

  protected override render() {
    const store = this.store;
    const rules = store?.rules;
    if (!store || !rules || this.mode === 'off') return nothing; // [W-E11]
    if (this.mode === 'compact') return this.renderCompact(store); // [W-E12]
    const wallet = store.wallet;
    const report = store.shownReport;
    const t = this.t;
    const cap = twei(t, rules.readCapPerPost);
    return html`<section part="earnings" aria-label="Twei">
      <div class="card" part="read-to-earn">
        <h3>${t('readToEarn')}</h3>
        <div class="read">
          ${stat(t('timeToRead'), this.readMinutes === null ? '—' : t('readMinutes', { count: this.readMinutes }), 'read-time')}
          ${wallet && wallet.readEarned > 0
            ? stat(t('youEarned'), twei(t, wallet.readEarned), 'earned', true, 'earned')
            : stat(t('youEarned'), t('none'), 'earned', true)}
          ${wallet ? stat(t('yourBalance'), twei(t, wallet.balance), 'balance') : this.signedIn ? stat(t('yourBalance'), '...', 'balance') : nothing}
          ${stat(t('date'), report ? reportDate(t, report.boughtAt) : '...', 'report-date', false, 'date')}
        </div>
        <p class="muted" part="read-hint">
          ${!this.signedIn
            ? t('guestReadHint', { cap })
            : capReached(wallet)
              ? t('capReachedHint', { cap: twei(t, wallet!.dailyEarnCap!) })
              : t('readHint', { cap })}
        </p>
      </div>
      ${this.renderReport(store)}
      <div class="card" part="comment-to-earn">
        <h3>${t('commentToEarn')}</h3>
        ${this.prices()}
      </div>
    </section>`;
  }

  /** [W-E12] One line: balance, what reading this post earned, and the report behind a button. */
  private renderCompact(store: EconomyView): TemplateResult {
    const rules = store.rules!;
    const wallet = store.wallet;
    const t = this.t;
    const cap = twei(t, rules.readCapPerPost);
    return html`<section part="earnings" class="compact" aria-label="Twei">
      <div class="line" part="economy-line">
        <span class="coin" aria-hidden="true">T</span>
        ${wallet
          ? html`<span class="figures">
                <span class="figure" part="balance"><span class="label">${t('balance')}</span> <strong>${twei(t, wallet.balance)}</strong></span>
                <span class="figure" part="earned"><span class="label">${t('earnedReading')}</span>
                  <strong class=${wallet.readEarned > 0 ? 'earned' : ''}>${wallet.readEarned > 0 ? twei(t, wallet.readEarned) : t('none')}</strong>
                  <span class="label">${t('ofCap', { cap: rules.readCapPerPost })}</span></span>
              </span>
              <button type="button" class="toggle" part="report-toggle" aria-expanded=${this.reportOpen ? 'true' : 'false'}
                aria-controls="parley-report" aria-label=${t('reportLabel')}
                @click=${() => (this.reportOpen = !this.reportOpen)}>${t('report')}<span class="chevron" aria-hidden="true"></span></button>`
          : html`<span class="figures muted">${t('guestReadHint', { cap })}</span>`}
      </div>
      ${this.reportOpen && wallet ? this.renderReport(store) : nothing}
    </section>`;
  }

  /**
   * The Post Profit / Post Loss card, with the buy button only when a new report would differ
   * ([W-E7]). What only a live store has to say — the report's freshness, the picker of bought
   * reports, a refused purchase — comes with the live parts (report-status.ts, [PAINT-15]).
   */
  private renderReport(store: EconomyView): TemplateResult {
    const report = store.shownReport;
    const price = store.rules!.amounts.reports;
    const freshness = store.freshness;
    const t = this.t;
    const live = loadedLiveParts()?.report;
    return html`<div class="card" part="pnl" id="parley-report">
      <div class="tables">
        ${this.table(t('postProfit'), 'profit', ProfitCategories, report, t('profitSubtotal'), report?.profitSubtotal)}
        ${this.table(t('postLoss'), 'loss', LossCategories, report, t('lossSubtotal'), report?.lossSubtotal)}
      </div>
      <div class="summary">
        <span class="total" part="total">${t('total', { total: report ? t.n(report.total) : '...' })}</span>
        ${live ? live.picker(t, store) : nothing}
        ${this.signedIn && freshness.kind !== 'current'
          ? html`<button type="button" class="button" part="buy-report" ?disabled=${store.buying} @click=${() => store.buyReport()}>
              ${store.buying ? t('buying') : t(freshness.kind === 'none' ? 'getReport' : 'getNewReport', { price: twei(t, price) })}
            </button>`
          : nothing}
      </div>
      ${live && this.signedIn ? live.status(t, store) : nothing}
      <p class="muted" part="report-price">${t('reportPrice', { price: twei(t, price) })}</p>
      ${live ? live.problem(t, store) : nothing}
    </div>`;
  }

  private table(
    caption: string,
    part: 'profit' | 'loss',
    categories: readonly PnlCategory[],
    report: PnlReport | null,
    subtotalLabel: string,
    subtotal: number | undefined,
  ): TemplateResult {
    return html`<table part=${part} class=${part}>
      <caption>${caption}</caption>
      <tbody>
        ${categories.map(
          (category) => html`<tr data-category=${category}>
            <th scope="row">${this.t(`category.${category}` as Key)}</th>
            <td>${report ? this.t.n(report.lines[category]) : '...'}</td>
          </tr>`,
        )}
      </tbody>
      <tfoot>
        <tr part=${`${part}-subtotal`}>
          <th scope="row">${subtotalLabel}</th>
          <td>${subtotal === undefined ? '...' : this.t.n(subtotal)}</td>
        </tr>
      </tfoot>
    </table>`;
  }

  /** What each action pays (+) or costs (−) the reader who takes it, before they take it. */
  private prices(): TemplateResult {
    const a = this.store!.rules!.amounts;
    const t = this.t;
    const s = (amount: number) => twei(t, amount, true);
    const items: [string, Key, string][] = [
      ['comment', 'priceComment', t('priceCommentText', { tribute: s(-a.commentTributes), reward: s(a.commentRewards) })],
      ['like', 'priceLike', t('priceLikeText', { you: s(a.likesCommenter), them: s(a.likesOwn) })],
      ['dislike', 'priceDislike', t('priceDislikeText', { you: s(-a.dislikesCommenter), them: s(-a.dislikesOwn) })],
      ['plus', 'pricePlus', t('pricePlusText', { author: s(a.pluses) })],
      ['minus', 'priceMinus', s(-a.minuses)],
    ];
    return html`<ul class="prices" part="prices" aria-label=${t('pricesLabel')}>
      ${items.map(([action, label, text]) => html`<li data-action=${action}><strong>${t(label)}</strong> ${text}</li>`)}
    </ul>`;
  }
}

/** A labelled figure. `whole` puts the part on label and value together ("You earned: None"). */
function stat(label: string, value: string, part: string, whole = false, extraClass = ''): TemplateResult {
  return html`<div class="stat" part=${whole ? part : nothing}>
    <span class="label">${label}</span>
    <span class="value ${extraClass}" part=${whole ? nothing : part}>${value}</span>
  </div>`;
}

/** [W-E15] The reader reached the site's daily earning cap (the server's counters, on the wallet). */
function capReached(wallet: { earnedToday?: number; dailyEarnCap?: number } | null | undefined): boolean {
  return wallet?.earnedToday !== undefined && wallet.dailyEarnCap !== undefined && wallet.earnedToday >= wallet.dailyEarnCap;
}
