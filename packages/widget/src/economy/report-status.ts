/**
 * What the Post Profit / Post Loss card says only once the live store has answered, in the live
 * parts' chunk [PAINT-15]: whether a new report would show anything ([W-E7], [W-E8]), the picker of
 * the reports bought, and a refused purchase ([W-E4]). Pure render functions of the store.
 */
import { html, nothing, type TemplateResult } from 'lit';
import '../i18n/en-live.js';
import type { Translate } from '../i18n/translator.js';
import type { EconomyView } from './economy-view.js';
import { reportDate } from './format.js';

/** "Up to date…", "2 new movements since your last report", "This report is from <date>…". */
export function status(t: Translate, store: EconomyView): TemplateResult | typeof nothing {
  const freshness = store.freshness;
  const text =
    freshness.kind === 'current'
      ? t('upToDate')
      : freshness.kind === 'changed'
        ? t('newMovements', { count: freshness.movements })
        : freshness.kind === 'unknown' && store.reports[0]
          ? t('reportFrom', { date: reportDate(t, store.reports[0].boughtAt) })
          : null;
  return text ? html`<p class=${`report-status ${freshness.kind}`} part="report-status" role="status">${text}</p>` : nothing;
}

/** The reports bought, when there is more than one to choose from. */
export function picker(t: Translate, store: EconomyView): TemplateResult | typeof nothing {
  if (store.reports.length < 2) return nothing;
  const shown = store.shownReport;
  return html`<label class="muted">
    ${t('report')}
    <select part="report-select" @change=${(e: Event) => store.showReport((e.target as HTMLSelectElement).value)}>
      ${store.reports.map((r) => html`<option value=${r.id} ?selected=${r.id === shown?.id}>${reportDate(t, r.boughtAt)}</option>`)}
    </select>
  </label>`;
}

export function problem(t: Translate, store: EconomyView): TemplateResult | typeof nothing {
  return store.error ? html`<p class="problem" part="economy-problem" role="alert">${t.error(store.error)}</p>` : nothing;
}
