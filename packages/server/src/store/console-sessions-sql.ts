/**
 * The console's session revocations (SPEC CON-8), one table for both stores — created by SQLite's
 * migration 13 (sqlite/migration-console.ts) and PostgreSQL's 13 (postgres/pg-migration-console.ts).
 * The session cookie stays signed and stateless; this table only says which sessions no longer
 * count, so every node of a cluster refuses a revoked one:
 *
 * - `sid:<session id>` — one session signed out;
 * - `mod:<moderator id>` — every session of that moderator signed in at or before `before_at`.
 *
 * A row is kept until `expires_at`, after which no session it revokes can still be valid (sessions
 * last SESSION_TTL_MS), and is then deleted by the next revocation.
 */
export const consoleSessionsSchema = `
CREATE TABLE console_revocations (
  site       TEXT NOT NULL,
  subject    TEXT NOT NULL,
  before_at  BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (site, subject)
);
CREATE INDEX console_revocations_expiry ON console_revocations (expires_at);
`;
