/** The ledger's statements; merged into the store's prepared statements (statements.ts). */
export const ledgerSql = {
  ledgerBalance: 'SELECT balance FROM accounts WHERE id = ?',
  ledgerOpenAccount: 'INSERT INTO accounts (id, kind, balance, created_at) VALUES (?, ?, 0, ?) ON CONFLICT (id) DO NOTHING',
  // No RETURNING (here and for pending rewards): the id is the run's lastInsertRowid, which the
  // triggers' own writes do not change once they end, and RETURNING cost a post 2-5 µs an insert.
  // Positional parameters on a post's inserts: binding by name looks each one up on an object (a
  // 16-column insert bound by name took 4 µs more on the 2-core machine).
  ledgerInsertTransfer: `INSERT INTO transfers (from_account, to_account, amount, category, thread, ref, request_id, reverses, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ledgerFlowsOut: `SELECT category, SUM(amount) AS total FROM transfers
    WHERE from_account = ? AND thread = ? GROUP BY category`,
  ledgerFlowsIn: `SELECT category, SUM(amount) AS total FROM transfers
    WHERE to_account = ? AND thread = ? GROUP BY category`,
  // `+reverses`: never search the unique reverses index for NULL — that reads every original
  // transfer ever made (issue 10); the ref index finds the few rows of this ref.
  ledgerOpenTransfers: `SELECT * FROM transfers t WHERE ref = ? AND +reverses IS NULL
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
  ledgerAccountCreatedAt: 'SELECT created_at FROM accounts WHERE id = ?',
  ledgerTransferById: 'SELECT * FROM transfers WHERE id = ?',
  ledgerDuePending: `SELECT * FROM pending_rewards WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
  ledgerDuePendingOf: `SELECT * FROM pending_rewards WHERE state = 'pending' AND account = ? AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
  ledgerPendingOfComment: 'SELECT * FROM pending_rewards WHERE thread = ? AND comment = ? ORDER BY id',
  // Kept by triggers (migration 12, DUR-5): one row per account, not a sum over its pending rewards.
  ledgerPendingTotal: 'SELECT COALESCE((SELECT total FROM pending_totals WHERE account = ?), 0) AS total',
  // [BEAT-11] A heartbeat's one read: balance (NULL: never opened) and what is pending.
  ledgerBalanceAndPending: `SELECT (SELECT balance FROM accounts WHERE id = @account) AS balance,
      COALESCE((SELECT total FROM pending_totals WHERE account = @account), 0) AS pending`,
  // [DUR-6] Everything a wallet update says, in one statement: balance, pending, debt, earned today.
  ledgerWallet: `SELECT
      COALESCE((SELECT balance FROM accounts WHERE id = @account), 0) AS balance,
      COALESCE((SELECT total FROM pending_totals WHERE account = @account), 0) AS pending,
      COALESCE((SELECT balance FROM accounts WHERE id = @debt), 0) AS debtBalance,
      COALESCE((SELECT earned FROM daily_earnings WHERE account = @account AND day = @day), 0) AS earned`,
  ledgerAddPending: `INSERT INTO pending_rewards (site, account, category, thread, comment, ref, amount, created_at, due_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  // [DUR-17] The pending reward and, in the same statement, the wallet its reader is sent after it.
  // RETURNING sees the row before the AFTER trigger adds it to pending_totals: the row's amount is
  // added here (the row is 'pending', so the trigger adds exactly that).
  ledgerAddPendingWithWallet: `INSERT INTO pending_rewards (site, account, category, thread, comment, ref, amount, created_at, due_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING
      COALESCE((SELECT balance FROM accounts WHERE id = ?), 0) AS balance,
      COALESCE((SELECT total FROM pending_totals WHERE account = ?), 0) + amount AS pending,
      COALESCE((SELECT balance FROM accounts WHERE id = ?), 0) AS debtBalance,
      COALESCE((SELECT earned FROM daily_earnings WHERE account = ? AND day = ?), 0) AS earned`,
  ledgerSetPendingState: `UPDATE pending_rewards SET state = @to, paid = @paid, transfer_id = coalesce(@transferId, transfer_id), settled_at = @at
    WHERE id = @id AND state = @from`,
  ledgerReactionRewarded: 'SELECT 1 AS hit FROM reaction_rewards WHERE site = ? AND giver = ? AND target = ? AND kind = ?',
  ledgerRecordReactionReward: `INSERT INTO reaction_rewards (site, giver, target, kind, at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (site, giver, target, kind) DO NOTHING`,
  ledgerPairCount: 'SELECT count FROM reaction_pairs WHERE site = ? AND giver = ? AND receiver = ? AND period = ?',
  ledgerBumpPair: `INSERT INTO reaction_pairs (site, giver, receiver, period, count) VALUES (?, ?, ?, ?, 1)
    ON CONFLICT (site, giver, receiver, period) DO UPDATE SET count = reaction_pairs.count + 1 RETURNING count`,
  ledgerEarnedOn: 'SELECT earned, cap FROM daily_earnings WHERE account = ? AND day = ?',
  ledgerAddEarned: `INSERT INTO daily_earnings (account, day, earned, cap) VALUES (@account, @day, @amount, @cap)
    ON CONFLICT (account, day) DO UPDATE SET earned = daily_earnings.earned + excluded.earned, cap = excluded.cap`,
  ledgerMintedOn: 'SELECT minted, budget FROM daily_mint WHERE site = ? AND day = ? AND shard = ?',
  ledgerAddMinted: `INSERT INTO daily_mint (site, day, shard, minted, budget) VALUES (@site, @day, @shard, @amount, @budget)
    ON CONFLICT (site, day, shard) DO UPDATE SET minted = daily_mint.minted + excluded.minted, budget = excluded.budget`,
  ledgerAllDailyEarnings: 'SELECT account, day, earned, cap FROM daily_earnings ORDER BY day, account',
  ledgerAllDailyMint: 'SELECT site, day, shard, minted, budget FROM daily_mint ORDER BY day, site, shard',
} as const;
