/**
 * The Yjs side of one thread in the widget: presence (y-protocols awareness) and the shared notes
 * (a Y.Doc with Y.Text `key-points`). DOM-free. Loaded lazily, after the comments are visible, so
 * Yjs never delays the first paint (see load-live-room.ts).
 *
 * Rules (tests name them):
 *   [W-L1] nothing is sent before the thread is joined; every (re)join re-announces presence, asks who
 *          is here, and syncs the notes (step 1, then step 2 with what the server lacks).
 *   [W-L2] local notes edits are sent merged, at most one update per FLUSH_MS; while offline they stay
 *          in the doc and reach the server with the next join's step 2 — nothing typed is lost.
 *   [W-L3] a refused edit (gate) makes the notes read-only and puts back the server's text.
 *   [W-L4] when the connection drops, other readers' presence is cleared until the next join.
 */
import {
  ErrorCodes,
  NOTES_TEXT,
  RealtimeLimits,
  type PresenceState,
} from '@parley/protocol';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ThreadConnection } from '../state/connection.js';
import type { TextEdit } from './text-diff.js';
import { readingNow, typingMap, type TypingMap } from './room-view.js';

/** Local notes edits are merged for this long before being sent: one update per burst of keys. */
const FLUSH_MS = 150;
const REMOTE = 'remote';

export interface NotesAccess {
  canEdit: boolean;
  requiredLevel: number | null;
}

export class LiveRoom {
  /** Presence has its own doc: the notes doc is replaced when refused edits are dropped ([W-L3]). */
  readonly awareness = new Awareness(new Y.Doc());
  doc!: Y.Doc;
  text!: Y.Text;
  /** Null until the first notes sync answers. */
  access: NotesAccess | null = null;
  /** The last refusal of a notes edit, for the panel to show. */
  notesError: string | null = null;

