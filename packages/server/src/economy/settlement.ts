/**
 * Settlement (SPEC SETTLE-1…SETTLE-6): every reward tied to a comment — its Comment Reward and the
 * rewards of the reactions it receives — is a `pending_rewards` row until the comment has stood for
 * the site's settlement window. The settle step pays due rows (through LedgerBook.pay, so the caps
 * apply at payment) and is run by the server on a timer and lazily when a reader's wallet is read.
 * Each row changes state once (`pending` → `paid` | `cancelled`, `paid` → `reversed`), checked by
 * the UPDATE itself, so settling twice, or on two nodes at once, pays nothing twice.
 */
import type { CommandContext } from '../commands/context.js';
import type { LedgerCategory } from '@parley/protocol';
import type { PendingReward } from '../store/ledger-types.js';
import type { WriteTx } from '../store/types.js';
import { readerAccount } from './accounts.js';
import { openBook } from './book.js';
import type { LedgerBook, WalletDelivery } from './ledger-book.js';

export interface RewardForComment {
  userId: string;
  category: LedgerCategory;
  amount: number;
  thread: string;
  comment: { id: string; createdAt: number };
  ref: string;
}

/**
 * [SETTLE-1] Records a reward tied to a comment, due when the comment has stood for the window;
 * a reward for a comment that already has (a like on an old comment) is paid at once.
 */
export async function rewardForComment(book: LedgerBook, reward: RewardForComment): Promise<void> {
  if (reward.amount <= 0 || book.off) return;
  const account = await book.ensureReader(reward.userId);
  const dueAt = Math.max(book.at, reward.comment.createdAt + book.rules.settleWindowMs);
  const row = {
    site: book.site,
    account,
    category: reward.category,
    thread: reward.thread,
    comment: reward.comment.id,
    ref: reward.ref,
    amount: reward.amount,
    createdAt: book.at,
    dueAt,
  };
  // [HOT-12] Due later, its id is not needed now: a store may send it with its next statement.
  if (dueAt > book.at && book.tx.ledger.queuePending) {
    await book.tx.ledger.queuePending(row);
    return;
  }
  const id = await book.tx.ledger.addPending(row);
  if (dueAt <= book.at) {
    await settleRow(book, { id, site: book.site, account, ...reward, comment: reward.comment.id, createdAt: book.at, dueAt, state: 'pending', paid: 0, transferId: null, settledAt: null });
  }
}

/** Pays one due row, or cancels it when its comment no longer stands. */
async function settleRow(book: LedgerBook, row: PendingReward): Promise<void> {
  const comment = await book.tx.getComment(row.thread, row.comment);
  if (!comment || comment.deletedAt !== null || comment.hiddenAt != null) {
    await book.tx.ledger.setPendingState(row.id, 'pending', 'cancelled', 0, null, book.at);
    return;
  }
  const userId = row.account.slice(readerAccount(book.site, '').length);
  // Claim the row first: if another settle step got it, this one pays nothing.
  if (!(await book.tx.ledger.setPendingState(row.id, 'pending', 'paid', 0, null, book.at))) return;
  const credit = await book.pay(userId, row.amount, { category: row.category as LedgerCategory, thread: row.thread, ref: row.ref });
  await book.tx.ledger.setPendingState(row.id, 'paid', 'paid', credit.paid, credit.transferId, book.at);
}

/**
 * [SETTLE-2] [SETTLE-3] A comment was deleted or hidden: its pending rewards are cancelled, and the
 * ones already paid are reversed — exactly what was paid, to every reader who got one (DEBT-1).
 * Showing a hidden comment again restores its words, not these rewards.
 */
export async function cancelCommentRewards(book: LedgerBook, thread: string, commentId: string): Promise<void> {
  for (const row of await book.tx.ledger.pendingOfComment(thread, commentId)) {
    if (row.state === 'pending') {
      await book.tx.ledger.setPendingState(row.id, 'pending', 'cancelled', 0, null, book.at);
    } else if (row.state === 'paid' && (await book.tx.ledger.setPendingState(row.id, 'paid', 'reversed', row.paid, null, book.at))) {
      if (row.transferId !== null) await book.reversePayment(row.transferId);
    }
  }
}

/** Settles up to `limit` due rows (all readers, or one account's) in the caller's transaction. */
export async function settleDueIn(ctx: CommandContext, tx: WriteTx, now: number, limit: number, account?: string): Promise<{ settled: number; wallets: WalletDelivery[] }> {
  const rows = await tx.ledger.duePending(now, limit, account);
  const books = new Map<string, LedgerBook>();
  for (const row of rows) {
    let book = books.get(row.site);
    if (!book) books.set(row.site, (book = openBook(ctx, tx, row.site, now, null)));
    await settleRow(book, row);
  }
  const wallets: WalletDelivery[] = [];
  for (const book of books.values()) wallets.push(...(await book.walletUpdates()));
  return { settled: rows.length, wallets };
}

/** Settles up to `limit` of one reader's due rewards with a book the caller already has open (same site). */
export async function settleAccountWith(book: LedgerBook, account: string, limit: number): Promise<number> {
  const rows = await book.tx.ledger.duePending(book.at, limit, account);
  for (const row of rows) await settleRow(book, row);
  return rows.length;
}

export const SETTLE_BATCH = 200;

/**
 * [SETTLE-4] One batch of due rewards, in one write transaction: what the server's timer runs
 * (repeatedly while batches come back full). Idempotent: a row is paid once whoever settles it.
 */
export async function settleDue(ctx: CommandContext, limit = SETTLE_BATCH): Promise<{ settled: number; wallets: WalletDelivery[] }> {
  const now = ctx.now();
  const due = await ctx.store.read((tx) => tx.ledger.duePending(now, 1));
  if (due.length === 0) return { settled: 0, wallets: [] };
  return ctx.store.write((tx) => settleDueIn(ctx, tx, now, limit));
}

/** [SETTLE-5] Settles one reader's due rewards before their wallet is read (no write when nothing is due). */
export async function settleReader(ctx: CommandContext, site: string, userId: string): Promise<WalletDelivery[]> {
  const account = readerAccount(site, userId);
  const now = ctx.now();
  const due = await ctx.store.read((tx) => tx.ledger.duePending(now, 1, account));
  if (due.length === 0) return [];
  return (await ctx.store.write((tx) => settleDueIn(ctx, tx, now, 10_000, account))).wallets;
}
