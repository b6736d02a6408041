/** Pruning, outside any transaction (PRUNE-*): request records by age, events past each thread's newest (postgres-store.ts). */
import type pg from 'pg';

/** Threads per pruning round trip (PRUNE-2). */
const PRUNE_PAGE = 100;

/** Request records created before `before`. */
export async function pruneRequests(pool: pg.Pool, before: number): Promise<number> {
  const { rowCount } = await pool.query('DELETE FROM requests WHERE created_at < $1', [before]);
  return rowCount ?? 0;
}

/** Events of each thread but its newest `keepPerThread`, a page of threads a round trip. */
export async function pruneEvents(pool: pg.Pool, keepPerThread: number): Promise<number> {
  let after = '';
  let removed = 0;
  for (;;) {
    const { rows } = await pool.query<{ id: string; seq: string }>('SELECT id, seq FROM threads WHERE id > $1 ORDER BY id LIMIT $2', [after, PRUNE_PAGE]);
    for (const thread of rows) {
      const seq = Number(thread.seq);
      if (seq <= keepPerThread) continue;
      const { rowCount } = await pool.query('DELETE FROM events WHERE thread = $1 AND seq <= $2', [thread.id, seq - keepPerThread]);
      removed += rowCount ?? 0;
    }
    if (rows.length < PRUNE_PAGE) return removed;
    after = rows[rows.length - 1]!.id;
  }
}
