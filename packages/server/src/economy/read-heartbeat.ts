import type { ReadHeartbeatInput, ReadProgress } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import type { Identity } from '../domain/identity.js';
import { openBook } from './book.js';
import { settleAccountWith } from './settlement.js';
import { readEarnings, readingStep } from './reading.js';
import { requireReader, requireThread } from './thread-access.js';
import { threadRef } from '../commands/thread-gates.js';

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
  siteId?: string,
  /** Nobody is told the answer (BEAT-17): the clocks in memory may then skip the wallet read (BEAT-18). */
  quiet = false,
): Promise<CommandOutput<ReadProgress>> {
  const user = requireReader(identity);
  const thread = threadRef(ctx, user, input.thread, siteId);
  // [READ-5] Reading stopped: the clocks in memory end the interval. Without them (every beat
  // written, `readFlushEveryMs: 0`) a stop changes nothing and READ-2 bounds the gap as before.
  if (input.stop === true) {
    if (ctx.reading) return ctx.reading.stop(ctx, user.id, thread);
    return { result: { thread: input.thread, readMs: 0, readEarned: 0, credited: 0, balance: 0 }, events: [] };
  }
  // The server's clocks in memory write a beat only when it credits, or its reading has waited (PERF-1).
  if (ctx.reading) return ctx.reading.beat(ctx, user.id, thread, quiet);
  return ctx.store.write(async (tx) => {
    const record = await requireThread(tx, thread);
    const at = ctx.now();
    const book = openBook(ctx, tx, thread.site.id, at, null);
    const account = await book.ensureReader(user.id);
    // A reader who is reading sees their due rewards arrive without waiting for the timer (SETTLE-5):
    // one indexed query in a transaction that writes anyway.
    await settleAccountWith(book, account, 50);
    if (record.publishedAt === null) {
      // Reading pays only on a post its host published (SPEC THREAD-6): no clock, no session, no Twei.
      const session = await tx.ledger.readSession(account, thread.key);
      const balance = (await tx.ledger.balance(account)) ?? 0;
      const result = { thread: input.thread, readMs: session?.readMs ?? 0, readEarned: session?.credited ?? 0, credited: 0, balance };
      return { result, events: [], wallets: await book.walletUpdates() };
    }
    const step = readingStep(await tx.ledger.readClock(account), at, book.rules);
    await tx.ledger.saveReadClock(account, step.clock);
    const session = (await tx.ledger.readSession(account, thread.key)) ?? { readMs: 0, credited: 0 };
    const readMs = session.readMs + step.addMs;
    const owed = Math.max(0, readEarnings(readMs, book.rules) - session.credited);
    // The caps may cut the credit (CAP-1, CAP-2): the session records what was really paid, so the
    // rest can be paid on a later beat, once the cap allows, and never twice.
    const credited = owed > 0 ? (await book.pay(user.id, owed, { category: 'read', thread: thread.key, ref: `read:${thread.key}` })).paid : 0;
    const readEarned = session.credited + credited;
    await tx.ledger.saveReadSession(account, thread.key, { readMs, credited: readEarned });
    if (credited > 0) book.noteReadEarned(user.id, thread.key, readEarned);
    const balance = (await tx.ledger.balance(account)) ?? 0;
    const result = { thread: input.thread, readMs, readEarned, credited, balance };
    return { result, events: [], wallets: await book.walletUpdates() };
  });
}
