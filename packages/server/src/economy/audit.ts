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
  /** [AUDIT-1] Per UTC day: what the treasuries minted, what readers paid them, and what reversals took back, by category. */
  days: AuditDay[];
  /** The readers who earned most (all days, reversals deducted), most first. */
  topEarners: { account: string; earned: number }[];
  /** Readers who earned more in a day than the cap in force; must be empty. */
  aboveCap: { account: string; day: string; earned: number; cap: number }[];
  /** Sites whose treasury minted more in a day than its budget; must be empty. */
  aboveBudget: { site: string; day: string; minted: number; budget: number }[];
  /** What readers owe their treasuries (DEBT-1), largest first: not an error, for the operator to see. */
  debts: { account: string; owed: number }[];
  /** Earnings or mints the caps' counters did not see (a credit that went around the caps); must be empty. */
  uncounted: { account: string; day: string; earned: number; counted: number }[];
  ok: boolean;
}

export interface AuditDay {
  day: string;
  minted: Record<string, number>;
  burnt: Record<string, number>;
  reversed: Record<string, number>;
  mintedTotal: number;
  burntTotal: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const dayName = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** What counts against a reader's daily cap: every profit category and reading (not the grant). */
const EARNING = new Set<string>([...ProfitCategories, 'read']);
export const TOP_EARNERS = 10;

const isTreasury = (account: string): boolean => account.startsWith('t:');
const isReader = (account: string): boolean => account.startsWith('r:');

function add(record: Record<string, number>, key: string, amount: number): void {
  record[key] = (record[key] ?? 0) + amount;
}

/** Days, top earners and what the caps must have stopped, from transfers and the caps' counters. */
function capsAudit(
  transfers: readonly TransferRecord[],
  earnings: { account: string; day: number; earned: number; cap: number }[],
  mint: { site: string; day: number; shard: number; minted: number; budget: number }[],
): Pick<LedgerAudit, 'days' | 'topEarners' | 'aboveCap' | 'aboveBudget' | 'uncounted'> {
  const byDay = new Map<number, AuditDay>();
  const earnedByAccountDay = new Map<string, number>();
  const mintedBySiteDay = new Map<string, number>();
  const earnedTotal = new Map<string, number>();
  const byId = new Map(transfers.map((t) => [t.id, t]));
  for (const t of transfers) {
    const day = Math.floor(t.at / DAY_MS);
    let entry = byDay.get(day);
    if (!entry) byDay.set(day, (entry = { day: dayName(day), minted: {}, burnt: {}, reversed: {}, mintedTotal: 0, burntTotal: 0 }));
    if (isTreasury(t.from) && isReader(t.to) && t.reverses === null) {
      add(entry.minted, t.category, t.amount);
      entry.mintedTotal += t.amount;
      const site = siteOfAccount(t.to);
      mintedBySiteDay.set(JSON.stringify([site, day]), (mintedBySiteDay.get(JSON.stringify([site, day])) ?? 0) + t.amount);
      if (EARNING.has(t.category)) {
        const key = JSON.stringify([t.to, day]);
        earnedByAccountDay.set(key, (earnedByAccountDay.get(key) ?? 0) + t.amount);
        earnedTotal.set(t.to, (earnedTotal.get(t.to) ?? 0) + t.amount);
      }
    } else if (isReader(t.from) && isTreasury(t.to)) {
      const original = t.reverses === null ? undefined : byId.get(t.reverses);
      if (original && isTreasury(original.from)) {
        add(entry.reversed, t.category, t.amount);
        if (EARNING.has(t.category)) earnedTotal.set(t.from, (earnedTotal.get(t.from) ?? 0) - t.amount);
      } else {
        add(entry.burnt, t.category, t.amount);
      }
      entry.burntTotal += t.amount;
    }
  }
  // Days before a site's first counter were before the caps existed (migration 7): not judged.
  const capsFrom = new Map<string, number>();
  for (const row of earnings) capsFrom.set(siteOfAccount(row.account), Math.min(capsFrom.get(siteOfAccount(row.account)) ?? Infinity, row.day));
  for (const row of mint) capsFrom.set(row.site, Math.min(capsFrom.get(row.site) ?? Infinity, row.day));
  const counters = new Map(earnings.map((row) => [JSON.stringify([row.account, row.day]), row]));
  const aboveCap: LedgerAudit['aboveCap'] = [];
  const uncounted: LedgerAudit['uncounted'] = [];
  for (const [key, earned] of earnedByAccountDay) {
    const [account, day] = JSON.parse(key) as [string, number];
    if (day < (capsFrom.get(siteOfAccount(account)) ?? Infinity)) continue;
    const counter = counters.get(key);
    if (!counter || counter.earned !== earned) uncounted.push({ account, day: dayName(day), earned, counted: counter?.earned ?? 0 });
    if (counter && earned > counter.cap) aboveCap.push({ account, day: dayName(day), earned, cap: counter.cap });
  }
  for (const row of earnings) if (row.earned > row.cap) {
    if (!aboveCap.some((a) => a.account === row.account && a.day === dayName(row.day))) aboveCap.push({ account: row.account, day: dayName(row.day), earned: row.earned, cap: row.cap });
  }
  const budgets = new Map<string, number>();
  for (const row of mint) budgets.set(JSON.stringify([row.site, row.day]), (budgets.get(JSON.stringify([row.site, row.day])) ?? 0) + row.budget);
  const aboveBudget: LedgerAudit['aboveBudget'] = [];
  for (const [key, minted] of mintedBySiteDay) {
    const [site, day] = JSON.parse(key) as [string, number];
    if (day < (capsFrom.get(site) ?? Infinity)) continue;
    const budget = budgets.get(key);
    if (budget === undefined) uncounted.push({ account: `t:${site}`, day: dayName(day), earned: minted, counted: 0 });
    else if (minted > budget) aboveBudget.push({ site, day: dayName(day), minted, budget });
  }
  for (const row of mint) if (row.minted > row.budget) {
    aboveBudget.push({ site: row.site, day: dayName(row.day), minted: row.minted, budget: row.budget });
  }
  const topEarners = [...earnedTotal]
    .map(([account, earned]) => ({ account, earned }))
    .sort((x, y) => y.earned - x.earned || x.account.localeCompare(y.account))
    .slice(0, TOP_EARNERS);
  const days = [...byDay.entries()].sort((x, y) => x[0] - y[0]).map(([, entry]) => entry);
  return { days, topEarners, aboveCap, aboveBudget, uncounted };
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
 * zero, no reader is negative, nothing is reversed twice, every bought report equals the ledger
 * up to (and including) the transfer that paid for it, and [AUDIT-1] no reader earned above the
 * daily cap nor any site minted above its budget (each judged against the limit its counter
 * recorded, so no configuration is needed), with per-day figures and the top earners. `parley
 * audit` prints it.
 */
export async function auditLedger(store: Store): Promise<LedgerAudit> {
  const { transfers, balances, earnings, mint } = await store.read(async (tx) => ({
    transfers: await tx.ledger.allTransfers(),
    balances: await tx.ledger.allBalances(),
    earnings: await tx.ledger.allDailyEarnings(),
    mint: await tx.ledger.allDailyMint(),
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
  const caps = capsAudit(transfers, earnings, mint);
  const debts = [...balances]
    .filter(([account, balance]) => account.startsWith('d:') && balance < 0)
    .map(([account, balance]) => ({ account, owed: -balance }))
    .sort((x, y) => y.owed - x.owed || x.account.localeCompare(y.account));
  const ok =
    sumOfBalances === 0 &&
    !negativeReaders.length &&
    !balanceMismatches.length &&
    !doubleReversals.length &&
    !reportMismatches.length &&
    !caps.aboveCap.length &&
    !caps.aboveBudget.length &&
    !caps.uncounted.length;
  return {
    accounts: balances.size,
    transfers: transfers.length,
    sumOfBalances,
    negativeReaders,
    balanceMismatches,
    doubleReversals,
    reportsChecked: reports.length,
    reportMismatches,
    ...caps,
    debts,
    ok,
  };
}
