import type { Migration } from './migrations.js';

/**
 * Migration 6 — threads belong to the host, and sites are sealed (SPEC THREAD-*, SITE-*).
 *
 * - Every thread column now holds the thread KEY `<site>:<id>` (domain/thread-key.ts), so the same
 *   id on two sites is two threads. Existing rows are re-keyed with the site their
 *   `thread_settings` row recorded; a thread that never recorded a site (created by a post before
 *   any join, which the old code allowed) is moved under the site `?`, which no site can name:
 *   it stays in the file for an operator to inspect and is reachable by nobody.
 * - `threads` learns its site, how it came to exist (`origin`: claim, admin, auto, legacy), when
 *   it was published and the newest host claim applied (`claim_iat`), so a replayed older claim
 *   changes nothing.
 * - Request records were keyed by user alone; they are kept only 24 h and cannot be re-keyed
 *   without knowing the site, so they are dropped (a retry from before the upgrade is a new request).
 * - Ledger refs embed the thread (`react:<thread>:…`): rewritten to embed the key, so reversals
 *   still find their originals. Transfers are append-only; the guard trigger is lifted for this one
 *   statement and put back exactly as migration 3 made it.
 */
export const threadsMigration: Migration = {
  version: 6,
  name: 'host-owned threads, site-scoped thread keys',
  sql: `
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE rekey AS
  SELECT t.id AS old, COALESCE(s.site, '?') || ':' || t.id AS new, COALESCE(s.site, '?') AS site
  FROM threads t LEFT JOIN thread_settings s ON s.thread = t.id;
CREATE UNIQUE INDEX temp.rekey_old ON rekey (old);

ALTER TABLE threads ADD COLUMN site TEXT NOT NULL DEFAULT '?';
ALTER TABLE threads ADD COLUMN origin TEXT NOT NULL DEFAULT 'legacy' CHECK (origin IN ('claim', 'admin', 'auto', 'legacy'));
ALTER TABLE threads ADD COLUMN published_at INTEGER;
ALTER TABLE threads ADD COLUMN claim_iat INTEGER;

UPDATE threads SET site = (SELECT site FROM rekey WHERE old = threads.id), id = (SELECT new FROM rekey WHERE old = threads.id);
UPDATE comments SET thread = (SELECT new FROM rekey WHERE old = comments.thread) WHERE thread IN (SELECT old FROM rekey);
UPDATE reactions SET thread = (SELECT new FROM rekey WHERE old = reactions.thread) WHERE thread IN (SELECT old FROM rekey);
UPDATE votes SET thread = (SELECT new FROM rekey WHERE old = votes.thread) WHERE thread IN (SELECT old FROM rekey);
UPDATE events SET thread = (SELECT new FROM rekey WHERE old = events.thread) WHERE thread IN (SELECT old FROM rekey);
UPDATE thread_settings SET thread = (SELECT new FROM rekey WHERE old = thread_settings.thread) WHERE thread IN (SELECT old FROM rekey);
UPDATE hidden_bodies SET thread = (SELECT new FROM rekey WHERE old = hidden_bodies.thread) WHERE thread IN (SELECT old FROM rekey);
UPDATE flags SET thread = (SELECT new FROM rekey WHERE old = flags.thread) WHERE thread IN (SELECT old FROM rekey);
UPDATE note_updates SET thread = (SELECT new FROM rekey WHERE old = note_updates.thread) WHERE thread IN (SELECT old FROM rekey);
UPDATE read_sessions SET thread = (SELECT new FROM rekey WHERE old = read_sessions.thread) WHERE thread IN (SELECT old FROM rekey);
UPDATE reports SET thread = (SELECT new FROM rekey WHERE old = reports.thread) WHERE thread IN (SELECT old FROM rekey);
UPDATE post_authors SET thread = (SELECT new FROM rekey WHERE old = post_authors.thread) WHERE thread IN (SELECT old FROM rekey);

DROP TRIGGER transfers_no_update;
UPDATE transfers SET
  ref = CASE WHEN ref IS NULL OR instr(ref, ':') = 0 OR ref LIKE 'report:%' THEN ref
        ELSE substr(ref, 1, instr(ref, ':')) || (SELECT site FROM rekey WHERE old = transfers.thread) || ':' || substr(ref, instr(ref, ':') + 1) END,
  thread = (SELECT new FROM rekey WHERE old = transfers.thread)
  WHERE thread IN (SELECT old FROM rekey);
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers BEGIN
  SELECT RAISE(ABORT, 'transfers are append-only');
END;

-- A published thread's author is in post_authors; publication without an author is possible
-- (a host may publish before naming one), so the time lives on the thread.
UPDATE threads SET published_at = (SELECT published_at FROM post_authors WHERE post_authors.thread = threads.id);

DELETE FROM requests;
DROP TABLE temp.rekey;

CREATE INDEX threads_by_site ON threads (site, created_at DESC, id);
`,
};
