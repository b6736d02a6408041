/**
 * The flag and review parts of `<parley-comment>`: "Flag" with its inline reason chooser for
 * readers, the flag count and "Show hidden text" for moderators. Pure render functions; the
 * comment element owns the state. Words are only ever text bindings.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { FlagReason } from '@parley/protocol';
import type { DisplayComment } from '../state/display.js';
import type { FlagState, HiddenBody } from '../thread/moderation-desk.js';
import { plural } from '../shared/relative-time.js';

const REASONS: readonly [FlagReason, string][] = [
  ['spam', 'Spam'],
  ['abuse', 'Abuse'],
  ['off-topic', 'Off-topic'],
  ['other', 'Other'],
];

export interface FlagButtonInput {
  comment: DisplayComment;
  /** 0 when the viewer may flag; otherwise the level that unlocks it. */
  lockedFrom: number;
  state: FlagState | undefined;
  open: boolean;
  onToggle: () => void;
}

/** Readers other than the author: "Flag", locked below the gate, "Flagged — thank you" once stored. */
export function renderFlagButton(f: FlagButtonInput): TemplateResult {
  const name = f.comment.author.name;
  const lock = f.lockedFrom > 0 ? `Available from LVL ${f.lockedFrom}` : '';
  const text = f.state === 'flagged' ? 'Flagged — thank you' : f.state === 'sending' ? 'Flagging…' : 'Flag';
  return html`<button type="button" class="action" part="flag" aria-expanded=${f.open}
    ?disabled=${Boolean(lock) || f.state !== undefined}
    title=${lock || (f.state ? text : 'Report this comment to the moderators')}
    aria-label=${lock ? `Flag comment by ${name}, available from LVL ${f.lockedFrom}` : f.state ? text : `Flag comment by ${name}`}
    @click=${f.onToggle}>${text}</button>`;
}

/** The reasons, inline under the actions (never a browser prompt). */
export function renderFlagChooser(onPick: (reason: FlagReason) => void, onCancel: () => void): TemplateResult {
  // Escape closes it, as it closes every inline form (focus is inside: on the first reason).
  const onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    onCancel();
  };
  return html`<div class="notice confirm" part="flag-chooser" role="group" aria-label="Why flag this comment?" @keydown=${onKeydown}>
    <span>Why flag this comment?</span>
    <span class="spacer"></span>
    ${REASONS.map(([reason, label]) => html`<button type="button" class="small" part="flag-reason" data-reason=${reason}
      @click=${() => onPick(reason)}>${label}</button>`)}
    <button type="button" class="small" part="flag-cancel" @click=${onCancel}>Cancel</button>
  </div>`;
}

/** Moderators: how many readers flagged it (nothing when none did). */
export function renderFlagCount(flags: number | undefined): TemplateResult | typeof nothing {
  if (!flags) return nothing;
  return html`<span class="dot" aria-hidden="true"></span><span class="flags" part="flags"
    title=${`Flagged by ${plural(flags, 'reader', 'readers')}`}>${plural(flags, 'flag', 'flags')}</span>`;
}

/** Moderators on a hidden comment: fetch and show its words inline, or put them away again. */
export function renderShowHidden(body: HiddenBody | undefined, onToggle: () => void): TemplateResult {
  return html`<button type="button" class="action" part="show-hidden" aria-expanded=${body !== undefined}
    ?disabled=${body === null} @click=${onToggle}>${body === undefined ? 'Show hidden text' : body === null ? 'Loading…' : 'Put hidden text away'}</button>`;
}

export function renderHiddenBody(body: HiddenBody | undefined): TemplateResult | typeof nothing {
  return typeof body === 'string' ? html`<p class="body hidden-body" part="hidden-body">${body}</p>` : nothing;
}
