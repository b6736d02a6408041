import { threadKey } from '../domain/thread-key.js';
import { LossCategories, ProfitCategories, type PnlReport } from '@parley/protocol';
import type { TransferRecord } from '../store/ledger-types.js';
import type { Store } from '../store/types.js';

export interface LedgerAudit {
  accounts: number;
  transfers: number;
  /** Must be 0. */
  sumOfBalances: number;
  /** Reader accounts below zero; must be empty. */
  negativeReaders: string[];
  /** Accounts whose stored balance differs from the sum of their transfers; must be empty. */
  balanceMismatches: { account: string; stored: number; fromTransfers: number }[];
  /** Transfers reversed more than once; must be empty. */
  doubleReversals: number[];
  reportsChecked: number;
  /** Bought reports whose lines differ from the ledger as of their purchase; must be empty. */
  reportMismatches: { account: string; report: string; category: string; shown: number; ledger: number }[];
  ok: boolean;
}

/** `r:<site>:<user>` → `<site>` (economy/accounts.ts). */
const siteOfAccount = (account: string): string => account.split(':')[1] ?? '';

/** The twelve lines for `account` on `thread` from raw transfers, independently of pnl.ts. */
function linesFrom(transfers: readonly TransferRecord[], account: string, thread: string): Record<string, number> {
  const lines: Record<string, number> = {};
  for (const c of [...ProfitCategories, ...LossCategories]) lines[c] = 0;
  for (const t of transfers) {
    if (t.thread !== thread || !(t.category in lines)) continue;
    const sign = (ProfitCategories as readonly string[]).includes(t.category) ? 1 : -1;
    if (t.to === account) lines[t.category]! += sign * t.amount;
    if (t.from === account) lines[t.category]! -= sign * t.amount;
  }
  return lines;
}

/** Each account's balance as its transfers make it: what every stored balance must equal. */
export function balancesFromTransfers(transfers: readonly TransferRecord[]): Map<string, number> {
  const derived = new Map<string, number>();
  for (const t of transfers) {
    derived.set(t.from, (derived.get(t.from) ?? 0) - t.amount);
    derived.set(t.to, (derived.get(t.to) ?? 0) + t.amount);
  }
  return derived;
}

/**
 * What an auditor checks, from the database alone: every balance equals its transfers, they sum to
 * zero, no reader is negative, nothing is reversed twice, and every bought report equals the ledger
 * up to (and including) the transfer that paid for it. `parley audit` prints it.
 */
export async function auditLedger(store: Store): Promise<LedgerAudit> {
  const { transfers, balances } = await store.read(async (tx) => ({
    transfers: await tx.ledger.allTransfers(),
    balances: await tx.ledger.allBalances(),
  }));
  const derived = balancesFromTransfers(transfers);
  let sumOfBalances = 0;
  const negativeReaders: string[] = [];
  const balanceMismatches: LedgerAudit['balanceMismatches'] = [];
  for (const [account, stored] of balances) {
    sumOfBalances += stored;
    if (account.startsWith('r:') && stored < 0) negativeReaders.push(account);
    const fromTransfers = derived.get(account) ?? 0;
    if (fromTransfers !== stored) balanceMismatches.push({ account, stored, fromTransfers });
  }
  const reversed = new Set<number>();
  const doubleReversals: number[] = [];
  for (const t of transfers) {
    if (t.reverses === null) continue;
    if (reversed.has(t.reverses)) doubleReversals.push(t.reverses);
    reversed.add(t.reverses);
  }
  const reportMismatches: LedgerAudit['reportMismatches'] = [];
  const payments = new Map(transfers.filter((t) => t.category === 'reports' && t.ref?.startsWith('report:')).map((t) => [t.ref!.slice(7), t]));
  const reports = await store.read((tx) => tx.ledger.allReports());
  for (const { account, report } of reports) {
    // As of the purchase: every transfer up to and including the one that paid for this report.
    const paid = payments.get(report.id);
    // Transfers name the thread by its key; the report by its public id, on the reader account's site.
    const key = threadKey(siteOfAccount(account), report.thread);
    const ledger = linesFrom(paid ? transfers.filter((t) => t.id <= paid.id) : transfers, account, key);
    for (const [category, value] of Object.entries(ledger)) {
      const shown = report.lines[category as keyof PnlReport['lines']];
      if (shown !== value) reportMismatches.push({ account, report: report.id, category, shown, ledger: value });
    }
  }
  const ok =
    sumOfBalances === 0 && !negativeReaders.length && !balanceMismatches.length && !doubleReversals.length && !reportMismatches.length;
  return {
    accounts: balances.size,
    transfers: transfers.length,
    sumOfBalances,
    negativeReaders,
    balanceMismatches,
    doubleReversals,
    reportsChecked: reports.length,
    reportMismatches,
    ok,
  };
}
