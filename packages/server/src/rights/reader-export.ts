/**
 * Everything Parley holds about one reader of one site, in one answer (SPEC RIGHTS-1): what a host
 * hands a reader who asks for their data. Read in one store transaction, so it is one consistent
 * picture. Thread ids are the public ones; ledger accounts are named as the ledger names them.
 *
 * Notes are Yjs updates stored per thread, not per writer (realtime/notes.ts): Parley does not know
 * which reader wrote which part of a thread's notes, so there is nothing per reader to export, and
 * the answer says so rather than leaving the key out.
 */
import { threadIdOf, requestOwner } from '../domain/thread-key.js';
import { debtAccount, readerAccount } from '../economy/accounts.js';
import type { CommandContext } from '../commands/context.js';
import type { Site } from '../sites/site-config.js';

export const READER_EXPORT_FORMAT = 'parley-reader-export';
export const READER_EXPORT_VERSION = 1;

const publicThread = <T extends { thread: string }>(row: T): T => ({ ...row, thread: threadIdOf(row.thread) });

export async function exportReader(ctx: CommandContext, site: Site, userId: string) {
  const account = readerAccount(site.id, userId);
  const debt = debtAccount(site.id, userId);
  return ctx.store.read(async (tx) => {
    const comments = await tx.porting.commentsByAuthor(site.id, userId);
    const latest = comments.at(-1)?.author ?? null;
    const withWords = [];
    for (const c of comments) {
      const hiddenBody = c.hiddenAt != null ? await tx.getHiddenBody(c.thread, c.id) : null;
      withWords.push({
        thread: threadIdOf(c.thread),
        id: c.id,
        parentId: c.parentId,
        replyToId: c.replyToId,
        // The reader's own words, also those a moderator hid (`body` is '' then, `hiddenBody` has them).
        body: c.body,
        hiddenBody,
        createdAt: c.createdAt,
        editedAt: c.editedAt,
        deletedAt: c.deletedAt,
        hiddenAt: c.hiddenAt ?? null,
        likes: c.likes,
        dislikes: c.dislikes,
      });
    }
    const balance = await tx.ledger.balance(account);
    const debtBalance = await tx.ledger.balance(debt);
    return {
      format: READER_EXPORT_FORMAT,
      version: READER_EXPORT_VERSION,
      site: site.id,
      user: userId,
      exportedAt: new Date(ctx.now()).toISOString(),
      profile: {
        id: userId,
        // Parley keeps no profile of its own: the name, avatar and level the host's token last gave, as stored with the comments.
        name: latest?.name ?? null,
        avatar: latest?.avatar ?? null,
        level: latest?.level ?? null,
        xp: await tx.getXp(site.id, userId),
        accountOpenedAt: await tx.ledger.accountCreatedAt(account),
      },
      comments: withWords,
      reactions: (await tx.porting.reactionsByUser(site.id, userId)).map(publicThread),
      votes: (await tx.porting.votesByUser(site.id, userId)).map(publicThread),
      flags: (await tx.porting.flagsByUser(site.id, userId)).map(publicThread),
      ledger: {
        account,
        balance: balance ?? 0,
        debt: debtBalance === null ? 0 : -debtBalance,
        transfers: (await tx.porting.transfersOf(account)).map((t) => ({ ...t, thread: t.thread === null ? null : threadIdOf(t.thread) })),
        debtTransfers: (await tx.porting.transfersOf(debt)).map((t) => ({ ...t, thread: t.thread === null ? null : threadIdOf(t.thread) })),
        pendingRewards: (await tx.porting.pendingOf(account)).map(publicThread),
      },
      reading: {
        lastBeatAt: await tx.ledger.readClock(account),
        sessions: (await tx.porting.readSessionsOf(account)).map(publicThread),
        reports: (await tx.porting.reportsOf(account)).map(publicThread),
      },
      notes: { attributed: false, edits: [], why: 'thread notes are stored per thread, not per writer: Parley does not know who wrote which part' },
      requests: await tx.porting.requestsOf(requestOwner(site.id, userId)),
      erasure: await tx.porting.getErasure(site.id, userId),
    };
  });
}

export type ReaderExport = Awaited<ReturnType<typeof exportReader>>;
