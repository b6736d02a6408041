import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCodes, NOTES_TEXT, type PresenceChange, type ServerToClientEvents } from '@parley/protocol';
import * as Y from 'yjs';
import type { RelayEventName } from '../state/connection.js';
import { FakeConnection } from '../state/testing/fake-connection.js';
import { LiveRoom } from './live-room.js';
import { DeferredConnection } from '../transport/deferred-connection.js';

const THREAD = 't1';

/** The deterministic fake, plus the relay channel the Socket.IO connection has. */
class RelayConnection extends FakeConnection {
  private readonly relays = new Map<string, Set<(payload: never) => void>>();
  onRelay<E extends RelayEventName>(event: E, listener: ServerToClientEvents[E]): () => void {
    const set = this.relays.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.relays.set(event, set);
    return () => set.delete(listener as (payload: never) => void);
  }
  relay(event: 'notes:update', update: Uint8Array): void {
    this.relays.get(event)?.forEach((listener) => (listener as (relay: { thread: string; update: Uint8Array }) => void)({ thread: THREAD, update }));
  }
  presence(change: Omit<PresenceChange, 'thread'>): void {
    this.relays.get('presence:state')?.forEach((listener) => (listener as (change: PresenceChange) => void)({ thread: THREAD, ...change }));
  }
}

const empty = { thread: THREAD, node: 'n1', readers: 1, typing: [] };

function serverText(text: string): { doc: Y.Doc; update: Uint8Array } {
  const doc = new Y.Doc();
  doc.getText(NOTES_TEXT).insert(0, text);
  return { doc, update: Y.encodeStateAsUpdate(doc) };
}

function textOf(update: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc.getText(NOTES_TEXT).toString();
}

function joinedRoom(canEdit = true) {
  const connection = new RelayConnection();
  connection.setStatus('connected');
  const room = new LiveRoom(connection, THREAD);
  room.setViewer('me');
  room.joinedThread();
  connection.answer('presence:sync', empty);
  const server = serverText('Server text.');
  connection.answer('notes:sync', {
    update: server.update,
    stateVector: Y.encodeStateVector(server.doc),
    canEdit,
    requiredLevel: canEdit ? null : 15,
  });
  return { connection, room, server };
}

