/**
 * Presence and notes for `<parley-thread>`, as a Lit reactive controller: loads Yjs once the first
 * comments are shown, resyncs on every completed (re)join or change of reader, turns composer input
 * into "is typing", and renders the "Key points" panel. The thread only attaches it to a session.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Gates } from '@parley/protocol';
import type { ThreadConnection } from '../state/connection.js';
import type { ThreadStore } from '../state/thread-store.js';
import type { ParleyComposer } from '../composer/composer.js';
import type { NotesInputEvent } from '../notes/notes.js';
import { loadLiveRoom, type LiveRoom } from '../realtime/load-live-room.js';
import type { TypingMap } from '../realtime/room-view.js';
import { diffText } from '../realtime/text-diff.js';
import type { Translate } from '../i18n/translator.js';

/** Typing is shown to others until the reader has not typed for this long. */
const TYPING_IDLE_MS = 4_000;
const NO_TYPING: TypingMap = new Map();

export class LiveController implements ReactiveController {
  /** Presence and notes of the current session, once Yjs has loaded. */
  private live: LiveRoom | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private session = 0;
  /** The notes' frame is drawn until Yjs has synced; false once it could not load (no notes then). */
  private placeholder = true;

  constructor(private readonly host: ReactiveControllerHost) {
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

  /** Follows one session's store; the returned function ends it (and disposes the room). */
  attach(store: ThreadStore, connection: ThreadConnection): () => void {
    const session = ++this.session;
    let wasJoining = true;
    let requested = false;
    let viewerId: string | null = null;
    const unsubscribe = store.subscribe(() => {
      // [PAINT-7] Not before the socket's first join: a first page shown from HTTP does not pull Yjs in.
      if (store.loaded && !store.joining && !requested) {
        requested = true;
        void this.start(store, connection, session);
      }
      const id = store.viewer?.user?.id ?? null;
      const rejoined = wasJoining && !store.joining;
      wasJoining = store.joining;
      if (!this.live) return;
      this.live.setViewer(id);
      if (rejoined || (id !== viewerId && !store.joining)) this.live.joinedThread();
      viewerId = id;
    });
    return () => {
      unsubscribe();
      this.session++;
      clearTimeout(this.typingTimer);
      this.live?.dispose();
      this.live = null;
    };
  }

  private async start(store: ThreadStore, connection: ThreadConnection, session: number): Promise<void> {
    let room: LiveRoom;
    try {
      room = await loadLiveRoom(connection, store.thread);
    } catch {
      // Presence and notes are extras: the comments keep working without them.
      this.placeholder = false;
      this.host.requestUpdate();
      return;
    }
    if (session !== this.session) return room.dispose();
    this.live = room;
    room.setViewer(store.viewer?.user?.id ?? null);
    room.subscribe(() => this.host.requestUpdate());
    if (!store.joining) room.joinedThread();
    this.host.requestUpdate();
  }

  /**
   * Typing, from the `input` events that cross out of composers' shadow roots: in a reply composer
   * it is a reply to that comment, in the main composer a new comment; edits are not announced.
   */
  readonly onInput = (event: Event): void => {
    const path = event.composedPath();
    const composer = path.find((node): node is ParleyComposer => node instanceof HTMLElement && node.localName === 'parley-composer');
    if (!composer || composer.mode === 'edit' || !this.live) return;
    const comment = path.find((node) => node instanceof HTMLElement && node.localName === 'parley-comment') as
      | (HTMLElement & { comment?: { id: string } })
      | undefined;
    this.live.setTyping(comment?.comment?.id ?? null);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.live?.setTyping(undefined), TYPING_IDLE_MS);
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
    const live = this.live;
    const edit = live ? diffText(live.notes, event.value) : null;
    if (edit) live!.applyNotesEdit(edit);
    // A refused or clipped edit: render the shared text back into the box.
    if (live && live.notes !== event.value) this.host.requestUpdate();
  };
}
