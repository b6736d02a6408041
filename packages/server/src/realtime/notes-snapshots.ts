/**
 * The merged state of a thread's notes, cached per thread and checked against the store's version
 * on every use. A join answers from here: merging a busy thread's rows costs milliseconds, checking
 * the version one indexed read. A write on another node changes the version, so no node ever serves
 * notes older than the store's (the store stays the authority; this is only a memo of it).
 */
import * as Y from 'yjs';
import type { ReadTx } from '../store/types.js';

export interface NotesSnapshot {
  version: number;
  /** All stored updates merged into one. */
  merged: Uint8Array;
  stateVector: Uint8Array;
}

const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

export class NotesSnapshots {
  private readonly cache = new Map<string, NotesSnapshot>();

  /** @param maxThreads threads kept; the least recently used one goes first. @default 500 */
  constructor(private readonly maxThreads = 500) {}

  /** Reads inside the caller's transaction, so the version and the rows agree. */
  async get(tx: ReadTx, thread: string): Promise<NotesSnapshot> {
    const { version } = await tx.noteStats(thread);
    const cached = this.cache.get(thread);
    this.cache.delete(thread);
    if (cached?.version === version) {
      this.cache.set(thread, cached);
      return cached;
    }
    const rows = await tx.listNoteUpdates(thread);
    const merged = rows.length === 0 ? EMPTY_UPDATE : rows.length === 1 ? rows[0]! : Y.mergeUpdates(rows);
    const snapshot = { version, merged, stateVector: Y.encodeStateVectorFromUpdate(merged) };
    this.cache.set(thread, snapshot);
    if (this.cache.size > this.maxThreads) this.cache.delete(this.cache.keys().next().value!);
    return snapshot;
  }
}

/** A client that has nothing yet (a first visit) sends the empty state vector: one zero byte. */
export const isEmptyStateVector = (stateVector: Uint8Array): boolean =>
  stateVector.byteLength === 1 && stateVector[0] === 0;
