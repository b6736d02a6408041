import { ErrorCodes } from '@parley/protocol';
import type { CommandContext } from '../commands/context.js';
import { siteOf, threadGates } from '../commands/thread-gates.js';
import type { Identity } from '../domain/identity.js';
import { notFound, ParleyError } from '../errors.js';
import type { ReadTx } from '../store/types.js';

/** Economy actions need a signed-in reader: a guest has no wallet. */
export function requireReader(identity: Identity | null): Identity {
  if (!identity) throw new ParleyError(ErrorCodes.authRequired, 'Sign in to earn and spend Twei.');
  return identity;
}

/**
 * Money moves only on threads that exist and belong to the reader's site: a crafted client cannot
 * open read-to-earn sessions on thread ids nobody published.
 */
export async function requireThread(ctx: CommandContext, tx: ReadTx, identity: Identity | null, thread: string): Promise<void> {
  await threadGates(tx, siteOf(ctx, identity), thread);
  if (!(await tx.getThread(thread))) throw notFound('The thread');
}