describe('LiveRoom (presence and notes in the widget)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('[W-L1] sends nothing before the join, then announces itself, asks who is here and syncs the notes', () => {
    const connection = new RelayConnection();
    connection.setStatus('connected');
    const room = new LiveRoom(connection, THREAD);
    room.setTyping(null);
    expect(connection.sent).toHaveLength(0);
    room.joinedThread();
    expect(connection.sent.map((r) => r.event)).toEqual(['presence:set', 'presence:sync', 'notes:sync']);
    // Typing chosen before the join (the main composer) is announced with it.
    expect(connection.pending('presence:set').input).toEqual({ thread: THREAD, typing: { parentId: null } });
    // Renewed every presenceRenewMs while joined, even when nothing changed.
    vi.advanceTimersByTime(15_000);
    expect(connection.requests('presence:set')).toHaveLength(2);
    room.dispose();
  });

  it('[PRES-7] a tab that sent a read heartbeat since the last renewal sends no renewal (the server renews on beats)', () => {
    class BeatingConnection extends RelayConnection {
      beatAt = 0;
      lastSentAt(event: string): number {
        return event === 'read:heartbeat' ? this.beatAt : 0;
      }
    }
    const connection = new BeatingConnection();
    connection.setStatus('connected');
    const room = new LiveRoom(connection, THREAD);
    room.joinedThread();
    expect(connection.requests('presence:set')).toHaveLength(1);
    vi.advanceTimersByTime(5_000);
    connection.beatAt = Date.now(); // the economy's read tracker beat
    vi.advanceTimersByTime(10_000);
    expect(connection.requests('presence:set')).toHaveLength(1);
    // No beat since (a hidden tab, or the economy off): renewals as before.
    vi.advanceTimersByTime(15_000);
    expect(connection.requests('presence:set')).toHaveLength(2);
    room.dispose();

    // The widget's connection knows when it last sent each event, queued or not.
    const deferred = new DeferredConnection('http://127.0.0.1:1', undefined, undefined, () => new Promise(() => undefined));
    expect(deferred.lastSentAt('read:heartbeat')).toBe(0);
    deferred.request('read:heartbeat', { thread: THREAD }, () => undefined);
    expect(deferred.lastSentAt('read:heartbeat')).toBe(Date.now());
    deferred.close();
  });

  it('[W-R1] counts readers from the server\'s presence, and [W-L4] forgets them when the connection drops', () => {
    const { connection, room } = joinedRoom();
    connection.presence({ node: 'n1', readers: 3, typing: { set: [{ key: 'u:bella', name: 'Bella Ciao', parentId: 'c1' }, { key: 'u:me', name: 'Me', parentId: null }] } });
    expect(room.readingNow).toBe(3);
    // The viewer's own typing (any tab) is not shown to them.
    expect([...room.typing]).toEqual([['c1', ['Bella Ciao']]]);
    connection.setStatus('reconnecting');
    expect(room.readingNow).toBe(1);
    expect(room.typing.size).toBe(0);
    connection.setStatus('connected');
    room.joinedThread();
    connection.answer('presence:sync', { thread: THREAD, node: 'n1', readers: 2, typing: [{ key: 'u:bella', name: 'Bella Ciao', parentId: 'c1' }] });
    expect(room.readingNow).toBe(2);
    expect(room.typing.get('c1')).toEqual(['Bella Ciao']);
    room.dispose();
  });

  it('[W-L5] syncs as a rider and applies presence riding on thread:events exactly as a presence:state', () => {
    const { connection, room } = joinedRoom();
    expect(connection.requests('presence:sync').at(-1)?.input).toEqual({ thread: THREAD, rides: true });
    let notified = 0;
    room.subscribe(() => notified++);
    connection.deliverMessage([], { thread: THREAD, node: 'n1', readers: 4, typing: { set: [{ key: 'u:bella', name: 'Bella Ciao', parentId: 'c1' }] } });
    expect(room.readingNow).toBe(4);
    expect([...room.typing]).toEqual([['c1', ['Bella Ciao']]]);
    expect(notified).toBe(1);
    // The same deltas as presence:state: a clear from the rider, then a count from a presence:state.
    connection.deliverMessage([], { thread: THREAD, node: 'n1', typing: { clear: ['u:bella'] } });
    expect(room.typing.size).toBe(0);
    connection.presence({ node: 'n1', readers: 5 });
    expect(room.readingNow).toBe(5);
    // Another thread's rider, or none at all, changes nothing.
    connection.deliverMessage([], { thread: 'other', node: 'n1', readers: 99 });
    connection.deliverMessage([]);
    expect(room.readingNow).toBe(5);
    expect(notified).toBe(3);
    room.dispose();
  });

  it('typing changes are announced once, not per key', () => {
    const { connection, room } = joinedRoom();
    const before = connection.requests('presence:set').length;
    room.setTyping('c1');
    room.setTyping('c1');
    room.setTyping(undefined);
    expect(connection.requests('presence:set').slice(before).map((r) => r.input.typing)).toEqual([{ parentId: 'c1' }, null]);
    room.dispose();
  });

  it('[W-L2] local edits are merged into one update per flush', () => {
    const { connection, room, server } = joinedRoom();
    expect(room.notes).toBe('Server text.');
    room.applyNotesEdit({ index: 12, remove: 0, insert: ' A' });
    room.applyNotesEdit({ index: 14, remove: 0, insert: 'B' });
    expect(connection.requests('notes:update')).toHaveLength(0);
    vi.advanceTimersByTime(200);
    const sent = connection.requests('notes:update');
    expect(sent).toHaveLength(1);
    Y.applyUpdate(server.doc, sent[0]!.input.update);
    expect(server.doc.getText(NOTES_TEXT).toString()).toBe('Server text. AB');
    room.dispose();
  });

  it('[W-L2] edits made offline are sent with the next join (step 2), none before', () => {
    const { connection, room, server } = joinedRoom();
    connection.setStatus('offline');
    room.applyNotesEdit({ index: 0, remove: 0, insert: 'Offline: ' });
    vi.advanceTimersByTime(1000);
    expect(connection.requests('notes:update')).toHaveLength(0);
    connection.setStatus('connected');
    room.joinedThread();
    connection.answer('presence:sync', empty);
    const step1 = connection.pending('notes:sync').input.stateVector;
    connection.answer('notes:sync', {
      update: Y.encodeStateAsUpdate(server.doc, step1),
      stateVector: Y.encodeStateVector(server.doc),
      canEdit: true,
      requiredLevel: null,
    });
    const step2 = connection.requests('notes:update');
    expect(step2).toHaveLength(1);
    Y.applyUpdate(server.doc, step2[0]!.input.update);
    expect(server.doc.getText(NOTES_TEXT).toString()).toBe('Offline: Server text.');
    room.dispose();
  });

  it('[W-L3] a refused edit makes the notes read-only and puts back the server text', () => {
    const { connection, room, server } = joinedRoom();
    room.applyNotesEdit({ index: 0, remove: 12, insert: 'vandalised' });
    vi.advanceTimersByTime(200);
    connection.refuse('notes:update', {
      code: ErrorCodes.levelRequired,
      message: 'Editing the thread notes is available from LVL 15.',
      required: 15,
      level: 4,
    });
    expect(room.access).toEqual({ canEdit: false, requiredLevel: 15 });
    expect(room.notesError?.message).toContain('LVL 15');
    const resync = connection.pending('notes:sync');
    connection.answer('notes:sync', {
      update: Y.encodeStateAsUpdate(server.doc, resync.input.stateVector),
      stateVector: Y.encodeStateVector(server.doc),
      canEdit: false,
      requiredLevel: 15,
    });
    expect(room.notes).toBe('Server text.');
    room.applyNotesEdit({ index: 0, remove: 0, insert: 'x' });
    expect(room.notes).toBe('Server text.');
    room.dispose();
  });

  it('remote notes updates change the text', () => {
    const { connection, room, server } = joinedRoom(false);
    const before = Y.encodeStateVector(server.doc);
    server.doc.getText(NOTES_TEXT).insert(12, ' More.');
    connection.relay('notes:update', Y.encodeStateAsUpdate(server.doc, before));
    expect(room.notes).toBe('Server text. More.');
    expect(textOf(Y.encodeStateAsUpdate(server.doc))).toBe(room.notes);
    room.dispose();
  });
});
