/**
 * Thread notes: a Y.Doc per thread (Y.Text `key-points`) edited together by readers at or above
 * the thread's `notes` gate.
 *
 * [NOTES-3] Only a reader passing the `notes` gate may send an update; a refused one is neither stored
 *           nor relayed. Everyone in the room (guests too) receives accepted updates.
 * [NOTES-4] An update is acknowledged only after it is stored; it is relayed after that.
 * [NOTES-5] Stored updates are appended, and replaced by their merge every `compactEvery` updates.
 * [NOTES-6] Once the thread's stored notes reach `maxNotesBytes`, further updates are refused (`notes_full`).
 * [NOTES-7] `notes:sync` answers from the store (through a memo checked against the store's version,
 *           notes-snapshots.ts), so any node answers the same, and a client that was offline receives
 *           exactly what its state vector lacks.
 *
 * The server's copy of a thread's notes IS the store's row set: nothing a node holds in memory is
 * needed by another, which is what lets several nodes serve one thread (DESIGN.md "Storage and scale").
 */
import type { ThreadRef } from '../commands/thread-gates.js';
import {
  ErrorCodes,
  RealtimeLimits,
  type NotesSyncInput,
  type NotesSyncResult,
  type NotesUpdateInput,
} from '@parley/protocol';
import * as Y from 'yjs';
import type { Identity } from '../domain/identity.js';
import { ParleyError } from '../errors.js';
import type { Store } from '../store/types.js';
import { TokenBuckets } from '../transport/rate-limit.js';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { roomOf, type Caller, type ParleyIo } from '../transport/types.js';
import { checkNotesUpdate, InvalidNotesUpdate } from './notes-rules.js';
import { isEmptyStateVector, NotesSnapshots } from './notes-snapshots.js';

/** Resolves who may edit a thread's notes: returns the identity, or throws auth/level errors. */
export type NotesGate = (identity: Identity | null, thread: ThreadRef) => Promise<Identity>;

export interface NotesOptions {
  io: ParleyIo;
  store: Store;
  gate: NotesGate;
  /** The caller's site's thread of that id (sites are sealed: SPEC SITE-1). */
  resolve: (caller: Caller, thread: string) => ThreadRef;
  now?: () => number;
  /** @default 50 — a sync merges at most this many rows; compaction itself is a few ms. */
  compactEvery?: number;
  /** @default RealtimeLimits.maxNotesBytes */
  maxNotesBytes?: number;
  /**
   * With several nodes, one budget per (site, reader) for the cluster (Redis, CLUSTER-14) beside
   * this node's bucket: N nodes then allow the burst N times but the sustained rate once.
   */
  clusterBudget?: RateLimiterAbstract;
}

/**
 * Notes updates per reader. The widget sends at most one merged update per 150 ms while typing, so
 * a steady typist uses about 7 a second; the burst absorbs a reconnect's catch-up.
 */
const NOTES_BUCKET = { burst: 30, perSecond: 10 };
/** The cluster's budget per reader: the bucket's rate over a 30 s window. */
export const NOTES_CLUSTER_BUDGET = { points: 300, duration: 30 };

export class Notes {
  private readonly now: () => number;
  private readonly buckets: TokenBuckets;
  private readonly compactEvery: number;
  private readonly maxNotesBytes: number;
  private readonly snapshots = new NotesSnapshots();

  constructor(private readonly options: NotesOptions) {
    this.now = options.now ?? Date.now;
    this.buckets = new TokenBuckets(NOTES_BUCKET, this.now);
    this.compactEvery = options.compactEvery ?? 50;
    this.maxNotesBytes = options.maxNotesBytes ?? RealtimeLimits.maxNotesBytes;
  }

  /** 0 when the cluster's budget has room (it is then spent), else how long to wait. */
  private async clusterWait(key: string): Promise<number> {
    if (!this.options.clusterBudget) return 0;
    try {
      await this.options.clusterBudget.consume(key);
      return 0;
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return Math.max(1, refusal.msBeforeNext);
      throw refusal;
    }
  }

