/**
 * Erasing a reader of a site (SPEC RIGHTS-2…RIGHTS-6), in ONE store transaction:
 *
 * - every comment they wrote becomes a tombstone (body '', `deletedAt`; the words a moderator hid
 *   are dropped too): the rows stay, so replies keep their place and threads stay whole;
 * - their name and avatar leave every stored comment (name '', no avatar) and every reply's
 *   "↪ @name"; the thread event log is rewritten the same way (bodies, names, avatars), so a widget
 *   replaying events (`thread:join` with `since`) gets no trace of them;
 * - their ledger is settled: the whole balance goes back to the site treasury by one transfer of
 *   category `erasure` (ref `erase:<site>:<user>`), a debt they owed is written off by a transfer
 *   treasury → debt account (same category), their pending rewards and those of their comments are
 *   cancelled, so nothing pays out later;
 * - their reading records (reading clock, per-post reading time) and request records (whose stored
 *   results may carry their words) are deleted;
 * - an `erasures` row records who erased whom, when, and what changed (the audit), and the server
 *   logs it.
 *
 * Idempotent: erasing again finds every comment already a tombstone, no name, a zero balance —
 * it changes nothing and answers the first erasure's record. A reader the host still signs in may
 * post again; erasing again erases that too.
 *
 * Kept, because they carry no name or words: the reader's id on their (tombstoned) comments,
 * reactions, votes and flags (counts stay true), ledger transfers (append-only; the books must add
 * up), bought reports. The id is the host's own key for the reader.
 */
import type { CommentDeletedEvent, ThreadEvent } from '@parley/protocol';
import { requestOwner, threadIdOf } from '../domain/thread-key.js';
import { debtAccount, readerAccount, treasuryAccount } from '../economy/accounts.js';
import type { CommandContext } from '../commands/context.js';
import type { Site } from '../sites/site-config.js';
import type { WriteTx } from '../store/types.js';
import type { ErasureRecord } from '../store/porting-store.js';

export interface EraseResult {
  site: string;
  user: string;
  /** False when there was nothing left to erase (a repeated erasure). */
  changed: boolean;
  erasure: ErasureRecord;
  /** What this call changed. */
  summary: Record<string, number>;
}

const PAGE = 500;

/** The event with the reader's words, name and avatar gone; null when it had none of them. */
function redact(event: ThreadEvent, userId: string, erased: ReadonlySet<string>): ThreadEvent | null {
  switch (event.type) {
    case 'comment.created': {
      const c = event.comment;
      const own = c.author.id === userId;
      const replyToThem = c.replyToId !== null && erased.has(c.replyToId) && c.replyToName !== '';
      if (!(own && (c.body !== '' || c.author.name !== '' || c.author.avatar !== null)) && !replyToThem) return null;
      return {
        ...event,
        comment: {
          ...c,
          ...(own && { body: '', author: { ...c.author, name: '', avatar: null } }),
          ...(replyToThem && { replyToName: '' }),
        },
      };
    }
    case 'comment.edited':
    case 'comment.hidden':
      return erased.has(event.commentId) && event.body !== '' ? { ...event, body: '' } : null;
    default:
      return null;
  }
}

async function rewriteLog(tx: WriteTx, thread: string, userId: string, erased: ReadonlySet<string>): Promise<number> {
  let rewritten = 0;
  for (let since = 0; ; ) {
    const events = await tx.porting.listEventsForRewrite(thread, since, PAGE);
    for (const event of events) {
      const redacted = redact(event, userId, erased);
      if (redacted) {
        await tx.porting.rewriteEvent(thread, redacted);
        rewritten += 1;
      }
    }
    const last = events.at(-1);
    if (events.length < PAGE || !last) return rewritten;
    since = last.seq;
  }
}

async function cancelPending(tx: WriteTx, ids: readonly number[], at: number): Promise<number> {
  let cancelled = 0;
  for (const id of ids) if (await tx.ledger.setPendingState(id, 'pending', 'cancelled', 0, null, at)) cancelled += 1;
  return cancelled;
}

export async function eraseReader(ctx: CommandContext, site: Site, userId: string, by: string): Promise<{ result: EraseResult; events: ThreadEvent[] }> {
  return ctx.store.write(async (tx) => {
    const at = ctx.now();
    const summary = { comments: 0, anonymised: 0, events: 0, pendingCancelled: 0, returnedToTreasury: 0, debtWrittenOff: 0, readRecords: 0, requests: 0 };
    const events: ThreadEvent[] = [];

    const comments = await tx.porting.commentsByAuthor(site.id, userId);
    const erased = new Set(comments.map((c) => c.id));
    const threads = new Set<string>();
    const pending: number[] = [];
    for (const c of comments) {
      threads.add(c.thread);
      for (const reward of await tx.ledger.pendingOfComment(c.thread, c.id)) if (reward.state === 'pending') pending.push(reward.id);
      if (c.hiddenAt != null) await tx.porting.forgetHiddenBody(c.thread, c.id);
      if (c.deletedAt !== null) continue;
      await tx.markCommentDeleted(c.thread, c.id, at);
      await tx.adjustThreadCounts(c.thread, { comments: -1 });
      const seq = await tx.nextSeq(c.thread);
      // `author` tells open widgets to drop the name and avatar from the tombstone at once.
      const event: CommentDeletedEvent = { type: 'comment.deleted', thread: threadIdOf(c.thread), seq, at, commentId: c.id, deletedAt: at, author: { ...c.author, name: '', avatar: null } };
      await tx.appendEvent(c.thread, event);
      events.push(event);
      summary.comments += 1;
    }
    summary.anonymised = comments.some((c) => c.author.name !== '' || c.author.avatar !== null) ? await tx.porting.anonymiseAuthor(site.id, userId) : 0;
    for (const thread of threads) summary.events += await rewriteLog(tx, thread, userId, erased);

    const account = readerAccount(site.id, userId);
    for (const reward of await tx.porting.pendingOf(account)) if (reward.state === 'pending') pending.push(reward.id);
    summary.pendingCancelled = await cancelPending(tx, [...new Set(pending)], at);
    const treasury = treasuryAccount(site.id);
    const balance = (await tx.ledger.balance(account)) ?? 0;
    if (balance > 0) {
      await tx.ledger.transfer({ from: account, to: treasury, amount: balance, category: 'erasure', thread: null, ref: `erase:${site.id}:${userId}`, requestId: null, reverses: null, at });
      summary.returnedToTreasury = balance;
    }
    const debt = debtAccount(site.id, userId);
    const owed = -((await tx.ledger.balance(debt)) ?? 0);
    if (owed > 0) {
      await tx.ledger.transfer({ from: treasury, to: debt, amount: owed, category: 'erasure', thread: null, ref: `erase-debt:${site.id}:${userId}`, requestId: null, reverses: null, at });
      summary.debtWrittenOff = owed;
    }
    summary.readRecords = await tx.porting.deleteReadRecords(account);
    summary.requests = await tx.porting.deleteRequests(requestOwner(site.id, userId));

    const changed = Object.values(summary).some((n) => n > 0);
    const before = await tx.porting.getErasure(site.id, userId);
    if (!before) await tx.porting.saveErasure({ site: site.id, userId, at, by, summary });
    const erasure = before ?? { site: site.id, userId, at, by, summary };
    return { result: { site: site.id, user: userId, changed, erasure, summary }, events };
  });
}
