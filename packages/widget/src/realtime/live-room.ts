/**
 * The live side of one thread in the widget: presence (what the server tells this reader: the
 * count and who types where, in a PresenceView) and the shared notes (a Y.Doc with Y.Text
 * `key-points`). DOM-free. Loaded lazily, after the comments are visible, so Yjs never delays the
 * first paint (see load-live-room.ts).
 *
 * Rules (tests name them):
 *   [W-L1] nothing is sent before the thread is joined; every (re)join announces presence
 *          (`presence:set`), asks who is here (`presence:sync`) and syncs the notes (step 1, then
 *          step 2 with what the server lacks); presence is renewed every PRESENCE_RENEW_MS and
 *          sent again at once when the viewer starts, stops or moves typing.
 *   [W-L2] local notes edits are sent merged, at most one update per FLUSH_MS; while offline they stay
 *          in the doc and reach the server with the next join's step 2 — nothing typed is lost.
 *   [W-L3] a refused edit (gate) makes the notes read-only and puts back the server's text.
 *   [W-L4] when the connection drops, other readers' presence is cleared until the next join.
 */
import { ErrorCodes, NOTES_TEXT, PresenceView, RealtimeLimits, type ParleyError, type PresenceChange, type Typing } from '@parley/protocol';
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
  /** The room's presence as the server reports it. */
  readonly presence: PresenceView;
  doc!: Y.Doc;
  text!: Y.Text;
  /** Null until the first notes sync answers. */
  access: NotesAccess | null = null;
  /** The last refusal of a notes edit, for the panel to show (in the reader's words: I18N-6). */
  notesError: ParleyError | null = null;

  private joined = false;
  private pending: Uint8Array[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly cleanup: (() => void)[] = [];
  private viewerKey: string | null = null;
  private typingNow: Typing | null = null;
  private renewTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly connection: ThreadConnection,
    readonly thread: string,
  ) {
    this.presence = new PresenceView(thread);
    this.replaceDoc();
    // [W-L5] A change riding on thread:events (PRES-9) is applied exactly as a presence:state.
    const apply = (change?: PresenceChange): void => {
      if (change && this.presence.applyChange(change)) this.notify();
    };
    this.cleanup.push(
      connection.onRelay?.('presence:state', apply) ?? noop,
      connection.onThreadEvents((_events, change) => apply(change)),
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

  get readingNow(): number {
    return readingNow(this.presence);
  }

  get typing(): TypingMap {
    return typingMap(this.presence, this.viewerKey);
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
    this.announce();
    this.connection.request('presence:sync', { thread: this.thread, rides: true }, (ack) => {
      if (!ack.ok) return;
      this.presence.applySnapshot(ack.data);
      this.notify();
    });
    clearInterval(this.renewTimer);
    this.renewTimer = setInterval(() => this.renew(), RealtimeLimits.presenceRenewMs);
    this.syncNotes();
  }

  /** Where the viewer is typing: a comment id, null for the main composer, undefined for nowhere. */
  setTyping(parentId: string | null | undefined): void {
    const typing = parentId === undefined ? null : { parentId };
    if (JSON.stringify(this.typingNow) === JSON.stringify(typing)) return;
    this.typingNow = typing;
    this.announce();
  }

  /**
   * [PRES-7] The periodic renewal, unless a read heartbeat went out since the last one: the server
   * renews presence on every heartbeat, so a reading (signed-in, visible) tab sends no renewals.
   */
  private renew(): void {
    const beat = this.connection.lastSentAt?.('read:heartbeat') ?? 0;
    if (Date.now() - beat < RealtimeLimits.presenceRenewMs) return;
    this.announce();
  }

  /** `presence:set`: here, and typing where (or nowhere). Only while joined ([W-L1]). */
  private announce(): void {
    if (!this.joined || this.connection.status !== 'connected') return;
    this.connection.request('presence:set', { thread: this.thread, typing: this.typingNow }, noop);
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
    clearInterval(this.renewTimer);
    this.cleanup.forEach((fn) => fn());
    // The server counts us out when the socket leaves the room or disconnects.
    this.doc.destroy();
    this.listeners.clear();
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
      this.notesError = ack.error;
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

  /** [W-L4] */
  private left(): void {
    this.joined = false;
    clearInterval(this.renewTimer);
    this.presence.clear();
    this.notify();
  }

  private readonly notify = (): void => this.listeners.forEach((listener) => listener());
}

function hasChanges(update: Uint8Array): boolean {
  const decoded = Y.decodeUpdate(update);
  return decoded.structs.length > 0 || decoded.ds.clients.size > 0;
}

const numberOr = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const noop = (): void => {};
