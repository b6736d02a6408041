import type { CommandContext } from '../commands/context.js';
import type { WriteTx } from '../store/types.js';
import { LedgerBook } from './ledger-book.js';

/**
 * The ledger book of one action on `site`, with that site's rules (accounts are per site and user).
 * [ECO-4] A site whose economy is `off` gets a book that moves nothing: no grant, no tribute, no
 * reward, no read credit (a reversal of what was paid while it was on is still exact).
 */
export function openBook(ctx: CommandContext, tx: WriteTx, site: string, at: number, requestId: string | null): LedgerBook {
  const off = ctx.sites.get(site)?.economy === 'off';
  return new LedgerBook(tx, site, ctx.economy.rulesFor(site), at, requestId, off);
}
