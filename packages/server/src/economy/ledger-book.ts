import { ErrorCodes, type LedgerCategory, type WalletUpdate } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import type { NewTransfer, TransferRecord } from '../store/ledger-types.js';
import type { WriteTx } from '../store/types.js';
import { threadIdOf } from '../domain/thread-key.js';
import { debtAccount, readerAccount, treasuryAccount } from './accounts.js';
import type { EconomyRules } from './rules.js';

export interface WalletDelivery {
  site: string;
  userId: string;
  update: WalletUpdate;
}

/**
 * [DUR-9] Deliveries whose action moved no XP of their reader (a charge, a pending reward): the
 * level, which XP alone decides, cannot have changed, so nobody need re-derive it. A delivery not
 * in here (made elsewhere, or copied) is re-derived as before.
 */
export const levelUnchanged = new WeakSet<WalletDelivery>();

/**
 * [BEAT-13] The reader's XP as the delivery's own transaction left it, when that transaction added
 * to it: their level is derived from it without reading the store again. Absent, it is read.
 */
export const xpAfter = new WeakMap<WalletDelivery, number>();

export const insufficientFunds = (need: number, balance: number): ParleyError =>
  new ParleyError(
    ErrorCodes.insufficientFunds,
    `This needs ${need} Twei and you have ${balance}.`,
    { need, balance },
  );

interface Movement {
  category: LedgerCategory;
  thread: string | null;
  ref: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** The UTC day a time falls in: the period of the daily caps (CAP-1, CAP-2). */
export const dayOf = (at: number): number => Math.floor(at / DAY_MS);

/** Which mint counter a reader's credits count against (a stable hash, so a reader always uses one). */
export function mintShardOf(account: string, shards: number): number {
  let h = 0;
  for (let i = 0; i < account.length; i++) h = (h * 31 + account.charCodeAt(i)) >>> 0;
  return h % shards;
}

/** Shard `shard`'s part of the site's daily budget; the parts add up to the budget exactly. */
export const shardBudget = (budget: number, shards: number, shard: number): number =>
  Math.floor(budget / shards) + (shard < budget % shards ? 1 : 0);

export interface Credit {
  /** What was really paid: `amount` cut to what the caps leave (0 when nothing is left). */
  paid: number;
  transferId: number | null;
}

/**
 * All money one action moves, inside that action's write transaction. Every movement is between a
 * reader and the site's treasury (or the reader's debt account). Policy (economy README, SPEC):
 *   [ECO-1] the reader who ACTS must afford what the action costs — otherwise `insufficient_funds`
 *           and, because the transaction rolls back, nothing at all changes;
 *   [DEBT-1] a reader who did NOT act (the author of a disliked comment; a commenter whose settled
 *           reward a hide reverses) is never refused and pays EXACTLY what they owe: what their
 *           balance cannot cover is lent from their debt account, and later credits repay it first.
 *           The balance never goes below zero, and every reversal is exactly what was paid;
 *   [CAP-1] [CAP-2] every credit the treasury makes is cut to what the reader's daily earning cap and
 *           the site's daily mint budget leave, in the same transaction.
 */
export class LedgerBook {
  private readonly touched = new Map<string, { userId: string; thread: string | null; readEarned: number | null }>();
  private readonly treasury: string;
  /** Readers this book added XP to (`pay`), with their XP after it. */
  private readonly earnedXp = new Map<string, number>();
  /** Reader accounts this book already opened or found open: the book lives in one transaction, so they stay open. */
  private readonly ensured = new Set<string>();
  /**
   * [BEAT-22] The one mint shard every credit of this book counts against (`mintFrom`), and what it
   * holds as this transaction sees it (read once, then kept with the book's own mints).
   */
  private fixedShard: { shard: number; minted: number | null } | null = null;

  constructor(
    readonly tx: WriteTx,
    readonly site: string,
    readonly rules: EconomyRules,
    readonly at: number,
    private readonly requestId: string | null,
    /** [ECO-4] The site runs with the economy off: nothing is granted, charged or paid. */
    readonly off = false,
  ) {
    this.treasury = treasuryAccount(site);
  }

  /** Opens the reader's account (with the starting grant, within the mint budget) the first time they are paid or charged. */
  async ensureReader(userId: string): Promise<string> {
    const account = readerAccount(this.site, userId);
    if (this.ensured.has(account)) return account;
    if (await this.tx.ledger.openAccount(account, 'reader', this.at)) {
      await this.tx.ledger.openAccount(this.treasury, 'treasury', this.at);
      const grant = this.off ? 0 : await this.mintable(account, this.rules.startingGrant, false);
      if (grant > 0) {
        await this.mint(account, grant, { category: 'grant', thread: null, ref: null }, false);
        this.touch(userId, null);
      }
    }
    this.ensured.add(account);
    return account;
  }

  /**
   * [BEAT-22] Every credit of this book counts against mint shard `shard`, not each reader's own: a
   * transaction paying many readers (the reading tick's batch, a group of beats) holds one shard
   * row, so the site's other writers rarely wait for it. The shards' budgets add up to the day's
   * budget whichever shard a credit counts against (CAP-2).
   */
  mintFrom(shard: number): void {
    this.fixedShard = { shard: shard % this.rules.mintShards, minted: null };
  }

