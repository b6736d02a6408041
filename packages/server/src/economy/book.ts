import { siteOf } from '../commands/thread-gates.js';
import type { CommandContext } from '../commands/context.js';
import type { Identity } from '../domain/identity.js';
import type { WriteTx } from '../store/types.js';
import { LedgerBook } from './ledger-book.js';

/** The ledger book of one action by `identity`, on that reader's site with that site's rules. */
export function openBook(ctx: CommandContext, tx: WriteTx, identity: Identity, at: number, requestId: string | null): LedgerBook {
  const site = siteOf(ctx, identity).id;
  return new LedgerBook(tx, site, ctx.economy.rulesFor(site), at, requestId);
}
