/**
 * The storage contract of thread notes (Yjs). A thread's notes are the merge of its stored updates:
 * every accepted update is appended, and from time to time the rows are replaced by their merge
 * (compaction) inside one transaction. Any node can rebuild a thread's notes from here alone.
 */

/** Size of a thread's stored notes after an append, to decide on compaction and on the size cap. */
export interface NotesStats {
  /** Stored updates (rows). */
  updates: number;
  /** Their total size in bytes. */
  bytes: number;
  /**
   * Changes with every append and every compaction, on any node (the newest row's id; ids are never
   * reused), so a cached merge of the rows can be checked for freshness with one indexed read.
   * 0 for a thread without notes.
   */
  version: number;
}

export interface NotesReadTx {
  /** The thread's stored notes updates, oldest first; empty for a thread without notes. */
  listNoteUpdates(thread: string): Promise<Uint8Array[]>;
  noteStats(thread: string): Promise<NotesStats>;
}

export interface NotesWriteTx extends NotesReadTx {
  appendNoteUpdate(thread: string, update: Uint8Array, at: number): Promise<NotesStats>;
  /**
   * Replaces the stored updates this transaction listed (by id range: up to the newest row
   * `listNoteUpdates` returned; every row when it listed none) by `merged`, their merge. An update
   * appended after the listing, by this or a concurrent transaction, is kept (SPEC ST-26).
   */
  replaceNoteUpdates(thread: string, merged: Uint8Array, at: number): Promise<void>;
}