  /** The caller knows the reader's account is open (accounts are never removed): paying them need not open it. */
  assumeOpen(userId: string): void {
    this.ensured.add(readerAccount(this.site, userId));
  }

  async balanceOf(userId: string): Promise<number> {
    return (await this.openBalance(userId)).balance;
  }

  /**
   * [DUR-11] The reader's account and its balance, opened first (ensureReader) only when it does not
   * exist: an open account costs one read, not an insert that changes nothing and then the read.
   */
  private async openBalance(userId: string): Promise<{ account: string; balance: number }> {
    const account = readerAccount(this.site, userId);
    const balance = await this.tx.ledger.balance(account);
    if (balance !== null) {
      this.ensured.add(account);
      return { account, balance };
    }
    await this.ensureReader(userId);
    return { account, balance: (await this.tx.ledger.balance(account)) ?? 0 };
  }

  /** What the reader owes (DEBT-1); 0 when nothing. */
  async debtOf(userId: string): Promise<number> {
    return Math.max(0, -((await this.tx.ledger.balance(debtAccount(this.site, userId))) ?? 0));
  }

  /**
   * The treasury pays a reader (a profit category, or reading), cut to what the caps leave
   * ([CAP-1] [CAP-2]); a debt is repaid from it first ([DEBT-1]). Returns what was paid.
   */
  async pay(userId: string, amount: number, movement: Movement): Promise<Credit> {
    if (amount <= 0 || this.off) return { paid: 0, transferId: null };
    const account = await this.ensureReader(userId);
    const paid = await this.mintable(account, amount, true);
    if (paid <= 0) return { paid: 0, transferId: null };
    const transfer = await this.mint(account, paid, movement, true);
    this.touch(userId, movement.thread);
    // XP is lifetime Twei earned (levels). Not for curation likes: a like is for the comment, not a
    // way to level up; a like pays once ever anyway (REACT-1).
    if (movement.category !== 'likesCommenter') {
      this.earnedXp.set(userId, await this.tx.addXp(this.site, userId, paid));
    }
    await this.repayDebt(userId, account, paid);
    return { paid, transferId: transfer.id };
  }

  /** [ECO-1] The acting reader pays the treasury; refused whole when they cannot. */
  async charge(userId: string, amount: number, movement: Movement): Promise<void> {
    if (amount <= 0 || this.off) return;
    // [HOT-12] A store that checks the balance in the transfer itself: one statement when it is covered.
    const spend = this.tx.ledger.transferIfCovered;
    if (spend) {
      const account = readerAccount(this.site, userId);
      if (await spend.call(this.tx.ledger, this.transferOf(account, this.treasury, amount, movement, null))) {
        this.ensured.add(account);
        this.touch(userId, movement.thread);
        return;
      }
    }
    const { account, balance } = await this.openBalance(userId);
    if (balance < amount) throw insufficientFunds(amount, balance);
    await this.move(account, this.treasury, amount, movement, null);
    this.touch(userId, movement.thread);
  }

  /** [DEBT-1] A reader who did not act pays exactly `amount`; what they cannot cover becomes debt. */
  async chargeOwed(userId: string, amount: number, movement: Movement): Promise<void> {
    if (amount <= 0 || this.off) return;
    const account = await this.ensureReader(userId);
    await this.coverFromDebt(userId, account, amount);
    await this.move(account, this.treasury, amount, movement, null);
    this.touch(userId, movement.thread);
  }

  /**
   * [SETTLE-3] [DEBT-1] Reverses one transfer the treasury paid a reader, exactly: the same amount
   * back, as a new row that `reverses` it; a shortfall is lent from the reader's debt account.
   * Reversing what was already reversed changes nothing (false).
   */
  async reversePayment(transferId: number): Promise<boolean> {
    const original = await this.tx.ledger.transferById(transferId);
    if (!original || original.from !== this.treasury) return false;
    const userId = this.userOf(original.to);
    if (userId === null) return false;
    if (original.category === 'debt' || original.category === 'grant') return false;
    await this.coverFromDebt(userId, original.to, original.amount);
    await this.move(original.to, this.treasury, original.amount, original as Movement, original.id);
    this.touch(userId, original.thread);
    return true;
  }

  /** How much of `amount` the caps let the treasury mint for `account` now. */
  private async mintable(account: string, amount: number, earning: boolean): Promise<number> {
    const { dailyEarnCap, dailyMintBudget, mintShards } = this.rules;
    const day = dayOf(this.at);
    let allowed = amount;
    if (earning) {
      const earned = (await this.tx.ledger.earnedOn(account, day))?.amount ?? 0;
      allowed = Math.min(allowed, dailyEarnCap - earned);
    }
    const fixed = this.fixedShard;
    const shard = fixed?.shard ?? mintShardOf(account, mintShards);
    let minted: number;
    if (fixed && fixed.minted !== null) minted = fixed.minted;
    else {
      minted = (await this.tx.ledger.mintedOn(this.site, day, shard))?.amount ?? 0;
      if (fixed) fixed.minted = minted;
    }
    allowed = Math.min(allowed, shardBudget(dailyMintBudget, mintShards, shard) - minted);
    return Math.max(0, allowed);
  }

