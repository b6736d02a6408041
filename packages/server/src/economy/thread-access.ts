import { ErrorCodes } from '@parley/protocol';
import { requireThreadRecord, type ThreadRef } from '../commands/thread-gates.js';
import type { Identity } from '../domain/identity.js';
import { ParleyError } from '../errors.js';
import type { ReadTx, ThreadRecord } from '../store/types.js';

/** Economy actions need a signed-in reader: a guest has no wallet. */
export function requireReader(identity: Identity | null): Identity {
  if (!identity) throw new ParleyError(ErrorCodes.authRequired, 'Sign in to earn and spend Twei.');
  return identity;
}

/**
 * Money moves only on threads that exist on the reader's site: a crafted client cannot open
 * read-to-earn sessions on thread ids nobody created (SPEC THREAD-4, THREAD-6).
 */
export async function requireThread(tx: ReadTx, thread: ThreadRef): Promise<ThreadRecord> {
  return requireThreadRecord(tx, thread);
}
