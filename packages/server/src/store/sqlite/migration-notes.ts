import type { Migration } from './migrations.js';

/**
 * Thread notes (issue 5): every accepted Yjs update of a thread's notes, appended; compaction
 * replaces a thread's rows by their merge (realtime/notes.ts). Rows are read per thread in id order.
 */
export const notesMigration: Migration = {
  version: 4,
  name: 'thread notes (Yjs updates, appended then compacted)',
  sql: `
CREATE TABLE note_updates (
  -- AUTOINCREMENT: ids are never reused after compaction deletes rows, so MAX(id) is a version.
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  thread TEXT NOT NULL,
  body   BLOB NOT NULL,
  at     INTEGER NOT NULL
) STRICT;

CREATE INDEX note_updates_thread ON note_updates (thread, id);
`,
};
