/**
 * The flag and review parts of `<parley-comment>` a first paint may show: "Flag" for readers, the
 * flag count and "Show hidden text" for moderators (the reasons' chooser and the hidden words are
 * comment-forms.ts, in the live parts). Pure render functions; the comment element owns the state.
 * Words are only ever text bindings.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { DisplayComment } from '../state/display.js';
import type { FlagState, HiddenBody } from '../thread/moderation-desk.js';
import type { Translate } from '../i18n/translator.js';

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
