import type { PnlReport, ReportBuyInput, ReportListInput } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import { runGatedMutation } from '../commands/mutation.js';
import { threadRef } from '../commands/thread-gates.js';
import type { Identity } from '../domain/identity.js';
import { readerAccount } from './accounts.js';
import { openBook } from './book.js';
import { REPORTS_SHOWN } from './economy-state.js';
import { pnlLines } from './pnl.js';
import { requireReader, requireThread } from './thread-access.js';

/**
 * A reader buys their PnL report for a post. The price is charged first, so the report includes
 * its own cost under "PnL Reports"; the lines are read from the ledger in the same transaction, so
 * the report is exactly the ledger as of that moment. A retried requestId returns the same report
 * and charges nothing more.
 */
export async function buyReport(
  ctx: CommandContext,
  identity: Identity | null,
  input: ReportBuyInput,
  siteId?: string,
): Promise<CommandOutput<PnlReport>> {
  const thread = threadRef(ctx, identity, input.thread, siteId);
  const request = {
    identity,
    gate: { thread, action: 'report' as const },
    requestId: input.requestId,
    action: 'report:buy',
    input: { thread: input.thread },
  };
  return runGatedMutation<PnlReport>(ctx, request, async (tx, at, user) => {
    const book = openBook(ctx, tx, thread.site.id, at, input.requestId);
    const id = ctx.newId();
    const price = book.rules.amounts.reports;
    await book.charge(user.id, price, { category: 'reports', thread: thread.key, ref: `report:${id}` });
    const flows = await tx.ledger.flows(readerAccount(book.site, user.id), thread.key);
    const report: PnlReport = { id, thread: input.thread, boughtAt: at, price, ...pnlLines(flows) };
    await tx.ledger.saveReport(readerAccount(book.site, user.id), thread.key, report);
    return { result: report, events: [], wallets: await book.walletUpdates() };
  });
}

/** The reader's bought reports for a post, newest first: bought reports stay viewable. */
export async function listReports(
  ctx: CommandContext,
  identity: Identity | null,
  input: ReportListInput,
  siteId?: string,
): Promise<CommandOutput<PnlReport[]>> {
  const user = requireReader(identity);
  const thread = threadRef(ctx, user, input.thread, siteId);
  const account = readerAccount(thread.site.id, user.id);
  const result = await ctx.store.read(async (tx) => {
    await requireThread(tx, thread);
    return tx.ledger.reports(account, thread.key, REPORTS_SHOWN);
  });
  return { result, events: [] };
}
