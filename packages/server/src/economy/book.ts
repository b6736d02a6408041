import type { CommandContext } from '../commands/context.js';
import type { WriteTx } from '../store/types.js';
import { LedgerBook } from './ledger-book.js';

/** The ledger book of one action on `site`, with that site's rules (accounts are per site and user). */
export function openBook(ctx: CommandContext, tx: WriteTx, site: string, at: number, requestId: string | null): LedgerBook {
  return new LedgerBook(tx, site, ctx.economy.rulesFor(site), at, requestId);
}
