/**
 * The ledger contract on SQLite, plus what only the database can promise: the rules hold even for
 * SQL that bypasses the code (a bug, or a host poking at the file).
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { describeLedgerConformance } from '../ledger-conformance.js';
import { SqliteStore } from './sqlite-store.js';

describeLedgerConformance('sqlite in memory', async () => SqliteStore.open({ path: ':memory:' }));

describe('SQLite ledger, below the code', () => {
  it('[LED-3] UPDATE and DELETE on transfers raise; [LED-2] a negative reader balance violates a CHECK', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    onTestFinished(() => store.close());
    await store.write(async (tx) => {
      await tx.ledger.openAccount('t:s', 'treasury', 1);
      await tx.ledger.openAccount('r:s:ann', 'reader', 1);
      await tx.ledger.transfer({ from: 't:s', to: 'r:s:ann', amount: 2, category: 'grant', thread: null, ref: null, requestId: null, reverses: null, at: 1 });
    });
    const db = (store as unknown as { db: { prepare(sql: string): { run(...args: unknown[]): unknown } } }).db;
    expect(() => db.prepare('UPDATE transfers SET amount = 500').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM transfers').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE accounts SET balance = -1 WHERE id = 'r:s:ann'").run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare("UPDATE accounts SET balance = -1 WHERE id = 't:s'").run()).not.toThrow();
  });
});
