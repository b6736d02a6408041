/** What a failed statement of a PostgreSQL write transaction means for its run (postgres-store.ts, pg-thread-batches.ts). */

/** SQLSTATEs after which the whole transaction is run again: serialization failure, deadlock. */
export const RETRYABLE = new Set(['40001', '40P01']);

export const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;

export const isRetryable = (error: unknown): boolean => RETRYABLE.has(errorCode(error) ?? '');

/**
 * [HOT-3] A duplicate request record: when the run looked for it (outside its transaction) and found
 * none, a concurrent run of the same request committed it since — run again, and the look finds it.
 */
export const isRequestRace = (error: unknown): boolean =>
  errorCode(error) === '23505' && (error as { constraint?: string }).constraint === 'requests_pkey';

/** Distinct places kept in `stats.conflicts` (a bounded map: values are blanked, but a store runs for months). */
const CONFLICT_PLACES = 200;

/** `statement … | reason`, short, values blanked: where a retryable failure struck. */
const conflictKey = (text: string, error: unknown): string => {
  // A message of several statements (HOT-1) is named by each one's first words.
  // Values inlined into the text (HOT-1) are blanked too, strings and numbers, so one place is one key.
  const parts = text.split(';\n').map((part) => part.replace(/E?'(?:[^']|'')*'/g, '?').replace(/\b\d+(?:\.\d+)?\b/g, '?').replace(/\s+/g, ' ').trim());
  const statement = parts.length === 1 ? parts[0]!.slice(0, 70) : parts.map((part) => part.split(' ').slice(0, 3).join(' ')).join(' + ');
  const message = error instanceof Error ? error.message.replace(/^could not serialize access due to /, '') : String(error);
  const detail = (error as { detail?: string }).detail?.replace(/^Reason code: /, '') ?? '';
  return `${statement} | ${message}${detail && ` (${detail})`}`;
};

export function countConflict(conflicts: Map<string, number>, text: string, error: unknown): void {
  const key = conflictKey(text, error);
  if (conflicts.has(key) || conflicts.size < CONFLICT_PLACES) conflicts.set(key, (conflicts.get(key) ?? 0) + 1);
}

/**
 * [ST-21] How many lost runs move a write transaction to the losers' turn, then to running alone.
 * Runs up to `turnsAfter` take the write gate in ROW SHARE (every writer beside every other); runs
 * up to `aloneAfter` take it SHARE UPDATE EXCLUSIVE — one loser at a time cluster-wide, which no
 * first run waits for, so two writers that keep colliding take turns without stopping anyone else;
 * later runs take it EXCLUSIVE: no writer overlaps them and they cannot lose again.
 */
export interface GatePolicy {
  turnsAfter: number;
  aloneAfter: number;
}

export type GateMode = 'ROW SHARE' | 'SHARE UPDATE EXCLUSIVE' | 'EXCLUSIVE';

/** The write gate's mode for run `attempt` (1 = the first). */
export const gateFor = (attempt: number, policy: GatePolicy): GateMode =>
  attempt > policy.aloneAfter ? 'EXCLUSIVE' : attempt > policy.turnsAfter ? 'SHARE UPDATE EXCLUSIVE' : 'ROW SHARE';

/**
 * [ST-28] What opens every write transaction: SERIALIZABLE, then no sequential scans for its
 * statements, then the write gate in `gate`'s mode. SSI locks what a transaction read: a sequential
 * scan locks the whole table, an index scan only the index pages and rows it visited. The planner
 * picks a sequential scan for a table that is small (a new site's reading clocks, sessions,
 * accounts): every write transaction that read it by key then conflicted with every other that
 * wrote any row of it — two nodes' reading batches of disjoint readers included — and one of them
 * ran again (measured: `read_clocks` and `read_sessions` held whole-table SIREAD locks through a
 * cluster bench run). Statements on growing tables use indexes already (GROW-1); this keeps the
 * small ones from being read whole.
 */
export const beginWrite = (gate: GateMode): string =>
  `BEGIN ISOLATION LEVEL SERIALIZABLE; SET LOCAL enable_seqscan = off; LOCK TABLE write_gate IN ${gate} MODE`;

/** Counts a run's gate in the store's figures: `losers` (the losers' turn) and `alone`. */
export function countGate(stats: { losers: number; alone: number }, mode: GateMode): void {
  if (mode === 'EXCLUSIVE') stats.alone += 1;
  else if (mode === 'SHARE UPDATE EXCLUSIVE') stats.losers += 1;
}
