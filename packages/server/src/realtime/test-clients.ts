/**
 * Test clients for presence and notes: a real Socket.IO client holding a real Y.Doc and a real
 * y-protocols Awareness, wired the way the widget wires them. Test-only (imported by *.test.ts).
 */
import type { Ack, NotesSyncResult, PresenceSyncResult } from '@parley/protocol';
import { NOTES_TEXT } from '@parley/protocol';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
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
  awareness: Awareness;
  /** Sends the local state (as the widget does on every change) and waits for the ack. */
  announce(state: Record<string, unknown> | null): Promise<Ack<null>>;
  /** Asks for everyone's states and applies them. */
  sync(): Promise<void>;
  /** Other clients' states, as this client sees them. */
  peers(): Record<string, unknown>[];
  /** Resolves once `predicate` holds for the peers, re-checked on every presence relay. */
  until(predicate: (peers: Record<string, unknown>[]) => boolean): Promise<void>;
}

export function presenceClient(socket: ClientSocket, thread: string): PresenceClient {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  onTestFinished(() => {
    awareness.destroy();
    doc.destroy();
  });
  const changed: (() => void)[] = [];
  socket.on('presence:update', (relay) => {
    if (relay.thread !== thread) return;
    applyAwarenessUpdate(awareness, new Uint8Array(relay.update), 'server');
    changed.splice(0).forEach((wake) => wake());
  });
  const peers = (): Record<string, unknown>[] =>
    [...awareness.getStates().entries()].filter(([id]) => id !== awareness.clientID).map(([, state]) => state);
  return {
    socket,
    awareness,
    announce(state) {
      awareness.setLocalState(state);
      return call<null>(socket, 'presence:update', { thread, update: encodeAwarenessUpdate(awareness, [awareness.clientID]) });
    },
    async sync() {
      const answer = okData(await call<PresenceSyncResult>(socket, 'presence:sync', { thread }));
      applyAwarenessUpdate(awareness, new Uint8Array(answer.update), 'server');
    },
    peers,
    until(predicate) {
      if (predicate(peers())) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`presence never matched; peers: ${JSON.stringify(peers())}`)), 5000);
        const check = (): void => {
          if (predicate(peers())) {
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
