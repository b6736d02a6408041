/** The ledger's statements; merged into the store's prepared statements (statements.ts). */
export const ledgerSql = {
  ledgerBalance: 'SELECT balance FROM accounts WHERE id = ?',
  ledgerOpenAccount: 'INSERT INTO accounts (id, kind, balance, created_at) VALUES (?, ?, 0, ?) ON CONFLICT (id) DO NOTHING',
  ledgerInsertTransfer: `INSERT INTO transfers (from_account, to_account, amount, category, thread, ref, request_id, reverses, at)
    VALUES (@from, @to, @amount, @category, @thread, @ref, @requestId, @reverses, @at) RETURNING id`,
  ledgerFlowsOut: `SELECT category, SUM(amount) AS total FROM transfers
    WHERE from_account = ? AND thread = ? GROUP BY category`,
  ledgerFlowsIn: `SELECT category, SUM(amount) AS total FROM transfers
    WHERE to_account = ? AND thread = ? GROUP BY category`,
  ledgerOpenTransfers: `SELECT * FROM transfers t WHERE ref = ? AND reverses IS NULL
    AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.reverses = t.id) ORDER BY id`,
  ledgerAllTransfers: 'SELECT * FROM transfers ORDER BY id',
  ledgerAllBalances: 'SELECT id, balance FROM accounts',
  ledgerReadClock: 'SELECT last_beat_at FROM read_clocks WHERE account = ?',
  ledgerSaveReadClock: `INSERT INTO read_clocks (account, last_beat_at) VALUES (?, ?)
    ON CONFLICT (account) DO UPDATE SET last_beat_at = excluded.last_beat_at`,
  ledgerReadSession: 'SELECT read_ms, credited FROM read_sessions WHERE account = ? AND thread = ?',
  ledgerSaveReadSession: `INSERT INTO read_sessions (account, thread, read_ms, credited) VALUES (?, ?, ?, ?)
    ON CONFLICT (account, thread) DO UPDATE SET read_ms = excluded.read_ms, credited = excluded.credited`,
  ledgerReports: 'SELECT payload FROM reports WHERE account = ? AND thread = ? ORDER BY bought_at DESC, rowid DESC LIMIT ?',
  ledgerAllReports: 'SELECT account, payload FROM reports ORDER BY rowid',
  ledgerSaveReport: 'INSERT INTO reports (id, account, thread, bought_at, payload) VALUES (?, ?, ?, ?, ?)',
  ledgerPostAuthor: 'SELECT account FROM post_authors WHERE thread = ?',
  ledgerSetPostAuthor: `INSERT INTO post_authors (thread, account, published_at) VALUES (?, ?, ?)
    ON CONFLICT (thread) DO NOTHING`,
} as const;
