import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { auditLedger } from './economy/audit.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';

export const auditUsage = `Usage: parley audit [options]

  Checks the Twei ledger: every balance equals its transfers, all balances sum to zero, no reader
  is negative, nothing is reversed twice, every bought PnL report equals the ledger as of its
  purchase, and no reader earned above the daily cap nor any site minted above its daily budget.
  Prints the figures as JSON — per day what was minted, burnt and reversed in each category, the
  top earners, and any account above the caps; exits 1 when anything does not add up, 2 when the
  database file does not exist (it is never created).

  --db <file>     SQLite database file   (env PARLEY_DB, default ./data/parley.db)`;

/** `parley audit`: read-only, safe to run beside a live server (SQLite WAL readers do not block). */
export async function auditCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return void console.log(auditUsage);
  const path = values.db ?? env.PARLEY_DB ?? './data/parley.db';
  // [AUDIT-2] Opening a missing file would create an empty database that "adds up".
  if (!existsSync(path)) {
    console.error(`parley audit: no database at ${path} (give the file \`parley serve\` uses, with --db or PARLEY_DB)`);
    process.exitCode = 2;
    return;
  }
  const store = SqliteStore.open({ path });
  try {
    const audit = await auditLedger(store);
    console.log(JSON.stringify(audit, null, 2));
    if (!audit.ok) process.exitCode = 1;
  } finally {
    await store.close();
  }
}
