/**
 * The inline forms of `<parley-comment>` — edit, reply, the delete confirmation, the flag reasons —
 * and what shows only after the thread is live: a comment not sent (Retry / Discard), a refused
 * action's message, a hidden comment's fetched words. Pure render functions (the comment element owns
 * the state); in the live parts' chunk, not in parley.js [PAINT-15]: a form opens on a click, and
 * none of these shows in a first paint. Words are only ever text bindings.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { FlagReason } from '@parley/protocol';
import type { DisplayComment } from '../state/display.js';
import type { ComposerSubmitEvent } from '../composer/composer.js';
import type { HiddenBody } from '../thread/moderation-desk.js';
import '../i18n/en-live.js';
import type { Key } from '../i18n/en.js';
import type { Translate } from '../i18n/translator.js';
import type { CommentAction } from './comment-action.js';

const COMPOSER_PARTS = 'composer-input, composer-submit, composer-cancel, edit-input, edit-save, counter';

const REASONS: readonly [FlagReason, Key][] = [
  ['spam', 'flagSpam'],
  ['abuse', 'flagAbuse'],
  ['off-topic', 'flagOffTopic'],
  ['other', 'flagOther'],
];

/** Escape closes an inline form, as it closes every one (focus is inside it). */
const escapeCloses = (close: () => void) => (event: KeyboardEvent) => {
  if (event.key !== 'Escape') return;
  event.preventDefault();
  close();
};

/** The comment's own words in a composer, saved as an edit. */
export function renderEditForm(t: Translate, c: DisplayComment, finish: (action: CommentAction | null) => void): TemplateResult {
  return html`<parley-composer
    class="inline-composer"
    part="edit-composer"
    exportparts=${COMPOSER_PARTS}
    mode="edit"
    compact
    cancellable
    focus-on-open
    .t=${t}
    label=${t('editYourComment')}
    submit-label=${t('save')}
    .value=${c.body}
    @parley-composer-submit=${(e: ComposerSubmitEvent) => finish({ type: 'edit', body: e.body })}
    @parley-composer-cancel=${() => finish(null)}
  ></parley-composer>`;
}

/** A reply's composer under the comment. */
export function renderReplyForm(t: Translate, c: DisplayComment, finish: (action: CommentAction | null) => void): TemplateResult {
  return html`<parley-composer
    class="inline-composer"
    part="reply-composer"
    exportparts=${COMPOSER_PARTS}
    compact
    cancellable
    focus-on-open
    .t=${t}
    label=${t('replyTo', { name: c.author.name })}
    placeholder=${t('replyTo', { name: c.author.name })}
    submit-label=${t('reply')}
    @parley-composer-submit=${(e: ComposerSubmitEvent) => finish({ type: 'reply', body: e.body, composeMs: e.composeMs })}
    @parley-composer-cancel=${() => finish(null)}
  ></parley-composer>`;
}

export function renderDeleteConfirmation(t: Translate, finish: (action: CommentAction | null) => void): TemplateResult {
  return html`<div class="notice confirm" part="delete-confirmation" role="group" aria-label=${t('confirmDeletion')}
    @keydown=${escapeCloses(() => finish(null))}>
    <span>${t('deleteQuestion')}</span>
    <span class="spacer"></span>
    <button type="button" class="small strong" part="delete-confirm" @click=${() => finish({ type: 'delete' })}>${t('delete')}</button>
    <button type="button" class="small" part="delete-cancel" @click=${() => finish(null)}>${t('cancel')}</button>
  </div>`;
}

/** The reasons, inline under the actions (never a browser prompt). */
export function renderFlagChooser(t: Translate, onPick: (reason: FlagReason) => void, onCancel: () => void): TemplateResult {
  return html`<div class="notice confirm" part="flag-chooser" role="group" aria-label=${t('whyFlag')} @keydown=${escapeCloses(onCancel)}>
    <span>${t('whyFlag')}</span>
    <span class="spacer"></span>
    ${REASONS.map(([reason, label]) => html`<button type="button" class="small" part="flag-reason" data-reason=${reason}
      @click=${() => onPick(reason)}>${t(label)}</button>`)}
    <button type="button" class="small" part="flag-cancel" @click=${onCancel}>${t('cancel')}</button>
  </div>`;
}

/** A comment not sent (with Retry and Discard), or a refused edit, reaction or delete. */
export function renderProblem(t: Translate, c: DisplayComment, act: (action: CommentAction) => void, rejected?: string | null): TemplateResult | typeof nothing {
  // [PREMOD-7] The reader's own held comment, rejected by a moderator (with their reason, when given).
  if (rejected !== undefined && c.held) {
    return html`<div class="notice error" part="rejected" role="status">${rejected ? t('rejectedBecause', { reason: rejected }) : t('rejectedByModerator')}</div>`;
  }
  if (c.state === 'failed') {
    return html`<div class="notice error" part="error" role="alert">
      <span>${c.error ? t('notSentBecause', { reason: t.error(c.error) }) : t('notSent')}</span>
      <span class="spacer"></span>
      <button type="button" class="small primary" part="retry" @click=${() => act({ type: 'retry' })}>${t('retry')}</button>
      <button type="button" class="small" part="discard" @click=${() => act({ type: 'discard' })}>${t('discard')}</button>
    </div>`;
  }
  if (c.error) return html`<div class="notice error" part="error" role="alert">${t.error(c.error)}</div>`;
  return nothing;
}

export function renderHiddenBody(body: HiddenBody | undefined): TemplateResult | typeof nothing {
  return typeof body === 'string' ? html`<p class="body hidden-body" part="hidden-body">${body}</p>` : nothing;
}
