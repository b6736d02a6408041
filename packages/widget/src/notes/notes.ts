/**
 * `<parley-notes>`: the thread's "Key points", written together live by readers at or above the
 * `notes` gate; everyone else reads them as they change. The element only shows text and reports
 * edits: the owner applies them to the shared Y.Text and sets `text` back.
 * Setting `text` never fires an event, and keeps the caret where the reader was typing.
 *
 * @event parley-notes-input - `NotesInputEvent` with the textarea's new `value` (not composed).
 *
 * @csspart notes - the panel.  @csspart notes-input - the textarea (editors).
 * @csspart notes-text - the read-only text.  @csspart notes-lock - "Editing available from LVL n".
 * @csspart notes-error - a refused edit.
 */
import { LitElement, html, nothing } from 'lit';
import { RealtimeLimits } from '@parley/protocol';
import { loadedLiveParts } from '../thread/live-parts-loader.js';
import { baseStyles } from '../shared/theme.styles.js';
import { notesStyles } from './notes.styles.js';
import { englishOnly, type Translate } from '../i18n/translator.js';

export class NotesInputEvent extends Event {
  static readonly eventName = 'parley-notes-input';
  constructor(readonly value: string) {
    super(NotesInputEvent.eventName, { bubbles: false, composed: false });
  }
}

export class ParleyNotes extends LitElement {
  static override styles = [baseStyles, notesStyles];
  static override properties = {
    text: { type: String },
    canEdit: { type: Boolean, attribute: 'can-edit' },
    requiredLevel: { type: Number, attribute: 'required-level' },
    signedIn: { type: Boolean, attribute: 'signed-in' },
    error: { type: String },
    t: { attribute: false },
  };

  declare text: string;
  declare canEdit: boolean;
  /** The `notes` gate, shown to readers below it; null when they must sign in first. */
  declare requiredLevel: number | null;
  declare signedIn: boolean;
  declare error: string;
  /** The thread's words. */
  declare t: Translate;

  constructor() {
    super();
    this.text = '';
    this.canEdit = false;
    this.requiredLevel = null;
    this.signedIn = false;
    this.error = '';
    this.t = englishOnly;
  }

  protected override render() {
    const t = this.t;
    const lock = this.canEdit
      ? nothing
      : html`<span class="lock" part="notes-lock">${
          this.requiredLevel !== null ? t('notesLocked', { level: this.requiredLevel }) : t('signInToEdit')
        }</span>`;
    return html`<section class="notes" part="notes" aria-labelledby="notes-heading">
      <div class="head">
        <h3 id="notes-heading">${t('keyPoints')}</h3>
        ${this.canEdit ? html`<span class="hint">${t('notesHint')}</span>` : lock}
      </div>
      ${this.canEdit
        ? html`<textarea
            part="notes-input"
            aria-labelledby="notes-heading"
            placeholder=${t('notesPlaceholder')}
            maxlength=${RealtimeLimits.maxNotesLength}
            @input=${this.onInput}
          ></textarea>`
        : // One line: the text is shown with white-space: pre-wrap, so template whitespace would show.
          html`<p class="text" part="notes-text" aria-live="polite">${this.text || html`<span class="empty">${t('notesEmpty')}</span>`}</p>`}
      ${this.error ? html`<p class="error" part="notes-error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }

  /**
   * The textarea is not bound with `.value`: a re-render would throw the caret to the end. The caret
   * is kept by the live parts (realtime/follow-room.ts): text changes under it only once live.
   */
  protected override updated(): void {
    const box = this.renderRoot.querySelector('textarea');
    if (!box || box.value === this.text) return;
    const keepCaret = this.shadowRoot?.activeElement === box ? loadedLiveParts()?.keepCaret : undefined;
    if (keepCaret) keepCaret(box, this.text);
    else box.value = this.text;
  }

  private onInput(event: Event): void {
    this.dispatchEvent(new NotesInputEvent((event.target as HTMLTextAreaElement).value));
  }
}
