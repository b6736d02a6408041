import type { ReadHeartbeatInput, ReadProgress } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import type { Identity } from '../domain/identity.js';
import { openBook } from './book.js';
import { readEarnings, readingStep } from './reading.js';
import { requireReader, requireThread } from './thread-access.js';

/**
 * "I am visible and active on this thread." The server turns that into reading time by its own
 * clock (reading.ts: never faster than real time, one clock per reader across tabs and posts) and
 * pays read-to-earn in whole Twei up to the per-post cap. Each Twei is paid once: the session row
 * records what was credited, in the same transaction as the credit.
 */
export async function readHeartbeat(
  ctx: CommandContext,
  identity: Identity | null,
  input: ReadHeartbeatInput,
): Promise<CommandOutput<ReadProgress>> {
  const user = requireReader(identity);
  return ctx.store.write(async (tx) => {
    await requireThread(ctx, tx, user, input.thread);
    const at = ctx.now();
    const book = openBook(ctx, tx, user, at, null);
    const account = await book.ensureReader(user.id);
    const step = readingStep(await tx.ledger.readClock(account), at, book.rules);
    await tx.ledger.saveReadClock(account, step.clock);
    const session = (await tx.ledger.readSession(account, input.thread)) ?? { readMs: 0, credited: 0 };
    const readMs = session.readMs + step.addMs;
    const credited = Math.max(0, readEarnings(readMs, book.rules) - session.credited);
    const readEarned = session.credited + credited;
    await tx.ledger.saveReadSession(account, input.thread, { readMs, credited: readEarned });
    if (credited > 0) {
      await book.pay(user.id, credited, { category: 'read', thread: input.thread, ref: `read:${input.thread}` });
      book.noteReadEarned(user.id, input.thread, readEarned);
    }
    const balance = (await tx.ledger.balance(account)) ?? 0;
    const result = { thread: input.thread, readMs, readEarned, credited, balance };
    return { result, events: [], wallets: await book.walletUpdates() };
  });
}
