/**
 * The flag and review parts of `<parley-comment>`: "Flag" with its inline reason chooser for
 * readers, the flag count and "Show hidden text" for moderators. Pure render functions; the
 * comment element owns the state. Words are only ever text bindings.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { FlagReason } from '@parley/protocol';
import type { DisplayComment } from '../state/display.js';
import type { FlagState, HiddenBody } from '../thread/moderation-desk.js';
import type { Key } from '../i18n/en.js';
import type { Translate } from '../i18n/translator.js';

const REASONS: readonly [FlagReason, Key][] = [
  ['spam', 'flagSpam'],
  ['abuse', 'flagAbuse'],
  ['off-topic', 'flagOffTopic'],
  ['other', 'flagOther'],
];

export interface FlagButtonInput {
  t: Translate;
  comment: DisplayComment;
  /** 0 when the viewer may flag; otherwise the level that unlocks it. */
  lockedFrom: number;
  state: FlagState | undefined;
  open: boolean;
  onToggle: () => void;
}

/** Readers other than the author: "Flag", locked below the gate, "Flagged — thank you" once stored. */
export function renderFlagButton(f: FlagButtonInput): TemplateResult {
  const { t } = f;
  const name = f.comment.author.name;
  const lock = f.lockedFrom > 0 ? t('availableFrom', { level: f.lockedFrom }) : '';
  const text = t(f.state === 'flagged' ? 'flagged' : f.state === 'sending' ? 'flagging' : 'flag');
  return html`<button type="button" class="action" part="flag" aria-expanded=${f.open}
    ?disabled=${Boolean(lock) || f.state !== undefined}
    title=${lock || (f.state ? text : t('flagTitle'))}
    aria-label=${lock ? t('flagByLocked', { name, level: f.lockedFrom }) : f.state ? text : t('flagBy', { name })}
    @click=${f.onToggle}>${text}</button>`;
}

/** The reasons, inline under the actions (never a browser prompt). */
export function renderFlagChooser(t: Translate, onPick: (reason: FlagReason) => void, onCancel: () => void): TemplateResult {
  // Escape closes it, as it closes every inline form (focus is inside: on the first reason).
  const onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    onCancel();
  };
  return html`<div class="notice confirm" part="flag-chooser" role="group" aria-label=${t('whyFlag')} @keydown=${onKeydown}>
    <span>${t('whyFlag')}</span>
    <span class="spacer"></span>
    ${REASONS.map(([reason, label]) => html`<button type="button" class="small" part="flag-reason" data-reason=${reason}
      @click=${() => onPick(reason)}>${t(label)}</button>`)}
    <button type="button" class="small" part="flag-cancel" @click=${onCancel}>${t('cancel')}</button>
  </div>`;
}

/** Moderators: how many readers flagged it (nothing when none did). */
export function renderFlagCount(t: Translate, flags: number | undefined): TemplateResult | typeof nothing {
  if (!flags) return nothing;
  return html`<span class="dot" aria-hidden="true"></span><span class="flags" part="flags"
    title=${t('flaggedBy', { count: flags })}>${t('flags', { count: flags })}</span>`;
}

/** Moderators on a hidden comment: fetch and show its words inline, or put them away again. */
export function renderShowHidden(t: Translate, body: HiddenBody | undefined, onToggle: () => void): TemplateResult {
  return html`<button type="button" class="action" part="show-hidden" aria-expanded=${body !== undefined}
    ?disabled=${body === null} @click=${onToggle}>${t(body === undefined ? 'showHidden' : body === null ? 'loading' : 'putHiddenAway')}</button>`;
}

export function renderHiddenBody(body: HiddenBody | undefined): TemplateResult | typeof nothing {
  return typeof body === 'string' ? html`<p class="body hidden-body" part="hidden-body">${body}</p>` : nothing;
}
