import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { auditLedger } from './economy/audit.js';
import { chooseDatabase, DatabaseChoiceError, DatabaseOpenError, openStore } from './store/open-store.js';
import type { Store } from './store/types.js';

export const auditUsage = `Usage: parley audit [options]

  Checks the Twei ledger: every balance equals its transfers, all balances sum to zero, no reader
  is negative, nothing is reversed twice, every bought PnL report equals the ledger as of its
  purchase, and no reader earned above the daily cap nor any site minted above its daily budget.
  Prints the figures as JSON — per day what was minted, burnt and reversed in each category, the
  top earners, and any account above the caps; exits 1 when anything does not add up, 2 when the
  database cannot be read: a SQLite file that does not exist (it is never created), a PostgreSQL
  database that cannot be reached or holds no Parley schema (it is never migrated).

  --db <file>          SQLite database file (env PARLEY_DB, default ./data/parley.db)
  --database-url <u>   PostgreSQL instead: postgres://user@host:5432/db (env PARLEY_DATABASE_URL)`;

/**
 * `parley audit`: read-only, safe to run beside live servers (SQLite WAL readers do not block; on
 * PostgreSQL one REPEATABLE READ snapshot, so the figures are of one instant however busy the nodes).
 */
export async function auditCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' }, 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return void console.log(auditUsage);
  const fail = (message: string): void => {
    console.error(`parley audit: ${message}`);
    process.exitCode = 2;
  };
  let choice;
  try {
    choice = chooseDatabase(values.db ?? (env.PARLEY_DB || undefined), values['database-url'] ?? (env.PARLEY_DATABASE_URL || undefined));
  } catch (error) {
    if (error instanceof DatabaseChoiceError) return fail(error.message);
    throw error;
  }
  // [AUDIT-2] Opening a missing file would create an empty database that "adds up".
  if (choice.kind === 'sqlite' && !existsSync(choice.path)) {
    return fail(`no database at ${choice.path} (give the file \`parley serve\` uses, with --db or PARLEY_DB)`);
  }
  let store: Store;
  try {
    // [CLUSTER-9] Never migrated: an audit changes nothing, and an empty database would "add up".
    store = await openStore(choice, { migrate: false });
  } catch (error) {
    if (error instanceof DatabaseOpenError) return fail(error.message);
    throw error;
  }
  try {
    const audit = await auditLedger(store);
    console.log(JSON.stringify(audit, null, 2));
    if (!audit.ok) process.exitCode = 1;
  } finally {
    await store.close();
  }
}