  async sync(caller: Caller, input: NotesSyncInput): Promise<NotesSyncResult> {
    const ref = this.options.resolve(caller, input.thread);
    requireJoined(caller, ref);
    const access = await this.access(caller.identity, ref);
    const snapshot = await this.options.store.read((tx) => this.snapshots.get(tx, ref.key));
    let update: Uint8Array;
    try {
      // A first visit lacks everything: the merged state is the answer, no diff to compute.
      update = isEmptyStateVector(input.stateVector) ? snapshot.merged : Y.diffUpdate(snapshot.merged, input.stateVector);
    } catch {
      throw invalid('The state vector could not be read.');
    }
    return { update, stateVector: snapshot.stateVector, ...access };
  }

  async update(caller: Caller, input: NotesUpdateInput): Promise<null> {
    const ref = this.options.resolve(caller, input.thread);
    requireJoined(caller, ref);
    if (caller.tokenExpiresAt !== null && this.now() >= caller.tokenExpiresAt) {
      throw new ParleyError(ErrorCodes.invalidToken, 'The sign-in token has expired; sign in again.');
    }
    const identity = await this.options.gate(caller.identity, ref);
    const key = `${ref.site.id}:${identity.id}`;
    const wait = this.buckets.take(key) || (await this.clusterWait(key));
    if (wait > 0) throw new ParleyError(ErrorCodes.rateLimited, 'Notes are changing too fast; slow down a little.', { retryAfterMs: wait });
    let checked;
    try {
      checked = checkNotesUpdate(input.update);
    } catch (error) {
      if (error instanceof InvalidNotesUpdate) throw invalid(`The notes update was refused: ${error.message}.`);
      throw error;
    }
    if (!checked.changes) return null;
    const update = new Uint8Array(input.update);
    await this.options.store.write(async (tx) => {
      const appended = await tx.appendNoteUpdate(ref.key, update, this.now());
      let bytes = appended.bytes;
      // Compacting before judging the size lets a reader shorten full notes: deletions shrink them.
      if (appended.updates >= this.compactEvery || bytes > this.maxNotesBytes) {
        const merged = compact(await tx.listNoteUpdates(ref.key));
        await tx.replaceNoteUpdates(ref.key, merged, this.now());
        bytes = merged.byteLength;
      }
      if (bytes > this.maxNotesBytes) {
        // Thrown inside the transaction: the append and the compaction roll back together.
        throw new ParleyError(ErrorCodes.notesFull, 'The notes are full; shorten them before adding more.', { max: this.maxNotesBytes });
      }
    });
    const relay = { thread: input.thread, update };
    const room = roomOf(ref.site.id, ref.id);
    if (caller.socket) caller.socket.to(room).emit('notes:update', relay);
    else this.options.io.to(room).emit('notes:update', relay);
    return null;
  }

  /** Whether this reader may edit, and from which level, for the widget to say so before anyone tries. */
  private async access(identity: Identity | null, thread: ThreadRef): Promise<Pick<NotesSyncResult, 'canEdit' | 'requiredLevel'>> {
    try {
      await this.options.gate(identity, thread);
      return { canEdit: true, requiredLevel: null };
    } catch (error) {
      if (!(error instanceof ParleyError)) throw error;
      if (error.code === ErrorCodes.levelRequired) {
        const required = error.details.required;
        return { canEdit: false, requiredLevel: typeof required === 'number' ? required : null };
      }
      if (error.code === ErrorCodes.authRequired) return { canEdit: false, requiredLevel: null };
      throw error;
    }
  }
}

/**
 * [NOTES-5] The merge of stored updates, through a Y.Doc so deleted text is garbage-collected: the
 * compacted row is the size of the text that remains, not of everything ever typed.
 */
export function compact(rows: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  try {
    for (const row of rows) Y.applyUpdate(doc, row);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

function requireJoined(caller: Caller, thread: ThreadRef): void {
  // In-process callers (seeding, admin tools) have no socket and no room to be in.
  if (caller.socket && !caller.socket.rooms.has(roomOf(thread.site.id, thread.id))) {
    throw new ParleyError(ErrorCodes.notJoined, 'Join the thread before opening its notes.');
  }
}

const invalid = (message: string): ParleyError => new ParleyError(ErrorCodes.invalidUpdate, message);
