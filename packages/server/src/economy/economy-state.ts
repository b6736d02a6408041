import type { EconomyState, EconomyStateInput } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import { threadRef } from '../commands/thread-gates.js';
import type { Identity } from '../domain/identity.js';
import { debtAccount, readerAccount } from './accounts.js';
import { openBook } from './book.js';
import { dayOf } from './ledger-book.js';
import { settleReader } from './settlement.js';

/** Bought reports kept on screen; older ones stay in the database. */
export const REPORTS_SHOWN = 20;

/**
 * What the widget needs to draw the economy blocks: the site's rules (so every cost is shown before
 * the action), and for a signed-in reader their wallet and bought reports. The first call of a new
 * reader opens their account with the starting grant.
 */
export async function economyState(
  ctx: CommandContext,
  identity: Identity | null,
  input: EconomyStateInput,
  siteId?: string,
): Promise<CommandOutput<EconomyState>> {
  const thread = threadRef(ctx, identity, input.thread, siteId);
  const site = thread.site.id;
  const rules = ctx.economy.rulesFor(site);
  let wallets: CommandOutput<EconomyState>['wallets'] = [];
  if (identity) {
    const account = readerAccount(site, identity.id);
    const { balance, pending } = await ctx.store.read(async (tx) => ({ balance: await tx.ledger.balance(account), pending: await tx.ledger.pendingTotal(account) }));
    // Due rewards are paid before the wallet is read (SETTLE-5), so a reader never waits for the
    // timer; a reader with nothing pending has nothing due.
    if (pending > 0) wallets = await settleReader(ctx, site, identity.id);
    if (balance === null) {
      // [BEAT-7] A new reader's wallet opens with the starting grant, told in this answer alone: no
      // tab of theirs shows a wallet before it exists (each asks economy:state), so a push to their
      // sockets would tell nobody anything — in a join storm, one message per new reader.
      await ctx.store.write(async (tx) => {
        await openBook(ctx, tx, site, ctx.now(), null).ensureReader(identity.id);
      });
    }
  }
  const result = await ctx.store.read(async (tx): Promise<EconomyState> => {
    // A thread nobody created yet (paste-and-go, before its first signed-in reader) reads as empty.
    const author = (await tx.getThread(thread.key)) ? await tx.ledger.postAuthor(thread.key) : null;
    const authorId = author === null ? null : author.slice(readerAccount(site, '').length);
    if (!identity) return { rules, wallet: null, author: authorId, reports: [] };
    const account = readerAccount(site, identity.id);
    const session = await tx.ledger.readSession(account, thread.key);
    return {
      rules,
      wallet: {
        balance: (await tx.ledger.balance(account)) ?? 0,
        readEarned: session?.credited ?? 0,
        // With the reading still in memory (PERF-1), as the reader's last heartbeat told it.
        readMs: (session?.readMs ?? 0) + (ctx.reading?.waitingMs(account, thread.key) ?? 0),
        pending: await tx.ledger.pendingTotal(account),
        debt: Math.max(0, -((await tx.ledger.balance(debtAccount(site, identity.id))) ?? 0)),
        earnedToday: (await tx.ledger.earnedOn(account, dayOf(ctx.now())))?.amount ?? 0,
        dailyEarnCap: rules.dailyEarnCap,
      },
      author: authorId,
      reports: await tx.ledger.reports(account, thread.key, REPORTS_SHOWN),
    };
  });
  return { result: { ...result, mode: thread.site.economy }, events: [], wallets };
}