  private joined = false;
  private pending: Uint8Array[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly cleanup: (() => void)[] = [];
  private viewerKey: string | null = null;

  constructor(
    private readonly connection: ThreadConnection,
    readonly thread: string,
  ) {
    this.awareness.setLocalState({ typing: null });
    this.awareness.on('update', this.onAwarenessUpdate);
    this.awareness.on('change', this.notify);
    this.replaceDoc();
    this.cleanup.push(
      connection.onRelay?.('presence:update', (relay) => {
        if (relay.thread === this.thread) applyAwarenessUpdate(this.awareness, new Uint8Array(relay.update), REMOTE);
      }) ?? noop,
      connection.onRelay?.('notes:update', (relay) => {
        if (relay.thread === this.thread) Y.applyUpdate(this.doc, new Uint8Array(relay.update), REMOTE);
      }) ?? noop,
      connection.onStatus((status) => {
        if (status !== 'connected') this.left();
      }),
    );
  }

  /** Who the viewer is, for counting their own tabs once: their user id, or null for a guest. */
  setViewer(userId: string | null): void {
    this.viewerKey = userId ? `u:${userId}` : null;
  }

  private get ownKey(): string {
    return this.viewerKey ?? `g:${this.awareness.clientID}`;
  }

  get readingNow(): number {
    return readingNow(this.otherStates(), this.ownKey);
  }

  get typing(): TypingMap {
    return typingMap(this.otherStates(), this.ownKey);
  }

  get notes(): string {
    return this.text.toString();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** [W-L1] Called by the thread after every successful join (first, rejoin, after a reconnect). */
  joinedThread(): void {
    this.joined = true;
    // A fresh clock makes peers take the state again, even where a removal of it was relayed.
    this.awareness.setLocalState(this.awareness.getLocalState());
    this.connection.request('presence:sync', { thread: this.thread }, (ack) => {
      if (ack.ok) applyAwarenessUpdate(this.awareness, new Uint8Array(ack.data.update), REMOTE);
    });
    this.syncNotes();
  }

  /** Where the viewer is typing: a comment id, null for the main composer, undefined for nowhere. */
  setTyping(parentId: string | null | undefined): void {
    const typing = parentId === undefined ? null : { parentId };
    const current = (this.awareness.getLocalState() as { typing?: unknown } | null)?.typing ?? null;
    if (JSON.stringify(current) === JSON.stringify(typing)) return;
    this.awareness.setLocalStateField('typing', typing);
  }

  /**
   * Applies one edit of the textarea (see text-diff.ts; computed by the caller so that module stays
   * in the main bundle) to the shared text.
   */
  applyNotesEdit(edit: TextEdit): void {
    if (!this.access?.canEdit || edit.index + edit.remove > this.text.length) return;
    if (this.text.length - edit.remove + edit.insert.length > RealtimeLimits.maxNotesLength) return;
    this.doc.transact(() => {
      if (edit.remove > 0) this.text.delete(edit.index, edit.remove);
      if (edit.insert) this.text.insert(edit.index, edit.insert);
    });
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    this.cleanup.forEach((fn) => fn());
    // Tell the room we left (a removal), if we still can; the server would drop us on disconnect anyway.
    if (this.joined) removeAwarenessStates(this.awareness, [this.awareness.clientID], 'local');
    this.awareness.destroy();
    this.awareness.doc.destroy();
    this.doc.destroy();
    this.listeners.clear();
  }

  private otherStates(): Partial<PresenceState>[] {
    const states: Partial<PresenceState>[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId !== this.awareness.clientID) states.push(state as Partial<PresenceState>);
    }
    return states;
  }

  private syncNotes(): void {
    const doc = this.doc;
    this.connection.request('notes:sync', { thread: this.thread, stateVector: Y.encodeStateVector(doc) }, (ack) => {
      if (!ack.ok || doc !== this.doc) return; // a later sync of a fresh doc is on its way
      const data = ack.data;
      Y.applyUpdate(doc, new Uint8Array(data.update), REMOTE);
      this.access = { canEdit: data.canEdit, requiredLevel: data.requiredLevel };
      // [W-L2] Step 2: whatever the server lacks — edits made offline, or sends lost in a drop.
      const missing = Y.encodeStateAsUpdate(doc, new Uint8Array(data.stateVector));
      this.pending = [];
      if (data.canEdit && hasChanges(missing)) this.send(missing);
      this.notify();
    });
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.notify();
    if (origin === REMOTE) return;
    this.pending.push(update);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  };

  private flush(): void {
    this.flushTimer = undefined;
    // [W-L2] Offline or not yet joined: the edits wait in the doc for the next join's step 2.
    if (!this.joined || this.connection.status !== 'connected' || this.pending.length === 0) return;
    const update = this.pending.length === 1 ? this.pending[0]! : Y.mergeUpdates(this.pending);
    this.pending = [];
    this.send(update);
  }

  private send(update: Uint8Array): void {
    this.connection.request('notes:update', { thread: this.thread, update }, (ack) => {
      if (ack.ok) {
        if (this.notesError) {
          this.notesError = null;
          this.notify();
        }
        return;
      }
      this.notesError = ack.error.message;
      if (ack.error.code === ErrorCodes.levelRequired || ack.error.code === ErrorCodes.authRequired) {
        this.access = { canEdit: false, requiredLevel: numberOr(ack.error.required) };
        this.resetNotes(); // [W-L3]
      } else if (ack.error.code === ErrorCodes.rateLimited) {
        setTimeout(() => this.joined && this.syncNotes(), numberOr(ack.error.retryAfterMs) ?? 1000);
      }
      this.notify();
    });
  }

  /**
   * [W-L3] Drops local changes the server refused: a Yjs doc cannot forget what it has, so a fresh doc
   * takes its place and syncs from nothing, getting exactly the server's text.
   */
  private resetNotes(): void {
    this.replaceDoc();
    if (this.joined) this.syncNotes();
  }

  private replaceDoc(): void {
    this.doc?.destroy();
    this.pending = [];
    this.doc = new Y.Doc();
    this.text = this.doc.getText(NOTES_TEXT);
    this.doc.on('update', this.onDocUpdate);
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === REMOTE || !this.joined || this.connection.status !== 'connected') return;
    const own = [...added, ...updated, ...removed].filter((id) => id === this.awareness.clientID);
    if (own.length === 0) return;
    const update = encodeAwarenessUpdate(this.awareness, own);
    this.connection.request('presence:update', { thread: this.thread, update }, noop);
  };

  /** [W-L4] */
  private left(): void {
    this.joined = false;
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.awareness.clientID);
    removeAwarenessStates(this.awareness, others, REMOTE);
    // Forget their clocks too: the next join's presence:sync brings the same states with the same
    // clocks, which y-protocols would otherwise ignore as already seen.
    for (const id of this.awareness.meta.keys()) if (id !== this.awareness.clientID) this.awareness.meta.delete(id);
  }

  private readonly notify = (): void => this.listeners.forEach((listener) => listener());
}

function hasChanges(update: Uint8Array): boolean {
  const decoded = Y.decodeUpdate(update);
  return decoded.structs.length > 0 || decoded.ds.clients.size > 0;
}

const numberOr = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const noop = (): void => {};
