import { ErrorCodes, type LedgerCategory, type WalletUpdate } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import type { TransferRecord } from '../store/ledger-types.js';
import type { WriteTx } from '../store/types.js';
import { threadIdOf } from '../domain/thread-key.js';
import { readerAccount, treasuryAccount } from './accounts.js';
import type { EconomyRules } from './rules.js';

export interface WalletDelivery {
  site: string;
  userId: string;
  update: WalletUpdate;
}

export const insufficientFunds = (need: number, balance: number): ParleyError =>
  new ParleyError(
    ErrorCodes.insufficientFunds,
    `This needs ${need} Twei and you have ${balance}. Read or comment to earn more.`,
    { need, balance },
  );

interface Movement {
  category: LedgerCategory;
  thread: string | null;
  ref: string | null;
}

/**
 * All money one action moves, inside that action's write transaction. Every movement is between a
 * reader and the site's treasury. Policy (DESIGN.md "Twei economy"):
 *   [ECO-1] the reader who ACTS must afford what the action costs — otherwise `insufficient_funds`
 *           and, because the transaction rolls back, nothing at all changes;
 *   [ECO-2] a reader who did NOT act (the author of a disliked comment, the post's author when a like
 *           they earned from is taken back) pays at most what they have; the treasury absorbs the rest,
 *           so nobody is ever refused or driven negative by someone else's click;
 *   [ECO-3] undoing an action reverses its transfers with new rows (append-only); the actor must give
 *           back their own rewards in full, so toggling a reaction in a loop never mints Twei.
 */
export class LedgerBook {
  private readonly touched = new Map<string, { userId: string; thread: string | null; readEarned: number | null }>();
  private readonly treasury: string;

  constructor(
    private readonly tx: WriteTx,
    readonly site: string,
    readonly rules: EconomyRules,
    private readonly at: number,
    private readonly requestId: string | null,
  ) {
    this.treasury = treasuryAccount(site);
  }

  /** Opens the reader's account (with the starting grant) the first time they are paid or charged. */
  async ensureReader(userId: string): Promise<string> {
    const account = readerAccount(this.site, userId);
    if (await this.tx.ledger.openAccount(account, 'reader', this.at)) {
      await this.tx.ledger.openAccount(this.treasury, 'treasury', this.at);
      if (this.rules.startingGrant > 0) {
        await this.move(this.treasury, account, this.rules.startingGrant, { category: 'grant', thread: null, ref: null }, null);
        this.touch(userId, null);
      }
    }
    return account;
  }

  async balanceOf(userId: string): Promise<number> {
    return (await this.tx.ledger.balance(await this.ensureReader(userId))) ?? 0;
  }

  /** The treasury pays a reader (a profit category). */
  async pay(userId: string, amount: number, movement: Movement): Promise<void> {
    if (amount <= 0) return;
    const account = await this.ensureReader(userId);
    await this.move(this.treasury, account, amount, movement, null);
    this.touch(userId, movement.thread);
    // XP is lifetime Twei earned (levels). Not for curation likes: the liker could toggle a like in a
    // loop, and XP, unlike Twei, is never taken back.
    if (movement.category !== 'likesCommenter') await this.tx.addXp(this.site, userId, amount);
  }

  /** [ECO-1] The acting reader pays the treasury; refused whole when they cannot. */
  async charge(userId: string, amount: number, movement: Movement): Promise<void> {
    if (amount <= 0) return;
    const account = await this.ensureReader(userId);
    const balance = (await this.tx.ledger.balance(account)) ?? 0;
    if (balance < amount) throw insufficientFunds(amount, balance);
    await this.move(account, this.treasury, amount, movement, null);
    this.touch(userId, movement.thread);
  }

  /** [ECO-2] A reader who did not act pays what they can, up to `amount`. */
  async chargeUpTo(userId: string, amount: number, movement: Movement): Promise<void> {
    if (amount <= 0) return;
    const account = await this.ensureReader(userId);
    const take = Math.min(amount, (await this.tx.ledger.balance(account)) ?? 0);
    if (take <= 0) return;
    await this.move(account, this.treasury, take, movement, null);
    this.touch(userId, movement.thread);
  }

  /** [ECO-3] Reverses every open transfer made under `ref`; `actorId` must return their own rewards in full. */
  async reverse(ref: string, actorId: string): Promise<void> {
    const actor = readerAccount(this.site, actorId);
    for (const original of await this.tx.ledger.openTransfers(ref)) {
      await this.reverseOne(original, actor);
    }
  }

  private async reverseOne(original: TransferRecord, actor: string): Promise<void> {
    const movement = { category: original.category, thread: original.thread, ref: original.ref };
    let amount = original.amount;
    if (original.to !== this.treasury) {
      const balance = (await this.tx.ledger.balance(original.to)) ?? 0;
      if (original.to === actor && balance < amount) throw insufficientFunds(amount, balance);
      amount = Math.min(amount, balance);
    }
    // A zero-amount reversal still closes the original, so it is never taken back twice.
    await this.move(original.to, original.from, amount, movement, original.id);
    for (const account of [original.from, original.to]) {
      const userId = this.userOf(account);
      if (userId !== null && amount > 0) this.touch(userId, original.thread);
    }
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
      const balance = (await this.tx.ledger.balance(readerAccount(this.site, userId))) ?? 0;
      // The wire names the thread by its public id, never its key.
      deliveries.push({ site: this.site, userId, update: { balance, thread: thread === null ? null : threadIdOf(thread), readEarned } });
    }
    return deliveries;
  }

  private touch(userId: string, thread: string | null): void {
    const previous = this.touched.get(userId);
    this.touched.set(userId, { userId, thread: thread ?? previous?.thread ?? null, readEarned: previous?.readEarned ?? null });
  }

  private userOf(account: string): string | null {
    const prefix = readerAccount(this.site, '');
    return account.startsWith(prefix) ? account.slice(prefix.length) : null;
  }

  private async move(from: string, to: string, amount: number, m: Movement, reverses: number | null): Promise<void> {
    await this.tx.ledger.transfer({
      from,
      to,
      amount,
      category: m.category,
      thread: m.thread,
      ref: m.ref,
      requestId: this.requestId,
      reverses,
      at: this.at,
    });
  }
}
