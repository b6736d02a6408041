/**
 * A text box for a new comment, a reply or an edit. Keeps its own draft; tells its owner when the
 * reader submits (button or Ctrl/Cmd+Enter) or cancels (Escape or the Cancel button).
 * Setting `value` only fills the box; it never fires an event.
 *
 * @event parley-composer-submit - `ComposerSubmitEvent` with the typed `body` (not composed).
 * @event parley-composer-cancel - `ComposerCancelEvent` (not composed).
 *
 * @csspart composer-input / composer-submit - the text box and button of a new comment or reply.
 * @csspart edit-input / edit-save - the same, when `mode="edit"`.
 * @csspart composer-cancel - the Cancel button (reply and edit only).
 * @csspart counter - the character counter.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { Limits } from '@parley/protocol';
import { baseStyles } from '../shared/theme.styles.js';
import { composerStyles } from './composer.styles.js';
import '../i18n/en-live.js';
import { englishOnly, type Translate } from '../i18n/translator.js';

export class ComposerSubmitEvent extends Event {
  static readonly eventName = 'parley-composer-submit';
  readonly body: string;
  /** How long the reader was writing: from the first keystroke of this draft to the submit, in ms (a spam hint the server bounds). */
  readonly composeMs: number | undefined;
  constructor(body: string, composeMs?: number) {
    super(ComposerSubmitEvent.eventName, { bubbles: false, composed: false });
    this.body = body;
    this.composeMs = composeMs;
  }
}

export class ComposerCancelEvent extends Event {
  static readonly eventName = 'parley-composer-cancel';
  constructor() {
    super(ComposerCancelEvent.eventName, { bubbles: false, composed: false });
  }
}

/** Show the counter once the draft is this close to the limit. */
const COUNTER_FROM = 0.8;

export class ParleyComposer extends LitElement {
  static override styles = [baseStyles, composerStyles];
  static override properties = {
    value: { type: String },
    mode: { type: String },
    label: { type: String },
    placeholder: { type: String },
    submitLabel: { type: String, attribute: 'submit-label' },
    maxLength: { type: Number, attribute: 'max-length' },
    cancellable: { type: Boolean },
    compact: { type: Boolean, reflect: true },
    focusOnOpen: { type: Boolean, attribute: 'focus-on-open' },
    t: { attribute: false },
    draft: { state: true },
  };

  /** Text to start from (e.g. the comment being edited). */
  declare value: string;
  declare mode: 'comment' | 'edit';
  /** Accessible name of the text box. */
  declare label: string;
  declare placeholder: string;
  declare submitLabel: string;
  declare maxLength: number;
  declare cancellable: boolean;
  declare compact: boolean;
  declare focusOnOpen: boolean;
  /** The thread's words ("Post", the counter, the limit). */
  declare t: Translate;
  declare private draft: string;

  constructor() {
    super();
    this.value = '';
    this.mode = 'comment';
    // Empty: the words of `t` ("Add your comment", "Post") unless the owner names others.
    this.label = '';
    this.placeholder = '';
    this.submitLabel = '';
    this.t = englishOnly;
    this.maxLength = Limits.maxBodyLength;
    this.cancellable = false;
    this.compact = false;
    this.focusOnOpen = false;
    this.draft = '';
  }

  /** Empties the box after a successful submit. */
  /** Empties the box after a post; focus stays in the box (the Post button it was on disables) [W-C2]. */
  clear(): void {
    this.draft = '';
    this.startedAt = undefined;
    if (this.shadowRoot?.activeElement) void this.updateComplete.then(() => this.textarea?.focus());
  }

  override focus(options?: FocusOptions): void {
    this.textarea?.focus(options);
  }

  private get textarea(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('value')) this.draft = this.value;
  }

  protected override firstUpdated(): void {
    if (this.focusOnOpen) {
      const box = this.textarea;
      box?.focus();
      box?.setSelectionRange(box.value.length, box.value.length);
    }
  }

  protected override render() {
    const editing = this.mode === 'edit';
    const t = this.t;
    const length = characters(this.draft.trim());
    const over = length > this.maxLength;
    const level = length > this.maxLength ? 'over' : length >= this.maxLength * COUNTER_FROM ? 'near' : 'ok';
    return html`
      <div class="composer">
        <textarea
          part=${editing ? 'edit-input' : 'composer-input'}
          aria-label=${this.label || t('addComment')}
          placeholder=${this.placeholder || t('addComment')}
          .value=${this.draft}
          @input=${this.onInput}
          @keydown=${this.onKeydown}
        ></textarea>
        <div class="footer">
          <span class="hint"><kbd>Ctrl</kbd> + <kbd>Enter</kbd> ${t('toSend')}</span>
          ${level === 'ok'
            ? nothing
            : html`<span class="counter" part="counter" data-level=${level} aria-live="polite">
                ${t('counter', { count: length, max: this.maxLength })}
              </span>`}
          <span class="buttons">
            ${this.cancellable
              ? html`<button type="button" class="cancel" part="composer-cancel" @click=${this.cancel}>${t('cancel')}</button>`
              : nothing}
            <button
              type="button"
              class="submit"
              part=${editing ? 'edit-save' : 'composer-submit'}
              ?disabled=${length === 0 || over}
              aria-describedby=${over ? 'parley-over-limit' : nothing}
              @click=${this.submit}
            >
              ${this.submitLabel || t('post')}
            </button>
          </span>
        </div>
        ${over
          ? html`<p class="over" id="parley-over-limit" part="over-limit" role="status">
              ${t('overLimit', { count: length - this.maxLength, max: this.maxLength })}
            </p>`
          : nothing}
      </div>
    `;
  }

  /** When this draft's first keystroke happened (performance.now()); undefined while empty. */
  private startedAt: number | undefined;

  private onInput(event: Event): void {
    this.draft = (event.target as HTMLTextAreaElement).value;
    if (!this.draft) this.startedAt = undefined;
    else this.startedAt ??= performance.now();
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.submit();
    } else if (event.key === 'Escape' && this.cancellable) {
      event.preventDefault();
      this.cancel();
    }
  }

  private submit(): void {
    const body = this.draft.trim();
    // Over the limit the server would refuse it: keep the text here instead of a Retry that cannot succeed.
    if (!body || characters(body) > this.maxLength) return;
    const composeMs = this.startedAt === undefined ? undefined : Math.min(86_400_000, Math.round(performance.now() - this.startedAt));
    this.dispatchEvent(new ComposerSubmitEvent(body, composeMs));
  }

  private cancel(): void {
    this.dispatchEvent(new ComposerCancelEvent());
  }
}

/** Characters as the server counts them (code points: an emoji is one), cheaply when short. */
function characters(text: string): number {
  return [...text].length;
}
