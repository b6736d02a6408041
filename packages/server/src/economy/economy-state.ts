import type { EconomyState, EconomyStateInput } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import { siteOf, threadGates } from '../commands/thread-gates.js';
import type { Identity } from '../domain/identity.js';
import { readerAccount } from './accounts.js';
import { openBook } from './book.js';

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
): Promise<CommandOutput<EconomyState>> {
  const site = siteOf(ctx, identity).id;
  const rules = ctx.economy.rulesFor(site);
  let wallets: CommandOutput<EconomyState>['wallets'] = [];
  if (identity) {
    const account = readerAccount(site, identity.id);
    const opened = await ctx.store.read((tx) => tx.ledger.balance(account));
    if (opened === null) {
      wallets = await ctx.store.write(async (tx) => {
        const book = openBook(ctx, tx, identity, ctx.now(), null);
        await book.ensureReader(identity.id);
        return book.walletUpdates();
      });
    }
  }
  const result = await ctx.store.read(async (tx): Promise<EconomyState> => {
    // Only the site check, not "the thread exists": a widget asks for this as it joins, and the join
    // that creates a new thread may commit just after. A thread nobody created reads as empty.
    await threadGates(tx, siteOf(ctx, identity), input.thread);
    const author = await tx.ledger.postAuthor(input.thread);
    const authorId = author === null ? null : author.slice(readerAccount(site, '').length);
    if (!identity) return { rules, wallet: null, author: authorId, reports: [] };
    const account = readerAccount(site, identity.id);
    const session = await tx.ledger.readSession(account, input.thread);
    return {
      rules,
      wallet: {
        balance: (await tx.ledger.balance(account)) ?? 0,
        readEarned: session?.credited ?? 0,
        readMs: session?.readMs ?? 0,
      },
      author: authorId,
      reports: await tx.ledger.reports(account, input.thread, REPORTS_SHOWN),
    };
  });
  return { result, events: [], wallets };
}
