/** Shared set-up for economy tests: a command context with chosen rules, and ledger audits. */
import { expect } from 'vitest';
import { createTestContext, identity, rid, type TestContext } from '../test-helpers.js';

import { readerAccount } from './accounts.js';
import { balancesFromTransfers } from './audit.js';
import { EconomyDirectory, type EconomyOptions } from './rules.js';
import { publishThread } from './publish-thread.js';

export const SITE = 'default';
export const staff = identity('staff', { role: 'admin', name: 'Staff Correspondent' });

/**
 * Rules that pay at once, as before issue 9: no settlement window and no giver age bar. For tests
 * about who pays whom; the settlement and anti-farming tests use the defaults.
 */
export const instant = { settleWindowMs: 0, minGiverAgeMs: 0 } as const;

export function economyContext(options: EconomyOptions = {}): TestContext {
  const ctx = createTestContext();
  return { ...ctx, economy: new EconomyDirectory(options) };
}

/** A thread that exists, with no post author. */
export async function openThread(ctx: TestContext, thread = 't'): Promise<string> {
  return ctx.thread(thread);
}

/** A thread that exists and whose post `staff` authored. */
export async function publishedThread(ctx: TestContext, thread = 't'): Promise<string> {
  await ctx.thread(thread);
  await publishThread(ctx, staff, { requestId: rid(), thread });
  return thread;
}

export async function balanceOf(ctx: TestContext, userId: string): Promise<number> {
  return (await ctx.store.read((tx) => tx.ledger.balance(readerAccount(SITE, userId)))) ?? 0;
}

/**
 * The auditor: every balance equals its transfers, all balances sum to zero, no reader is negative,
 * and no transfer is reversed twice.
 */
export async function expectLedgerAddsUp(ctx: TestContext): Promise<void> {
  const { transfers, balances } = await ctx.store.read(async (tx) => ({
    transfers: await tx.ledger.allTransfers(),
    balances: await tx.ledger.allBalances(),
  }));
  const derived = balancesFromTransfers(transfers);
  let sum = 0;
  for (const [account, balance] of balances) {
    expect({ account, balance }).toEqual({ account, balance: derived.get(account) ?? 0 });
    if (account.startsWith('r:')) expect(balance).toBeGreaterThanOrEqual(0);
    sum += balance;
  }
  expect(sum).toBe(0);
  const reversed = transfers.filter((t) => t.reverses !== null).map((t) => t.reverses);
  expect(new Set(reversed).size).toBe(reversed.length);
}
