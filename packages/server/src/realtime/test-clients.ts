/**
 * Test clients for presence and notes: a real Socket.IO client holding a real Y.Doc (notes) and the
 * widget's own PresenceView (presence), wired the way the widget wires them. Test-only.
 */
import type { Ack, NotesSyncResult, PresenceChange, PresenceSnapshot } from '@parley/protocol';
import { NOTES_TEXT, PresenceView } from '@parley/protocol';
import * as Y from 'yjs';
import { onTestFinished } from 'vitest';
import { call, okData, type ClientSocket, type RawSocket } from '../test-helpers.js';

export interface NotesClient {
  socket: ClientSocket;
  doc: Y.Doc;
  text: Y.Text;
  /** Every notes:update relay received, in order. */
  relays: Uint8Array[];
  /** Sync steps 1 and 2 with the server; resolves with the server's answer. */
  sync(): Promise<NotesSyncResult>;
  /** Applies a local edit and sends it; resolves with the server's ack. */
  edit(change: (text: Y.Text) => void): Promise<Ack<null>>;
  /** Resolves once a relay has arrived after `count` earlier ones. */
  relayCount(count: number): Promise<void>;
}

export async function notesClient(socket: ClientSocket, thread: string): Promise<NotesClient> {
  const doc = new Y.Doc();
  onTestFinished(() => doc.destroy());
  const relays: Uint8Array[] = [];
  const waiters: (() => void)[] = [];
  socket.on('notes:update', (relay) => {
    if (relay.thread !== thread) return;
    const update = new Uint8Array(relay.update);
    relays.push(update);
    Y.applyUpdate(doc, update, 'server');
    waiters.splice(0).forEach((wake) => wake());
  });
  const client: NotesClient = {
    socket,
    doc,
    text: doc.getText(NOTES_TEXT),
    relays,
    async sync() {
      const answer = okData(await call<NotesSyncResult>(socket, 'notes:sync', { thread, stateVector: Y.encodeStateVector(doc) }));
      Y.applyUpdate(doc, new Uint8Array(answer.update), 'server');
      const mine = Y.encodeStateAsUpdate(doc, new Uint8Array(answer.stateVector));
      if (answer.canEdit && mine.byteLength > 2) okData(await call(socket, 'notes:update', { thread, update: mine }));
      return answer;
    },
    async edit(change) {
      let update: Uint8Array | null = null;
      const capture = (u: Uint8Array, origin: unknown): void => {
        if (origin !== 'server') update = u;
      };
      doc.on('update', capture);
      doc.transact(() => change(client.text));
      doc.off('update', capture);
      return call<null>(socket, 'notes:update', { thread, update: update ?? new Uint8Array() });
    },
    relayCount(count) {
      if (relays.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${relays.length} of ${count} relays within 5 s`)), 5000);
        const check = (): void => {
          if (relays.length >= count) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        waiters.push(check);
      });
    },
  };
  return client;
}

export interface PresenceClient {
  socket: ClientSocket;
  /** What this client knows of the room, as the widget keeps it. */
  view: PresenceView;
  /** Every presence:state message received for the thread, in order. */
  messages: PresenceChange[];
  /** [PRES-9] Every change that rode on thread:events (a rider applies them; a legacy client does not look). */
  ridden: PresenceChange[];
  /** `presence:set`, as the widget sends it on join, on typing changes and as a renewal. */
  announce(typing: { parentId: string | null } | null): Promise<Ack<null>>;
  /** `presence:sync`, applied to the view. */
  sync(): Promise<PresenceSnapshot>;
  /** Resolves once `predicate` holds for the view, re-checked on every presence message. */
  until(predicate: (view: PresenceView) => boolean): Promise<void>;
}

/** `rides` [PRES-9]: syncs with `rides: true` and applies riders as the widget does; else a widget of before. */
export function presenceClient(socket: ClientSocket, thread: string, rides = false): PresenceClient {
  const view = new PresenceView(thread);
  const messages: PresenceChange[] = [];
  const ridden: PresenceChange[] = [];
  const changed: (() => void)[] = [];
  socket.on('presence:state', (change) => {
    if (!view.applyChange(change)) return;
    messages.push(change);
    changed.splice(0).forEach((wake) => wake());
  });
  socket.on('thread:events', (_events, change) => {
    if (!change) return;
    ridden.push(change);
    if (rides && view.applyChange(change)) changed.splice(0).forEach((wake) => wake());
  });
  return {
    socket,
    view,
    messages,
    ridden,
    announce: (typing) => call<null>(socket, 'presence:set', { thread, typing }),
    async sync() {
      const answer = okData(await call<PresenceSnapshot>(socket, 'presence:sync', rides ? { thread, rides } : { thread }));
      view.applySnapshot(answer);
      return answer;
    },
    until(predicate) {
      if (predicate(view)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`presence never matched; readers ${view.readers}, typists ${JSON.stringify(view.typists())}`)), 5000);
        const check = (): void => {
          if (predicate(view)) {
            clearTimeout(timer);
            resolve();
          } else changed.push(check);
        };
        changed.push(check);
      });
    },
  };
}

/** Emits raw bytes or anything else as an event payload, for refusal tests. */
export const rawCall = (socket: ClientSocket, event: string, payload: unknown): Promise<Ack<unknown>> =>
  call(socket as unknown as RawSocket, event, payload);
