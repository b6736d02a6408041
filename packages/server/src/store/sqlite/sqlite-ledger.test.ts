/**
 * The database itself keeps the ledger's rules, whatever the code above it does (ledger-types.ts):
 * a bug that forgets a check aborts its transaction instead of corrupting money.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { NewTransfer } from '../ledger-types.js';
import { SqliteStore } from './sqlite-store.js';

const AT = 1_700_000_000_000;
const move = (from: string, to: string, amount: number, extra: Partial<NewTransfer> = {}): NewTransfer => ({
  from,
  to,
  amount,
  category: 'reports',
  thread: 't',
  ref: null,
  requestId: null,
  reverses: null,
  at: AT,
  ...extra,
});

async function openLedger() {
  const store = SqliteStore.open({ path: ':memory:' });
  onTestFinished(() => store.close());
  await store.write(async (tx) => {
    await tx.ledger.openAccount('t:site', 'treasury', AT);
    await tx.ledger.openAccount('r:site:ann', 'reader', AT);
    await tx.ledger.transfer(move('t:site', 'r:site:ann', 5, { category: 'grant' }));
  });
  return store;
}

describe('SQLite ledger guarantees', () => {
  it('[L1] balances follow transfers and sum to zero; the treasury may go negative', async () => {
    const store = await openLedger();
    const balances = await store.read((tx) => tx.ledger.allBalances());
    expect(Object.fromEntries(balances)).toEqual({ 't:site': -5, 'r:site:ann': 5 });
  });

  it('[L2] a transfer that would make a reader negative aborts the whole transaction', async () => {
    const store = await openLedger();
    await expect(
      store.write(async (tx) => {
        await tx.ledger.transfer(move('r:site:ann', 't:site', 2));
        await tx.ledger.transfer(move('r:site:ann', 't:site', 4));
      }),
    ).rejects.toThrow(/CHECK constraint failed/);
    expect(await store.read((tx) => tx.ledger.balance('r:site:ann'))).toBe(5);
    expect(await store.read((tx) => tx.ledger.allTransfers())).toHaveLength(1);
  });

  it('[L3] transfers cannot be changed or deleted, and one is reversed at most once', async () => {
    const store = await openLedger();
    const db = (store as unknown as { db: { prepare(sql: string): { run(...args: unknown[]): unknown } } }).db;
    expect(() => db.prepare('UPDATE transfers SET amount = 500').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM transfers').run()).toThrow(/append-only/);
    const [grant] = await store.read((tx) => tx.ledger.allTransfers());
    await store.write((tx) => tx.ledger.transfer(move('r:site:ann', 't:site', 5, { reverses: grant!.id })));
    await expect(store.write((tx) => tx.ledger.transfer(move('r:site:ann', 't:site', 0, { reverses: grant!.id })))).rejects.toThrow(
      /UNIQUE/,
    );
  });

  it('refuses zero or negative amounts, except a zero that closes a reversal', async () => {
    const store = await openLedger();
    await expect(store.write((tx) => tx.ledger.transfer(move('t:site', 'r:site:ann', 0)))).rejects.toThrow(/CHECK/);
    await expect(store.write((tx) => tx.ledger.transfer(move('t:site', 'r:site:ann', -3)))).rejects.toThrow(/CHECK/);
    await expect(store.write((tx) => tx.ledger.transfer(move('t:site', 'nobody', 1)))).rejects.toThrow(/FOREIGN KEY/);
  });

  it('records a post author once', async () => {
    const store = await openLedger();
    expect(await store.write((tx) => tx.ledger.setPostAuthor('t', 'r:site:ann', AT))).toBe(true);
    expect(await store.write((tx) => tx.ledger.setPostAuthor('t', 'r:site:bob', AT))).toBe(false);
    expect(await store.read((tx) => tx.ledger.postAuthor('t'))).toBe('r:site:ann');
  });
});
