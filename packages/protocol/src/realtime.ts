/**
 * Presence and thread notes (DESIGN.md "State and sync", "Performance").
 *
 * Presence — what readers SEE, not every reader's state (issue 10): "N reading now" and who is
 * typing where. The server keeps the room's presence and sends a reader only what changed in it,
 * as JSON (one encoding and one frame per broadcast, never a binary attachment):
 *
 *   client                                        server
 *   ── thread:join ─────────────────────────────▶  (the socket must be in the thread's room)
 *   ── presence:set { typing } ─────────────────▶  "I am here" (+ where I type): on join, on every
 *                                                   typing change and as a renewal every
 *                                                   PRESENCE_RENEW_MS. Identity from the token; a
 *                                                   renewal that changes nothing is not relayed
 *   ── presence:sync ───────────────────────────▶  ack PresenceSnapshot: the count and the typists
 *   ◀── presence:state { readers?, typing? } ───   to the room, per thread per tick, only when what
 *                                                   readers see changed: the count (at most once
 *                                                   per PRESENCE_COUNT_EVERY_MS) and typing deltas
 *   (disconnect, leaving, or no renewal for PRESENCE_TIMEOUT_MS) → counted out, typing cleared
 *
 *   Notes — one Y.Doc per thread holding Y.Text NOTES_TEXT ("Key points")
 *   ── notes:sync { stateVector } ──────────────▶  sync step 1: the client's state vector
 *   ◀── ack { update, stateVector, canEdit, … }    sync step 2: what the client lacks, plus the
 *                                                   server's state vector
 *   ── notes:update { update } ─────────────────▶  the client's step 2 (what the server lacks: edits
 *                                                   made offline) and every later local edit; checked
 *                                                   (gate, size, rate, decodes), stored, then relayed
 *   ◀── notes:update { update } ────────────────   to everyone else in the room
 *
 * A reconnecting client repeats notes:sync then sends its step 2, so nothing typed offline is lost;
 * Yjs merges make repeats harmless. Presence is ephemeral: a lost message is repaired by the next
 * presence:sync (every join) and the next change.
 */

/** The Y.Text inside a thread's notes doc. */
export const NOTES_TEXT = 'key-points';

export const RealtimeLimits = {
  /** Largest notes update. A paste of a page of text fits; a flood does not. */
  maxNoteUpdateBytes: 16 * 1024,
  /** Stored size of a thread's notes (all updates) beyond which edits are refused. */
  maxNotesBytes: 256 * 1024,
  /** Longest notes text in characters, checked by the widget before it edits. */
  maxNotesLength: 4000,
  /** A presence not renewed for this long is dropped. */
  presenceTimeoutMs: 30_000,
  /** How often a widget renews its presence. */
  presenceRenewMs: 15_000,
  /** "N reading now" changes reach readers at most this often: a count needs no 100 ms freshness. */
  presenceCountEveryMs: 1_000,
  /** Typists one node names per thread at most; beyond that a typist is not shown. */
  maxTypistsShown: 50,
  /** Every node repeats each thread's full presence this often, so joiners and other nodes' readers converge. */
  presenceRefreshMs: 10_000,
} as const;

/** Where a reader types: `parentId` is the comment being answered, null for the main composer. */
export interface Typing {
  parentId: string | null;
}

/** Someone typing, as other readers see them. `key` is `u:<user id>`: one per person, all tabs. */
export interface Typist {
  key: string;
  name: string;
  parentId: string | null;
}

/**
 * A thread's presence on one server node, as a joiner receives it. With several nodes each speaks
 * for its own readers (`node`); the widget adds them up, and forgets a node it has not heard from
 * for PRESENCE_TIMEOUT_MS (every node repeats its full state every PRESENCE_REFRESH_MS).
 */
export interface PresenceSnapshot {
  thread: string;
  node: string;
  /** Distinct readers present on that node: a signed-in reader once however many tabs, each guest tab once. */
  readers: number;
  /** At most RealtimeLimits.maxTypistsShown. */
  typing: Typist[];
}

/**
 * What changed in a thread's presence on one node; absent fields did not change. `full: true`
 * replaces everything known of that node (its periodic refresh): `typing.set` is then all its typists.
 */
export interface PresenceChange {
  thread: string;
  node: string;
  readers?: number;
  typing?: { set?: Typist[]; clear?: string[] };
  full?: boolean;
}

export interface NotesRelay {
  thread: string;
  update: Uint8Array;
}

export interface NotesSyncResult {
  /** Sync step 2: everything the caller's state vector lacks. */
  update: Uint8Array;
  /** The server's state vector, so the caller can send its own step 2. */
  stateVector: Uint8Array;
  /** Whether this reader passes the `notes` gate. */
  canEdit: boolean;
  /** The level the gate asks for; null when the reader must sign in first (or passes). */
  requiredLevel: number | null;
}
