/**
 * One comment: author, level, time, body (text only), reactions and the reader's own actions.
 * Its replies are NOT children: the thread renders every comment as a sibling with `data-depth`,
 * so queries inside one comment never reach into another.
 *
 * @event parley-comment-action - `CommentActionEvent` (bubbles, not composed) for the thread.
 *
 * @csspart comment-main - the comment's own content (avatar, meta, body, actions).
 * @csspart avatar - the picture, or the initials circle.
 * @csspart author-name - @csspart level - @csspart time - @csspart edited - @csspart reply-to - @csspart awaiting-review
 * @csspart body - the text. @csspart tombstone - "This comment was deleted" / "Hidden by a moderator"
 *   (then `data-hidden`).
 * @csspart like - @csspart dislike - @csspart reply - @csspart edit - @csspart delete - @csspart hide
 *   (moderators and admins: "Hide" / "Unhide") - @csspart flag - readers other than the author; then
 *   @csspart flag-chooser - with @csspart flag-reason buttons (`data-reason`) and @csspart flag-cancel
 * @csspart flags - moderators: "2 flags". @csspart show-hidden - moderators, on a hidden comment;
 *   @csspart hidden-body - its words, fetched on demand.
 * @csspart delete-confirm - @csspart delete-cancel - @csspart retry - @csspart discard
 * @csspart reply-composer - @csspart edit-composer - the inline composers.
 * @csspart error - a refused action's message.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Reaction } from '@parley/protocol';
import type { DisplayComment } from '../state/display.js';
import { avatarColor, initials } from '../shared/avatar-style.js';
import { editIcon, replyIcon, thumbDownIcon, thumbUpIcon, trashIcon } from '../shared/icons.js';
import { absoluteTime, relativeTime } from '../shared/relative-time.js';
import { englishOnly, type Translate } from '../i18n/translator.js';
import { levelBadgeStyles } from '../shared/level-badge.styles.js';
import { baseStyles } from '../shared/theme.styles.js';
import { CommentActionEvent, type CommentAction } from './comment-action.js';
import type { FlagState, HiddenBody } from '../thread/moderation-desk.js';
import { renderFlagButton, renderFlagCount, renderShowHidden } from './comment-moderation.js';
import { loadedLiveParts, withLiveParts } from '../thread/live-parts-loader.js';
import { commentStyles } from './comment.styles.js';
import { commentBodyStyles, renderBody } from './comment-body.js';
import { permalinkOf } from '../thread/permalink.js';

export class ParleyComment extends LitElement {
  static override styles = [baseStyles, levelBadgeStyles, commentStyles, commentBodyStyles];
  static override properties = {
    comment: { attribute: false },
    now: { type: Number },
    signedIn: { type: Boolean, attribute: 'signed-in' },
    canModerate: { type: Boolean, attribute: 'can-moderate' },
    replyLockedFrom: { type: Number, attribute: 'reply-locked-from' },
    reactLockedFrom: { type: Number, attribute: 'react-locked-from' },
    flagLockedFrom: { type: Number, attribute: 'flag-locked-from' },
    flagState: { attribute: false },
    flags: { attribute: false },
    hiddenBody: { attribute: false },
    rejected: { attribute: false },
    t: { attribute: false },
    mode: { state: true },
    avatarFailed: { state: true },
  };

  declare comment: DisplayComment | null;
  /** The clock relative times are measured against; the thread ticks it every minute. */
  declare now: number;
  declare signedIn: boolean;
  declare canModerate: boolean;
  /** 0 when the viewer may reply; otherwise the level that unlocks it (the button says so). */
  declare replyLockedFrom: number;
  /** 0 when the viewer may react; otherwise the level that unlocks it. */
  declare reactLockedFrom: number;
  /** 0 when the viewer may flag; otherwise the level that unlocks it. */
  declare flagLockedFrom: number;
  declare flagState: FlagState | undefined;
  /** Moderators only: how many readers flagged it. */
  declare flags: number | undefined;
  /** Moderators only: a hidden comment's words once fetched (null while on their way). */
  declare hiddenBody: HiddenBody | undefined;
  /** Its author's own held comment was rejected: the moderator's reason, or null (SPEC PREMOD-7). */
  declare rejected: string | null | undefined;
  /** The thread's words. */
  declare t: Translate;
  declare private mode: 'view' | 'reply' | 'edit' | 'confirm-delete' | 'flag';
  declare private avatarFailed: boolean;
  /** Waiting for the live parts (the inline forms), while a form is open before they are here. */
  private formsWaiting: (() => void) | null = null;

  constructor() {
    super();
    this.comment = null;
    this.now = Date.now();
    this.signedIn = false;
    this.canModerate = false;
    this.replyLockedFrom = 0;
    this.reactLockedFrom = 0;
    this.flagLockedFrom = 0;
    this.t = englishOnly;
    this.mode = 'view';
    this.avatarFailed = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const previous = changed.get('comment');
    if (previous && this.comment && previous.author.avatar !== this.comment.author.avatar) this.avatarFailed = false;
    if (this.comment?.deleted || this.comment?.state !== 'sent') {
      if (this.mode !== 'view') this.mode = 'view';
    }
  }

  protected override render() {
    const t = this.t;
    const shown = this.comment;
    if (!shown) return nothing;
    // [I18N-9] An erased author is signed in the widget's language.
    const c = shown.erased ? { ...shown, author: { ...shown.author, name: t('formerReader') } } : shown;
    // [PAINT-15] The inline forms come with the live parts: a form opened (or a problem to show)
    // before they are here renders once they are.
    const forms = loadedLiveParts()?.forms;
    if (!forms && (this.mode !== 'view' || c.state === 'failed' || c.error || typeof this.hiddenBody === 'string' || this.rejected !== undefined)) this.awaitForms();
    return html`
      <article class="comment" part="comment-main" aria-label=${t('commentBy', { name: c.author.name })}>
        ${this.renderAvatar(c)}
        <div class="content">
          ${this.renderMeta(c)}
          ${c.replyToName ? html`<span class="reply-to" part="reply-to"><span class="flip" aria-hidden="true">↪</span> @${c.replyToName}</span>` : nothing}
          ${c.deleted
            ? html`<p class="tombstone" part="tombstone">${t('deleted')}</p>`
            : c.hidden
              ? html`<p class="tombstone" part="tombstone" data-hidden="true">${t('hiddenByModerator')}</p>${forms ? forms.renderHiddenBody(this.hiddenBody) : nothing}`
              : renderBody(this, c.body, c.doc, this.mode === 'edit')}
          ${this.mode === 'edit' && !c.deleted && forms ? forms.renderEditForm(t, c, this.finishForm) : nothing}
          ${forms ? forms.renderProblem(t, c, this.actOn, this.rejected) : nothing}
          ${c.state === 'sent' && !c.deleted && !c.held && this.mode !== 'edit' ? this.renderActions(c) : nothing}
          ${this.mode === 'confirm-delete' && forms ? forms.renderDeleteConfirmation(t, this.finishForm) : nothing}
          ${this.mode === 'flag' && forms ? forms.renderFlagChooser(t, (reason) => this.finish({ type: 'flag', reason }), () => this.finish(null)) : nothing}
          ${this.mode === 'reply' && forms ? forms.renderReplyForm(t, c, this.finishForm) : nothing}
        </div>
      </article>
    `;
  }

  private renderAvatar(c: DisplayComment) {
    if (c.author.avatar && !this.avatarFailed) {
      return html`<img class="avatar" part="avatar" src=${c.author.avatar} alt="" loading="lazy"
        referrerpolicy="no-referrer" @error=${() => (this.avatarFailed = true)} />`;
    }
    return html`<span class="avatar" part="avatar" aria-hidden="true" data-color=${avatarColor(c.author.id)}>${initials(c.author.name)}</span>`;
  }

  private renderMeta(c: DisplayComment) {
    const t = this.t;
    return html`<div class="meta">
      <h3 class="author" part="author-name">${c.author.name}</h3>
      <span class="level" part="level" title=${t('levelTitle', { level: c.author.level })}>${t('level', { level: c.author.level })}</span>
      ${permalinkOf(c, html`<time part="time" datetime=${new Date(c.createdAt).toISOString()} title=${absoluteTime(c.createdAt, t)}>
        ${relativeTime(c.createdAt, this.now, t)}
      </time>`)}
      ${c.edited && !c.deleted ? html`<span class="dot" aria-hidden="true"></span><span part="edited">${t('edited')}</span>` : nothing}
      ${this.canModerate ? renderFlagCount(t, this.flags) : nothing}
      ${c.held && this.rejected === undefined ? html`<span class="dot" aria-hidden="true"></span><span class="delivery" part="awaiting-review">${t('awaitingReview')}</span>` : nothing}
      ${c.state === 'pending'
        ? html`<span class="dot" aria-hidden="true"></span><span class="delivery" part="delivery">${t('sending')}</span>`
        : nothing}
    </div>`;
  }

  private renderActions(c: DisplayComment) {
    const name = c.author.name;
    const t = this.t;
    const canDelete = c.own || this.canModerate;
    return html`<div class="actions" part="actions">
      ${this.reactionButton(c, 'like', t('likeLabel', { name, count: c.likes }), c.likes)}
      ${this.reactionButton(c, 'dislike', t('dislikeLabel', { name, count: c.dislikes }), c.dislikes)}
      ${this.signedIn
        ? html`<button type="button" class="action" part="reply" aria-expanded=${this.mode === 'reply'}
            ?disabled=${this.replyLockedFrom > 0}
            title=${this.replyLockedFrom > 0 ? t('availableFrom', { level: this.replyLockedFrom }) : t('reply')}
            aria-label=${this.replyLockedFrom > 0 ? t('replyToLocked', { name, level: this.replyLockedFrom }) : t('replyTo', { name })}
            @click=${() => this.toggle('reply')}>${replyIcon}<span>${t('reply')}</span></button>`
        : nothing}
      ${this.canModerate
        ? html`<button type="button" class="action" part="hide"
            aria-label=${t(c.hidden ? 'showAgain' : 'hideFromReaders', { name })}
            @click=${() => this.act({ type: 'hide', hidden: !c.hidden })}>${t(c.hidden ? 'unhide' : 'hide')}</button>`
        : nothing}
      ${this.canModerate && c.hidden ? renderShowHidden(t, this.hiddenBody, () => this.act({ type: 'show-hidden' })) : nothing}
      ${this.signedIn && !c.own && !c.hidden && !this.canModerate
        ? renderFlagButton({ t, comment: c, lockedFrom: this.flagLockedFrom, state: this.flagState, open: this.mode === 'flag',
            onToggle: () => this.toggle('flag') })
        : nothing}
      ${c.own && !c.hidden
        ? html`<button type="button" class="action" part="edit" aria-label=${t('editYourComment')}
            @click=${() => this.toggle('edit')}>${editIcon}<span>${t('edit')}</span></button>`
        : nothing}
      ${canDelete
        ? html`<button type="button" class="action danger" part="delete"
            aria-label=${c.own ? t('deleteYours') : t('deleteBy', { name })}
            aria-expanded=${this.mode === 'confirm-delete'}
            @click=${() => this.toggle('confirm-delete')}>${trashIcon}<span>${t('delete')}</span></button>`
        : nothing}
    </div>`;
  }

  private reactionButton(c: DisplayComment, kind: Reaction, label: string, count: number) {
    const pressed = c.myReaction === kind;
    const t = this.t;
    return html`<button
      type="button"
      class=${`action ${kind}`}
      part=${kind}
      aria-pressed=${pressed ? 'true' : 'false'}
      aria-label=${label}
      title=${!this.signedIn
        ? t('signInToReact')
        : this.reactLockedFrom > 0
          ? t('availableFrom', { level: this.reactLockedFrom })
          : t(kind)}
      ?disabled=${!this.signedIn || this.reactLockedFrom > 0}
      @click=${() => this.act({ type: 'react', value: pressed ? null : kind })}
    >
      ${kind === 'like' ? thumbUpIcon : thumbDownIcon}<span class="count">${t.n(count)}</span>
    </button>`;
  }

  private toggle(mode: 'reply' | 'edit' | 'confirm-delete' | 'flag'): void {
    this.mode = this.mode === mode ? 'view' : mode;
    // Into the form that opened, so Escape and Tab work from the keyboard at once.
    const first = mode === 'confirm-delete' ? '[part~="delete-cancel"]' : mode === 'flag' ? '[part~="flag-reason"]' : null;
    if (first && this.mode === mode) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>(first)?.focus());
    }
  }

  /** Closes the inline form, sends its action (if any) and gives focus back to the action row. */
  private finish(action: CommentAction | null): void {
    const from = this.mode;
    this.mode = 'view';
    if (action) this.act(action);
    const target = from === 'reply' || from === 'edit' || from === 'flag' ? from : 'delete';
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLButtonElement>(`[part~="${target}"]`)?.focus(),
    );
  }

  private readonly finishForm = (action: CommentAction | null): void => this.finish(action);
  private readonly actOn = (action: CommentAction): void => this.act(action);

  private awaitForms(): void {
    this.formsWaiting ??= withLiveParts(() => {
      this.formsWaiting = null;
      this.requestUpdate();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.formsWaiting?.();
    this.formsWaiting = null;
  }

  private act(action: CommentAction): void {
    const c = this.comment;
    if (c) this.dispatchEvent(new CommentActionEvent(c.id, c.requestId, action));
  }
}
