/**
 * Presence and thread notes: the Yjs side of a thread (DESIGN.md "State and sync").
 *
 * Message flow (every payload names its `thread`; binary fields travel as Socket.IO attachments)
 *
 *   Presence — y-protocols/awareness updates, one awareness per widget tab
 *   client                                        server
 *   ── thread:join ─────────────────────────────▶  (the socket must be in the thread's room)
 *   ── presence:update { update } ──────────────▶  each entry checked: the clientID is bound to this
 *                                                   socket; the state keeps only what a reader may say
 *                                                   (`typing`); `user` and `reader` are written by the
 *                                                   server from the verified token; then relayed
 *   ◀── presence:update { update } ─────────────   to everyone else in the room
 *   ── presence:sync ───────────────────────────▶  ack { update }: every live state in the room,
 *                                                   gathered from all sockets (on every node)
 *   (disconnect, or no renewal for PRESENCE_TIMEOUT_MS)  ◀── presence:update with the state removed
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
 * Yjs merges make repeats harmless. Presence is ephemeral: a lost packet is repaired by the next
 * renewal (every PRESENCE_RENEW_MS).
 */

/** The Y.Text inside a thread's notes doc. */
export const NOTES_TEXT = 'key-points';

export const RealtimeLimits = {
  /** Largest awareness update a client may send. A tab's own state is well under 200 bytes. */
  maxAwarenessUpdateBytes: 4 * 1024,
  /** Awareness entries (clientIDs) one socket may speak for in a thread: one per tab, some slack. */
  maxClientIdsPerSocket: 4,
  /** Largest notes update. A paste of a page of text fits; a flood does not. */
  maxNoteUpdateBytes: 16 * 1024,
  /** Stored size of a thread's notes (all updates) beyond which edits are refused. */
  maxNotesBytes: 256 * 1024,
  /** Longest notes text in characters, checked by the widget before it edits. */
  maxNotesLength: 4000,
  /** A presence state not renewed for this long is dropped (y-protocols' own outdatedTimeout). */
  presenceTimeoutMs: 30_000,
  /** How often a widget renews its presence state. */
  presenceRenewMs: 15_000,
} as const;

/** What a client may put in its awareness state. Anything else is dropped by the server. */
export interface PresenceClaim {
  /** Typing: `parentId` is the comment being answered, null for the main composer. */
  typing: { parentId: string | null } | null;
}

/** An awareness state as readers receive it: the claim plus who it is, written by the server. */
export interface PresenceState extends PresenceClaim {
  /** One key per reader: `u:<user id>` when signed in, `g:<clientID>` for a guest tab. */
  reader: string;
  user: { id: string; name: string; level: number } | null;
}

export interface PresenceRelay {
  thread: string;
  update: Uint8Array;
}

export interface NotesRelay {
  thread: string;
  update: Uint8Array;
}

export interface PresenceSyncResult {
  /** An awareness update holding every live state in the room except the caller's. */
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
