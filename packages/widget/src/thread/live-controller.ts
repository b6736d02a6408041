/**
 * Presence and notes for `<parley-thread>`, as a Lit reactive controller: what the header and list
 * show of them ("N reading now", who is typing) and the "Key points" panel, whose frame the first
 * paint draws. What loads Yjs, follows the room and turns input into typing and edits is in the live
 * parts (realtime/follow-room.ts, [PAINT-15]). The thread only attaches it to a session.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Gates } from '@parley/protocol';
import type { ThreadConnection } from '../state/connection.js';
import type { ThreadStore } from '../state/thread-store.js';
import type { NotesInputEvent } from '../notes/notes.js';
import type { LiveRoom } from '../realtime/load-live-room.js';
import type { TypingMap } from '../realtime/room-view.js';
import { loadedLiveParts, withLiveParts } from './live-parts-loader.js';
import type { Translate } from '../i18n/translator.js';

const NO_TYPING: TypingMap = new Map();

export class LiveController implements ReactiveController {
  /** Presence and notes of the current session, once Yjs has loaded (set by the live parts). */
  live: LiveRoom | null = null;
  typingTimer: ReturnType<typeof setTimeout> | undefined;
  /** Counts sessions: a room that loads for an ended one is disposed. */
  session = 0;
  /** The notes' frame is drawn until Yjs has synced; false once it could not load (no notes then). */
  placeholder = true;

  constructor(readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.typingTimer);
  }

  get readingNow(): number | null {
    return this.live?.readingNow ?? null;
  }

  get typing(): TypingMap {
    return this.live?.typing ?? NO_TYPING;
  }

  /** Follows one session's store (once the live parts are in); the returned function ends it (and disposes the room). */
  attach(store: ThreadStore, connection: ThreadConnection): () => void {
    const session = ++this.session;
    let stop: (() => void) | null = null;
    const cancel = withLiveParts((parts) => (stop = parts.followRoom(this, store, connection, session)));
    return () => {
      cancel();
      stop?.();
      this.session++;
      clearTimeout(this.typingTimer);
      this.live?.dispose();
      this.live = null;
    };
  }

  /** Composer input, as "is typing" (the live parts say whose and where). */
  readonly onInput = (event: Event): void => {
    if (this.live) loadedLiveParts()?.typingFrom(this, event);
  };

  /** The reader sent (or dropped) what they were typing. */
  stopTyping(): void {
    clearTimeout(this.typingTimer);
    this.live?.setTyping(undefined);
  }

  /**
   * The "Key points" panel. Before Yjs has loaded and synced, its frame as it will be for this reader
   * (`reader`: level and the thread's gates), empty, so the list below does not move when it fills
   * in [PAINT-10].
   */
  renderNotes(t: Translate, signedIn: boolean, reader?: { level: number; gates: Gates | undefined }): TemplateResult | typeof nothing {
    const live = this.live;
    if (!live?.access) {
      if (!reader || !this.placeholder) return nothing;
      const required = reader.gates?.notes ?? 0;
      return html`<parley-notes
        exportparts="notes, notes-input, notes-text, notes-lock, notes-error"
        .t=${t}
        .text=${''}
        ?can-edit=${signedIn && reader.level >= required}
        .requiredLevel=${required}
        ?signed-in=${signedIn}
      ></parley-notes>`;
    }
    return html`<parley-notes
      exportparts="notes, notes-input, notes-text, notes-lock, notes-error"
      .t=${t}
      .text=${live.notes}
      ?can-edit=${live.access.canEdit}
      .requiredLevel=${live.access.requiredLevel}
      ?signed-in=${signedIn}
      .error=${live.notesError ? t.error(live.notesError) : ''}
      @parley-notes-input=${this.onNotesInput}
    ></parley-notes>`;
  }

  private readonly onNotesInput = (event: NotesInputEvent): void => {
    if (this.live) loadedLiveParts()?.notesEdited(this, event);
  };
}
