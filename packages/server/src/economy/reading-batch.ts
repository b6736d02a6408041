/**
 * [BEAT-19] The reading tick's writes (reading-clocks.ts `sweep`): every due reader's waiting
 * reading in ONE write transaction, instead of one store write a reader — their durable clocks and
 * sessions read in one statement (one round trip on PostgreSQL) and saved in one, one ledger book a
 * site for their credits, one `walletUpdates` for all. What each reader gets is what their own
 * write gave them (PERF-2: each segment credits only the part after the DURABLE clock, which moves
 * to its end; CAP-1/CAP-2 cut each credit in the same transaction; nothing is told before the
 * commit). The transaction may run more than once (PostgreSQL's retries): it reads the durable
 * state afresh each time and changes no memory; the caller applies what it returns after the commit.
 */
import type { CommandContext } from '../commands/context.js';
import type { ReadingRow, ReadSession } from '../store/ledger-types.js';
import type { WriteTx } from '../store/types.js';
import { openBook } from './book.js';
import type { LedgerBook, WalletDelivery } from './ledger-book.js';
import { readEarnings } from './reading.js';
import { settleAccountWith } from './settlement.js';

export interface BatchSegment {
  thread: string;
  from: number;
  to: number;
}

/** One reader's part of a batch: what was waiting when the batch began (memory is not touched here). */
export interface BatchEntry {
  account: string;
  site: string;
  userId: string;
  segments: readonly BatchSegment[];
  /** A read on this node found the account open (BEAT-12). */
  open: boolean;
  /** The reader's last read found rewards pending (BEAT-12, SETTLE-5). */
  pending: boolean;
  /**
   * [BEAT-21] The beat this write answers, if any: its thread (a key), and whether the beat found
   * it published (only a published post pays, THREAD-6). Its session and balance are answered.
   */
  beat?: { thread: string; published: boolean };
}

/** What one entry's write did: the durable sessions it wrote, whether a cap cut a credit (PERF-3), and for a beat (BEAT-21) what the beat is answered. */
export interface EntryOutcome {
  sessions: Map<string, ReadSession>;
  cut: boolean;
  /** [BEAT-21] A beat's entry: Twei credited on its thread by this write, and the balance after it. */
  credited: number;
  balance: number;
}

export interface BatchOutcome {
  /** Per entry, in the same order. */
  entries: EntryOutcome[];
  wallets: WalletDelivery[];
  at: number;
}

/** The durable clock moved over `segments` (PERF-2): what each thread gains, and the clock after them. */
export function applySegments(clock: number | null, segments: readonly BatchSegment[]): { added: Map<string, number>; clock: number | null } {
  const added = new Map<string, number>();
  let at = clock;
  for (const segment of segments) {
    const from = at === null ? segment.from : Math.max(segment.from, at);
    if (segment.to > from) added.set(segment.thread, (added.get(segment.thread) ?? 0) + segment.to - from);
    at = at === null ? segment.to : Math.max(at, segment.to);
  }
  return { added, clock: at };
}

/**
 * Writes every entry's waiting reading in the one transaction `tx`, at `at`; every credit counts
 * against mint shard `mintShard` (BEAT-22).
 */
export async function writeReadingBatch(ctx: CommandContext, tx: WriteTx, entries: readonly BatchEntry[], at: number, mintShard: number): Promise<BatchOutcome> {
  const books = new Map<string, LedgerBook>();
  const bookOf = (site: string): LedgerBook => {
    let book = books.get(site);
    if (!book) {
      books.set(site, (book = openBook(ctx, tx, site, at, null)));
      book.mintFrom(mintShard);
    }
    return book;
  };
  for (const entry of entries) {
    const book = bookOf(entry.site);
    if (entry.open) book.assumeOpen(entry.userId);
    else await book.ensureReader(entry.userId);
    if (entry.pending && (await tx.ledger.pendingTotal(entry.account)) > 0) await settleAccountWith(book, entry.account, 50);
  }
  const keys: { account: string; thread: string }[] = [];
  for (const entry of entries) {
    const threads = new Set(entry.segments.map((segment) => segment.thread));
    if (entry.beat) threads.add(entry.beat.thread);
    for (const thread of threads) keys.push({ account: entry.account, thread });
  }
  const durable = await tx.ledger.readingOf(
    entries.map((entry) => entry.account),
    keys,
  );
  const clocks: { account: string; lastBeatAt: number }[] = [];
  const rows: ReadingRow[] = [];
  const outcome: BatchOutcome = { entries: [], wallets: [], at };
  for (const entry of entries) {
    const book = bookOf(entry.site);
    const { added, clock } = applySegments(durable.clocks.get(entry.account) ?? null, entry.segments);
    if (clock !== null && entry.segments.length > 0) clocks.push({ account: entry.account, lastBeatAt: clock });
    const sessions = new Map<string, ReadSession>();
    let cut = false;
    let credited = 0;
    // Segments exist only on published posts (THREAD-6); a beat's own post pays when it found it so.
    const threads = new Set(added.keys());
    if (entry.beat) threads.add(entry.beat.thread);
    for (const thread of threads) {
      const before = durable.sessions.get(entry.account)?.get(thread) ?? { readMs: 0, credited: 0 };
      const gained = added.get(thread);
      const readMs = before.readMs + (gained ?? 0);
      const pays = gained !== undefined || entry.beat?.published === true;
      const owed = pays ? Math.max(0, readEarnings(readMs, book.rules) - before.credited) : 0;
      const paid = owed > 0 ? (await book.pay(entry.userId, owed, { category: 'read', thread, ref: `read:${thread}` })).paid : 0;
      if (paid < owed) cut = true;
      const session = { readMs, credited: before.credited + paid };
      if (gained !== undefined || paid > 0) rows.push({ account: entry.account, thread, session });
      if (paid > 0) book.noteReadEarned(entry.userId, thread, session.credited);
      if (thread === entry.beat?.thread) credited = paid;
      sessions.set(thread, session);
    }
    outcome.entries.push({ sessions, cut, credited, balance: 0 });
  }
  await tx.ledger.saveReading(clocks, rows);
  for (const book of books.values()) outcome.wallets.push(...(await book.walletUpdates()));
  // [BEAT-12] A beat is answered the balance its wallet update says; only one without one reads it.
  for (const [index, entry] of entries.entries()) {
    if (!entry.beat) continue;
    const told = outcome.wallets.find((wallet) => wallet.site === entry.site && wallet.userId === entry.userId);
    outcome.entries[index]!.balance = told ? told.update.balance : ((await tx.ledger.balance(entry.account)) ?? 0);
  }
  return outcome;
}
