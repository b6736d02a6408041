/**
 * [BEAT-19] Many readers' reading in one statement each way (the reading tick's batch, economy/
 * reading-clocks.ts): their durable clocks and sessions read in one round trip, and saved with one
 * statement sent with the transaction's next round trip (HOT-1), instead of two reads and two
 * writes a reader.
 */
import type { ReadingRow, ReadingState } from '../ledger-types.js';
import type { Blind, Query } from './pg-statements.js';

const READ = `SELECT account, NULL::text AS thread, last_beat_at AS a, 0::bigint AS b FROM read_clocks WHERE account = ANY($1::text[])
  UNION ALL
  SELECT s.account, s.thread, s.read_ms, s.credited FROM read_sessions s
    JOIN unnest($2::text[], $3::text[]) AS k(account, thread) ON s.account = k.account AND s.thread = k.thread`;

/** One data-modifying CTE a table, one statement: every clock, then every session. */
const SAVE = `WITH clocks AS (
    INSERT INTO read_clocks (account, last_beat_at) SELECT * FROM unnest($1::text[], $2::bigint[])
      ON CONFLICT (account) DO UPDATE SET last_beat_at = EXCLUDED.last_beat_at
  )
  INSERT INTO read_sessions (account, thread, read_ms, credited) SELECT * FROM unnest($3::text[], $4::text[], $5::bigint[], $6::bigint[])
    ON CONFLICT (account, thread) DO UPDATE SET read_ms = EXCLUDED.read_ms, credited = EXCLUDED.credited`;

export async function readingOf(q: Query, accounts: readonly string[], sessions: readonly { account: string; thread: string }[]): Promise<ReadingState> {
  const state: ReadingState = { clocks: new Map(), sessions: new Map() };
  if (accounts.length === 0 && sessions.length === 0) return state;
  const { rows } = await q<{ account: string; thread: string | null; a: number; b: number }>(READ, [
    accounts,
    sessions.map((key) => key.account),
    sessions.map((key) => key.thread),
  ]);
  for (const row of rows) {
    if (row.thread === null) {
      state.clocks.set(row.account, row.a);
      continue;
    }
    let of = state.sessions.get(row.account);
    if (!of) state.sessions.set(row.account, (of = new Map()));
    of.set(row.thread, { readMs: row.a, credited: row.b });
  }
  return state;
}

export async function saveReading(blind: Blind, clocks: readonly { account: string; lastBeatAt: number }[], sessions: readonly ReadingRow[]): Promise<void> {
  if (clocks.length === 0 && sessions.length === 0) return;
  // Each key once a statement (ON CONFLICT cannot touch a row twice): the last one given wins, as with one save after another.
  const clockOf = new Map(clocks.map((clock) => [clock.account, clock.lastBeatAt]));
  const sessionOf = new Map(sessions.map((row) => [`${row.account}\n${row.thread}`, row]));
  const rows = [...sessionOf.values()];
  await blind(SAVE, [
    [...clockOf.keys()],
    [...clockOf.values()],
    rows.map((row) => row.account),
    rows.map((row) => row.thread),
    rows.map((row) => row.session.readMs),
    rows.map((row) => row.session.credited),
  ]);
}
