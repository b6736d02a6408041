import type { Migration } from './migrations.js';

/**
 * Migration 12 — [DUR-5] a reader's pending total without a scan (issue 10 item 4). Every post and
 * reaction sends its readers' wallets, and `pending` was `SUM(amount)` over the reader's pending
 * rewards: a row per comment and reaction of the last settlement window, read on every write. It is
 * now a row per account, kept by triggers on `pending_rewards` whatever writes it (the ledger, an
 * import, the benchmark's bulk inserts), so it can never disagree with the rows it sums.
 */
export const durableMigration: Migration = {
  version: 12,
  name: 'pending totals per account',
  sql: `
CREATE TABLE pending_totals (
  account TEXT PRIMARY KEY,
  total   INTEGER NOT NULL CHECK (total >= 0)
) STRICT, WITHOUT ROWID;

INSERT INTO pending_totals (account, total)
  SELECT account, SUM(amount) FROM pending_rewards WHERE state = 'pending' GROUP BY account;

CREATE TRIGGER pending_totals_insert AFTER INSERT ON pending_rewards WHEN NEW.state = 'pending' BEGIN
  INSERT INTO pending_totals (account, total) VALUES (NEW.account, NEW.amount)
    ON CONFLICT (account) DO UPDATE SET total = total + excluded.total;
END;
CREATE TRIGGER pending_totals_leave AFTER UPDATE OF state, amount, account ON pending_rewards WHEN OLD.state = 'pending' BEGIN
  UPDATE pending_totals SET total = total - OLD.amount WHERE account = OLD.account;
END;
CREATE TRIGGER pending_totals_enter AFTER UPDATE OF state, amount, account ON pending_rewards WHEN NEW.state = 'pending' BEGIN
  INSERT INTO pending_totals (account, total) VALUES (NEW.account, NEW.amount)
    ON CONFLICT (account) DO UPDATE SET total = total + excluded.total;
END;
CREATE TRIGGER pending_totals_delete AFTER DELETE ON pending_rewards WHEN OLD.state = 'pending' BEGIN
  UPDATE pending_totals SET total = total - OLD.amount WHERE account = OLD.account;
END;
`,
};
