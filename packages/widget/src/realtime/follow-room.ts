/**
 * The live half of `<parley-thread>`'s presence and notes (thread/live-controller.ts), in the live
 * parts' chunk [PAINT-15]: loads Yjs once the socket's first join has answered, resyncs on every
 * completed (re)join or change of reader, turns composer input into "is typing", and applies the
 * reader's edits of the "Key points" to the shared text.
 */
import type { ThreadConnection } from '../state/connection.js';
import type { ThreadStore } from '../state/thread-store.js';
import type { ParleyComposer } from '../composer/composer.js';
import type { NotesInputEvent } from '../notes/notes.js';
import type { LiveController } from '../thread/live-controller.js';
import { loadLiveRoom } from './load-live-room.js';
import { diffText, moveCaret } from './text-diff.js';

/** Typing is shown to others until the reader has not typed for this long. */
const TYPING_IDLE_MS = 4_000;

/** Follows one session's store for `controller` (session number `session`); returns the unsubscribe. */
export function followRoom(controller: LiveController, store: ThreadStore, connection: ThreadConnection, session: number): () => void {
  let wasJoining = true;
  let requested = false;
  let viewerId: string | null = null;
  return store.subscribe(() => {
    // [PAINT-7] Not before the socket's first join: a first page shown from HTTP does not pull Yjs in.
    if (store.loaded && !store.joining && !requested) {
      requested = true;
      void start(controller, store, connection, session);
    }
    const id = store.viewer?.user?.id ?? null;
    const rejoined = wasJoining && !store.joining;
    wasJoining = store.joining;
    if (!controller.live) return;
    controller.live.setViewer(id);
    if (rejoined || (id !== viewerId && !store.joining)) controller.live.joinedThread();
    viewerId = id;
  });
}

async function start(controller: LiveController, store: ThreadStore, connection: ThreadConnection, session: number): Promise<void> {
  let room;
  try {
    room = await loadLiveRoom(connection, store.thread);
  } catch {
    // Presence and notes are extras: the comments keep working without them.
    controller.placeholder = false;
    controller.host.requestUpdate();
    return;
  }
  if (session !== controller.session) return room.dispose();
  controller.live = room;
  room.setViewer(store.viewer?.user?.id ?? null);
  room.subscribe(() => controller.host.requestUpdate());
  if (!store.joining) room.joinedThread();
  controller.host.requestUpdate();
}

/**
 * Typing, from the `input` events that cross out of composers' shadow roots: in a reply composer it
 * is a reply to that comment, in the main composer a new comment; edits are not announced.
 */
export function typingFrom(controller: LiveController, event: Event): void {
  const path = event.composedPath();
  const composer = path.find((node): node is ParleyComposer => node instanceof HTMLElement && node.localName === 'parley-composer');
  if (!composer || composer.mode === 'edit' || !controller.live) return;
  const comment = path.find((node) => node instanceof HTMLElement && node.localName === 'parley-comment') as
    | (HTMLElement & { comment?: { id: string } })
    | undefined;
  controller.live.setTyping(comment?.comment?.id ?? null);
  clearTimeout(controller.typingTimer);
  controller.typingTimer = setTimeout(() => controller.live?.setTyping(undefined), TYPING_IDLE_MS);
}

/** The reader's edit of the key points, as one minimal edit of the shared text. */
export function notesEdited(controller: LiveController, event: NotesInputEvent): void {
  const live = controller.live;
  const edit = live ? diffText(live.notes, event.value) : null;
  if (edit) live!.applyNotesEdit(edit);
  // A refused or clipped edit: render the shared text back into the box.
  if (live && live.notes !== event.value) controller.host.requestUpdate();
}

/** Sets a focused textarea's text, its caret (and selection) staying where the reader was. */
export function keepCaret(box: HTMLTextAreaElement, text: string): void {
  const before = box.value;
  const [start, end, direction] = [box.selectionStart, box.selectionEnd, box.selectionDirection];
  box.value = text;
  box.setSelectionRange(moveCaret(before, text, start), moveCaret(before, text, end), direction ?? undefined);
}