  /** Treasury → reader, counted against the caps in the same transaction. */
  private async mint(account: string, amount: number, movement: Movement, earning: boolean): Promise<TransferRecord> {
    const { dailyEarnCap, dailyMintBudget, mintShards } = this.rules;
    const day = dayOf(this.at);
    const fixed = this.fixedShard;
    const shard = fixed?.shard ?? mintShardOf(account, mintShards);
    const transfer = await this.move(this.treasury, account, amount, movement, null);
    if (fixed) fixed.minted = (fixed.minted ?? (await this.tx.ledger.mintedOn(this.site, day, shard))?.amount ?? 0) + amount;
    if (earning) await this.tx.ledger.addEarned(account, day, amount, dailyEarnCap);
    await this.tx.ledger.addMinted(this.site, day, shard, amount, shardBudget(dailyMintBudget, mintShards, shard));
    return transfer;
  }

  /** Lends the reader what `amount` exceeds their balance by, from their debt account. */
  private async coverFromDebt(userId: string, account: string, amount: number): Promise<void> {
    const balance = (await this.tx.ledger.balance(account)) ?? 0;
    if (balance >= amount) return;
    const debt = debtAccount(this.site, userId);
    await this.tx.ledger.openAccount(debt, 'treasury', this.at);
    await this.move(debt, account, amount - balance, { category: 'debt' as LedgerCategory, thread: null, ref: null }, null);
  }

  /** A credit pays the reader's debt first (DEBT-1). */
  private async repayDebt(userId: string, account: string, credited: number): Promise<void> {
    const owed = await this.debtOf(userId);
    if (owed <= 0) return;
    const repay = Math.min(owed, credited);
    await this.move(account, debtAccount(this.site, userId), repay, { category: 'debt' as LedgerCategory, thread: null, ref: null }, null);
  }

  /** The user id of the thread's post author, or null while the thread is unpublished. */
  async postAuthor(thread: string): Promise<string | null> {
    const account = await this.tx.ledger.postAuthor(thread);
    return account === null ? null : this.userOf(account);
  }

  /** Marks a read-to-earn total to send with the wallet update. */
  noteReadEarned(userId: string, thread: string, readEarned: number): void {
    this.touched.set(userId, { userId, thread, readEarned });
  }

  /** The balances after this transaction, for every reader whose money moved. */
  async walletUpdates(): Promise<WalletDelivery[]> {
    const deliveries: WalletDelivery[] = [];
    for (const { userId, thread, readEarned } of this.touched.values()) {
      const figures = await this.walletFigures(userId);
      // The wire names the thread by its public id, never its key.
      const update = { balance: figures.balance, thread: thread === null ? null : threadIdOf(thread), readEarned, ...figures.extra };
      const delivery = { site: this.site, userId, update };
      const xp = this.earnedXp.get(userId);
      if (xp === undefined) levelUnchanged.add(delivery);
      else xpAfter.set(delivery, xp);
      deliveries.push(delivery);
    }
    return deliveries;
  }

  /** A reader's balance, and what is pending, owed and earned today (the wallet's optional fields). */
  async walletFigures(userId: string): Promise<{ balance: number; extra: { pending: number; debt: number; earnedToday: number; dailyEarnCap: number } }> {
    const account = readerAccount(this.site, userId);
    const figures = await this.tx.ledger.walletFigures(account, debtAccount(this.site, userId), dayOf(this.at));
    return {
      balance: figures.balance,
      extra: { pending: figures.pending, debt: Math.max(0, -figures.debtBalance), earnedToday: figures.earned, dailyEarnCap: this.rules.dailyEarnCap },
    };
  }

  private touch(userId: string, thread: string | null): void {
    const previous = this.touched.get(userId);
    // [DUR-17] Its wallet is read at the end: a store may read it with the reader's next pending reward.
    if (!previous) this.tx.ledger.wantWallet?.(readerAccount(this.site, userId), debtAccount(this.site, userId), dayOf(this.at));
    this.touched.set(userId, { userId, thread: thread ?? previous?.thread ?? null, readEarned: previous?.readEarned ?? null });
  }

  private userOf(account: string): string | null {
    const prefix = readerAccount(this.site, '');
    return account.startsWith(prefix) ? account.slice(prefix.length) : null;
  }

  private transferOf(from: string, to: string, amount: number, m: Movement, reverses: number | null): NewTransfer {
    return { from, to, amount, category: m.category, thread: m.thread, ref: m.ref, requestId: this.requestId, reverses, at: this.at };
  }

  private async move(from: string, to: string, amount: number, m: Movement, reverses: number | null): Promise<TransferRecord> {
    return this.tx.ledger.transfer(this.transferOf(from, to, amount, m, reverses));
  }
}
