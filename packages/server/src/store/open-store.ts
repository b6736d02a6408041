/**
 * Which store a server or CLI command opens: SQLite (a file, the zero-setup default) or PostgreSQL
 * (a `postgres://` URL, for several nodes). Never both: a server given a SQLite path AND a database
 * URL would silently ignore one of them, so that is refused.
 */
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

export type DatabaseChoice = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export class DatabaseChoiceError extends Error {}

/** The chosen database could not be opened (unreachable, refused, a migration failed). */
export class DatabaseOpenError extends Error {}

export const DEFAULT_SQLITE_PATH = './data/parley.db';

/**
 * `sqlitePath` and `databaseUrl` as the operator gave them (undefined when not given at all).
 * Throws {@link DatabaseChoiceError} when both are given or the URL is not a PostgreSQL one.
 */
export function chooseDatabase(sqlitePath: string | undefined, databaseUrl: string | undefined): DatabaseChoice {
  if (databaseUrl === undefined || databaseUrl === '') return { kind: 'sqlite', path: sqlitePath ?? DEFAULT_SQLITE_PATH };
  if (sqlitePath !== undefined) {
    throw new DatabaseChoiceError(
      `both a SQLite file (${sqlitePath}: --db / PARLEY_DB / dbPath) and a database URL (--database-url / PARLEY_DATABASE_URL) are set; ` +
        'give one: the file for one node, the PostgreSQL URL for several',
    );
  }
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new DatabaseChoiceError(`the database URL must start with postgres:// or postgresql://, got ${redactUrl(databaseUrl)}`);
  }
  return { kind: 'postgres', url: databaseUrl };
}

/**
 * Opens (creating and migrating) the chosen store. A PostgreSQL that cannot be reached rejects, naming
 * the URL. `migrate: false` (read-only tools) opens a PostgreSQL database without changing it.
 */
export async function openStore(choice: DatabaseChoice, options: { migrate?: boolean } = {}): Promise<Store> {
  if (choice.kind === 'sqlite') return SqliteStore.open({ path: choice.path });
  try {
    return await PostgresStore.open({ url: choice.url, ...(options.migrate === false && { migrate: false }) });
  } catch (error) {
    throw new DatabaseOpenError(`cannot open the PostgreSQL database ${redactUrl(choice.url)}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** A URL fit for logs: the password, if any, replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** How to name the chosen database in a message. */
export const describeDatabase = (choice: DatabaseChoice): string => (choice.kind === 'sqlite' ? choice.path : redactUrl(choice.url));
