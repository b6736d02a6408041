/**
 * Costs that do not grow with the data (issue 10, SPEC ST-20): every statement the SQLite store
 * prepares is planned here on the real schema, and none may scan a table that grows with use —
 * a hot path that scans gets slower with every comment, like or transfer ever made. Statements
 * that read a whole table on purpose (audits, exports) are listed with the reason.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { sql } from './statements.js';

/** Whole-table reads by design: never on a reader's path. */
const WHOLE_TABLE: Record<string, string> = {
  ledgerAllTransfers: '`parley audit` replays every transfer',
  ledgerAllBalances: '`parley audit` checks every balance',
  ledgerAllReports: '`parley audit` checks every bought report',
  ledgerAllDailyEarnings: '`parley audit` reports every reader-day against the cap',
  ledgerAllDailyMint: '`parley audit` reports every site-day against the mint budget',
  portReactionsByUser: "a reader's data export or erasure (RIGHTS-1): an admin's rare call; an index by user would tax every reaction",
  portVotesByUser: "a reader's data export (RIGHTS-1): an admin's rare call; an index by user would tax every vote",
  portFlagsByUser: "a reader's data export (RIGHTS-1): an admin's rare call; an index by user would tax every flag",
  portPendingOf: "a reader's data export or erasure (RIGHTS-1, RIGHTS-5): every state, not only the pending ones the partial index holds",
};

/** Scans that stop at the first row they keep: they read what they delete, and one row more. */
const READS_WHAT_IT_DELETES: Record<string, string> = {
  pruneRequests: 'hourly (PRUNE-1): rowids follow time, the scan from the oldest stops at the first young record (DUR-12)',
};

function planOf(db: Database.Database, text: string): string {
  const named = [...new Set(text.match(/@\w+/g) ?? [])].map((name) => name.slice(1));
  const positional = text.split('?').length - 1;
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${text}`);
  const rows = (named.length > 0 ? statement.all(Object.fromEntries(named.map((name) => [name, 0]))) : statement.all(...Array.from({ length: positional }, () => 0))) as { detail: string }[];
  return rows.map((row) => row.detail).join('; ');
}

/**
 * Does this plan read a number of rows that grows with the data? A SCAN of a growing table, or an
 * index searched for NULL (`reverses IS NULL` through the unique reverses index reads every
 * original transfer ever made): a scan in disguise.
 */
function grows(text: string, plan: string, tables: readonly string[]): boolean {
  const scanned = tables.some((table) => new RegExp(`\\bSCAN ${table}\\b(?! USING (COVERING )?INDEX)`).test(plan));
  const nullColumns = [...text.matchAll(/(?<![+\w.])(\w+) IS NULL/g)].map((m) => m[1] ?? '');
  const nullSearch = nullColumns.some((column) => new RegExp(`INDEX \\S+ \\([^)]*\\b${column}=\\?`).test(plan));
  return scanned || nullSearch;
}

describe('[ST-20] query plans', () => {
  it('[ST-20] no prepared statement scans a growing table (EXPLAIN QUERY PLAN on every one)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-plans-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'plan.db');
    await SqliteStore.open({ path }).close();
    const db = new Database(path, { readonly: true });
    onTestFinished(() => void db.close());
    // Every table of the schema grows with use (readers, comments, money, days): none may be scanned.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    expect(tables.length).toBeGreaterThan(15);
    const scans = Object.entries(sql)
      .filter(([name]) => !(name in WHOLE_TABLE) && !(name in READS_WHAT_IT_DELETES))
      .filter(([, text]) => grows(text, planOf(db, text), tables))
      .map(([name, text]) => ({ name, plan: planOf(db, text) }));
    expect(scans).toEqual([]);
    // The detector itself: the statement issue 10 measured (5.8 ms a like after 20,000 posts) is caught.
    const before = 'SELECT * FROM transfers t WHERE ref = ? AND reverses IS NULL AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.reverses = t.id) ORDER BY id';
    expect(grows(before, planOf(db, before), tables)).toBe(true);
    expect(grows('SELECT * FROM comments WHERE body = ?', planOf(db, 'SELECT * FROM comments WHERE body = ?'), tables)).toBe(true);
    expect(Object.keys(sql).length).toBeGreaterThan(40);
  });
});
