/**
 * Reading clocks kept in memory (issue 10: heartbeats of 10,000 reading readers within 10 % of a
 * core). A heartbeat that earns nothing new changes nothing durable a reader was told about, so it
 * is answered from memory after one read (thread, due rewards, balance) and the reading time it
 * proves waits here as a segment `[from, to]` of the reader's one clock:
 *
 * [PERF-1] A beat is written when it would credit a post's first Twei or settle due rewards;
 *          otherwise reading (and the Twei it earns) waits in memory — a credit until the unwritten
 *          reading is min(`flushEveryMs`, 6 × readMsPerTwei) old, the rest `flushEveryMs` — and is
 *          written then (or when the reader stops beating, or on shutdown). A credit is told only
 *          once it is durable; reading time not yet written may be lost by a crash, a credit never.
 * [PERF-2] Writing applies the segments against the DURABLE clock: each credits only the part after
 *          the clock, which then moves to its end. Credited spans are disjoint across flushes, tabs
 *          and nodes, so the time credited never exceeds real time (READ-1) even when two nodes
 *          hold segments of one reader.
 * [PERF-3] A credit the caps cut (CAP-1, CAP-2) or an economy that is off is not retried on every
 *          beat: the next try waits `flushEveryMs`.
 *
 * One state per (site, reader) account; a beat and a write of one account never interleave.
 */
import { PROGRESS_EVERY_MS, type ReadProgress } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import type { ThreadRef } from '../commands/thread-gates.js';
import type { ReadSession } from '../store/ledger-types.js';
import { readerAccount } from './accounts.js';
import { openBook } from './book.js';
import type { WalletDelivery } from './ledger-book.js';
import { readEarnings, readingStep } from './reading.js';
import type { EconomyRules } from './rules.js';
import { settleAccountWith } from './settlement.js';
import { requireThread } from './thread-access.js';

interface Segment {
  thread: string;
  from: number;
  to: number;
}

interface AccountClock {
  site: string;
  userId: string;
  /** Not read from the store yet: the first beat on this node reads the durable clock. */
  fresh: boolean;
  /** The reader's previous beat (0: none known — the next beat only starts the clock). */
  lastBeatAt: number;
  /** Reading proven since the last write, in beat order. */
  segments: Segment[];
  /** The durable session per thread, as of this node's last read or write. */
  sessions: Map<string, ReadSession>;
  /** No credit is tried before this (PERF-3). */
  retryCreditAt: number;
  /** The account is open in the store (a read found it, or a write opened it; accounts are never removed). */
  open: boolean;
  /** The last read found rewards pending: a write looks for the due ones (SETTLE-5); none, it need not. */
  pending: boolean;
  /** Beats and writes of this account, one at a time. */
  turn: Promise<unknown>;
  /** When this node last read the reader's balance and pending total (0: never), and the balance it read. */
  readAt: number;
  balance: number;
  /** Reading stopped (READ-5): the next beat starts a new interval, whatever `lastBeatAt` says. */
  stopped: boolean;
}

/** The beat a write carries: its thread, public id and time. */
interface Beat {
  thread: ThreadRef;
  at: number;
}

/**
 * [BEAT-14] At most this many Twei' worth of reading waits in memory before it is written (with the
 * default two-minute flush and a Twei per 20 s, the two agree): a site paying faster still sees its
 * credits every few beats.
 */
const CREDITS_WAITING = 6;

/**
 * [BEAT-18] How long a read of a reader's wallet (balance, pending) lets their unanswered beats go
 * without one: the widget asks for an answer once a `PROGRESS_EVERY_MS`, so this is one minute.
 */
const WALLET_READ_LASTS_MS = PROGRESS_EVERY_MS;

/** Published posts remembered (BEAT-1); one forgotten is read again on its next beat. */
const PUBLISHED_KEPT = 10_000;

export interface ReadingClocksOptions {
  /** @default 120 s (BEAT-14) — a crash loses at most two minutes of uncredited reading; one write a reader every two minutes. */
  flushEveryMs?: number;
}

export class ReadingClocks {
  private readonly accounts = new Map<string, AccountClock>();
  readonly flushEveryMs: number;
  /** Writes done, and beats answered from memory (for the bench and tests). */
  readonly stats = { writes: 0, fromMemory: 0 };

  constructor(options: ReadingClocksOptions = {}) {
    this.flushEveryMs = options.flushEveryMs ?? 120_000;
  }

  /** Posts (thread keys) seen published, newest last; at most `PUBLISHED_KEPT` (BEAT-1). */
  private readonly published = new Set<string>();

  /** Readers with a clock on this node. */
  get size(): number {
    return this.accounts.size;
  }

  /** Reading time of `account` on `thread` (a key) proven on this node and not written yet. */
  waitingMs(account: string, thread: string): number {
    const state = this.accounts.get(account);
    return state ? pendingOn(state.segments, thread) : 0;
  }

  /**
   * One heartbeat of `userId` on `thread` (already resolved to the caller's site). `quiet`: the
   * client asked for no answer (BEAT-17), so the result is not told and need not be current.
   */
  beat(ctx: CommandContext, userId: string, thread: ThreadRef, quiet = false): Promise<CommandOutput<ReadProgress>> {
    const account = readerAccount(thread.site.id, userId);
    const clock = this.clockOf(account, thread.site.id, userId);
    return this.inTurn(clock, () => this.beatInTurn(ctx, account, clock, thread, quiet));
  }

  /**
   * [READ-5] `userId`'s widget says reading stopped on `thread` (tab hidden, reader idle): the
   * reader's interval ends at their previous beat — the time since it is not counted — and their
   * next beat, in any tab on this node, starts a new one (READ-3). Credits nothing, writes nothing,
   * reads nothing. The reader is remembered (stopped) until two intervals after the stop, by when
   * the durable clock is too old for a gap to count anyway (READ-2). The answer is what this node
   * knows: the reading of `thread` so far and the balance as of its last read.
   */
  stop(ctx: CommandContext, userId: string, thread: ThreadRef): Promise<CommandOutput<ReadProgress>> {
    const clock = this.clockOf(readerAccount(thread.site.id, userId), thread.site.id, userId);
    return this.inTurn(clock, async () => {
      const at = ctx.now();
      // Not read from the store: the next beat does not look at the durable clock, it starts anew.
      clock.fresh = false;
      clock.stopped = true;
      clock.lastBeatAt = Math.max(clock.lastBeatAt, at);
      const session = clock.sessions.get(thread.key) ?? { readMs: 0, credited: 0 };
      const readMs = session.readMs + pendingOn(clock.segments, thread.key);
      return { result: { thread: thread.id, readMs, readEarned: session.credited, credited: 0, balance: clock.balance }, events: [] };
    });
  }

  /**
   * The node's reading tick (the server runs it every second, `TICK_MS`): writes the reading that
   * waited `flushEveryMs`, the Twei owed once the unwritten reading is min(`flushEveryMs`, 6 ×
   * readMsPerTwei) old, and the reading of readers who stopped beating (then forgets them) — all
   * due readers' writes at once, so they share commits (BEAT-8). The wallets the writes changed,
   * for `wallet:update`.
   */
  async sweep(ctx: CommandContext, all = false): Promise<WalletDelivery[]> {
    const now = ctx.now();
    const writes: Promise<CommandOutput<ReadProgress | null>>[] = [];
    for (const [account, state] of this.accounts) {
      const rules = ctx.economy.rulesFor(state.site);
      const idle = now - state.lastBeatAt > 2 * rules.heartbeatMs;
      const waitedMs = state.segments.length > 0 ? now - state.segments[0]!.from : 0;
      const old = waitedMs >= this.flushEveryMs;
      const credit = waitedMs >= Math.min(this.flushEveryMs, CREDITS_WAITING * rules.readMsPerTwei) && now >= state.retryCreditAt && owesTwei(state, rules);
      if (state.segments.length > 0 && (all || idle || old || credit)) {
        writes.push(this.inTurn(state, () => this.write(ctx, account, state, null)));
      }
      if (idle) {
        // Forgotten once written: its next beat starts from the durable clock.
        void state.turn.then(() => {
          if (this.accounts.get(account) === state && state.segments.length === 0 && ctx.now() - state.lastBeatAt > 2 * ctx.economy.rulesFor(state.site).heartbeatMs) {
            this.accounts.delete(account);
          }
        });
      }
    }
    const done = await Promise.allSettled(writes);
    return done.flatMap((outcome) => (outcome.status === 'fulfilled' ? (outcome.value.wallets ?? []) : []));
  }

  /**
   * [BEAT-16] Writes the reading `userId` has waiting on this node now, with the Twei it earned
   * (never more than the time read): a paid action found them short, and what they already read
   * may cover it. The wallets it changed; none when nothing waits.
   */
  async settleNow(ctx: CommandContext, site: string, userId: string): Promise<WalletDelivery[]> {
    const account = readerAccount(site, userId);
    const state = this.accounts.get(account);
    if (!state || state.segments.length === 0 || !owesTwei(state, ctx.economy.rulesFor(state.site))) return [];
    const written = await this.inTurn(state, () => this.write(ctx, account, state, null));
    return written.wallets ?? [];
  }

  private notePublished(key: string): void {
    if (this.published.has(key)) return;
    if (this.published.size >= PUBLISHED_KEPT) this.published.delete(this.published.values().next().value as string);
    this.published.add(key);
  }

  private inTurn<T>(state: AccountClock, work: () => Promise<T>): Promise<T> {
    const run = state.turn.then(work, work);
    state.turn = run.catch(() => undefined);
    return run;
  }

  /** The clock of `account`, made on its first beat or stop on this node. */
  private clockOf(account: string, site: string, userId: string): AccountClock {
    let state = this.accounts.get(account);
    if (!state) this.accounts.set(account, (state = newClock(site, userId)));
    return state;
  }

  private async beatInTurn(ctx: CommandContext, account: string, state: AccountClock, thread: ThreadRef, quiet: boolean): Promise<CommandOutput<ReadProgress>> {
    const at = ctx.now();
    const known = state.sessions.get(thread.key);
    const fresh = state.fresh;
    // [BEAT-18] An unanswered beat on a post seen published, of a reader whose wallet this node read
    // less than a minute ago with nothing pending (so nothing of theirs can be due), reads nothing:
    // its answer is not told, and the clock, the segments and the first Twei are the same as below.
    if (quiet && known && !fresh && state.open && !state.pending && this.published.has(thread.key) && at >= state.readAt && at - state.readAt < WALLET_READ_LASTS_MS) {
      return this.account(ctx, account, state, thread, at, { published: true, balance: state.balance, due: false, session: known });
    }
    const look = await ctx.store.read(async (tx) => {
      // [BEAT-1] A thread once created is never removed and a published post never unpublished: a
      // post seen published is not read again. One that was not is read on every beat (it may be
      // published since; reading pays only on a published post, THREAD-6).
      const published = this.published.has(thread.key) || (await requireThread(tx, thread)).publishedAt !== null;
      // [BEAT-11] Balance and pending total in one read. Rewards pend only with an amount above
      // zero, so a reader with nothing pending has nothing due; only one with something pending
      // looks for the due rows.
      const { balance, pending } = await tx.ledger.balanceAndPending(account);
      return {
        published,
        balance,
        pending: pending > 0,
        due: pending > 0 && (await tx.ledger.duePending(at, 1, account)).length > 0,
        session: known ?? (await tx.ledger.readSession(account, thread.key)) ?? { readMs: 0, credited: 0 },
        // This node's first beat of the reader: the durable clock is their previous beat (READ-1…3).
        clock: fresh ? await tx.ledger.readClock(account) : null,
      };
    });
    if (fresh) {
      state.fresh = false;
      state.lastBeatAt = look.clock ?? 0;
    }
    if (look.published) this.notePublished(thread.key);
    if (look.balance !== null) state.open = true;
    state.pending = look.pending;
    state.readAt = at;
    state.balance = look.balance ?? 0;
    state.sessions.set(thread.key, look.session);
    return this.account(ctx, account, state, thread, at, look);
  }

  /** What a beat proves, given what it read (or what this node knew, BEAT-18): memory, or a write when one is due. */
  private account(
    ctx: CommandContext,
    account: string,
    state: AccountClock,
    thread: ThreadRef,
    at: number,
    look: { published: boolean; balance: number | null; due: boolean; session: ReadSession },
  ): Promise<CommandOutput<ReadProgress>> | CommandOutput<ReadProgress> {
    const rules = ctx.economy.rulesFor(thread.site.id);
    let readMs = look.session.readMs;
    let owed = 0;
    // Reading pays only on a published post (THREAD-6): no clock, no session.
    if (look.published) {
      const step = readingStep(state.stopped || state.lastBeatAt === 0 ? null : state.lastBeatAt, at, rules);
      state.lastBeatAt = step.clock;
      state.stopped = false;
      if (step.addMs > 0) addSegment(state.segments, { thread: thread.key, from: at - step.addMs, to: at });
      readMs += pendingOn(state.segments, thread.key);
      // The first Twei of a post is written at once, by this beat (the reader sees read-to-earn
      // work). Later ones, and reading that waited `flushEveryMs`, are the tick's (`sweep`, BEAT-8).
      const earned = readEarnings(readMs, rules) - look.session.credited;
      owed = at >= state.retryCreditAt && earned > 0 && look.session.credited === 0 ? earned : 0;
    }
    // Due rewards are paid when a reader reads (SETTLE-5); a new reader's account opens with a write.
    if (look.due || look.balance === null || owed > 0) {
      return this.write(ctx, account, state, { thread, at }) as Promise<CommandOutput<ReadProgress>>;
    }
    this.stats.fromMemory += 1;
    return { result: { thread: thread.id, readMs, readEarned: look.session.credited, credited: 0, balance: look.balance }, events: [] };
  }

  /**
   * One durable write of an account's reading (PERF-2), with the beat that asks for it (its answer
   * is the result) or none (a sweep). Memory changes only after the commit.
   */
  private async write(ctx: CommandContext, account: string, state: AccountClock, beat: Beat | null): Promise<CommandOutput<ReadProgress | null>> {
    const segments = [...state.segments];
    const { open, pending } = state;
    const done = await ctx.store.write(async (tx) => {
      const at = beat?.at ?? ctx.now();
      const book = openBook(ctx, tx, state.site, at, null);
      // [BEAT-12] An account this node saw open is not opened again; rewards are looked for only
      // when the reader's last read found some pending (SETTLE-5: a reward due meanwhile is
      // settled with the next beat, which reads what is pending).
      if (open) book.assumeOpen(state.userId);
      else await book.ensureReader(state.userId);
      if (pending && (await tx.ledger.pendingTotal(account)) > 0) await settleAccountWith(book, account, 50);
      let clock = await tx.ledger.readClock(account);
      const added = new Map<string, number>();
      for (const segment of segments) {
        const from = clock === null ? segment.from : Math.max(segment.from, clock);
        if (segment.to > from) added.set(segment.thread, (added.get(segment.thread) ?? 0) + segment.to - from);
        clock = clock === null ? segment.to : Math.max(clock, segment.to);
      }
      if (clock !== null && segments.length > 0) await tx.ledger.saveReadClock(account, clock);
      const threads = new Set(added.keys());
      if (beat) threads.add(beat.thread.key);
      const sessions = new Map<string, ReadSession>();
      let cut = false;
      let credited = 0;
      for (const key of threads) {
        const before = (await tx.ledger.readSession(account, key)) ?? { readMs: 0, credited: 0 };
        const readMs = before.readMs + (added.get(key) ?? 0);
        // Unpublished posts never get segments; a beat on one only settles and reads (THREAD-6).
        const published = added.has(key) || (beat !== null && (await requireThread(tx, beat.thread)).publishedAt !== null);
        const owed = published ? Math.max(0, readEarnings(readMs, book.rules) - before.credited) : 0;
        const paid = owed > 0 ? (await book.pay(state.userId, owed, { category: 'read', thread: key, ref: `read:${key}` })).paid : 0;
        if (paid < owed) cut = true;
        const session = { readMs, credited: before.credited + paid };
        if (added.has(key) || paid > 0) await tx.ledger.saveReadSession(account, key, session);
        if (paid > 0) book.noteReadEarned(state.userId, key, session.credited);
        if (key === beat?.thread.key) credited = paid;
        sessions.set(key, session);
      }
      const wallets = await book.walletUpdates();
      const session = beat ? sessions.get(beat.thread.key) : undefined;
      let result: ReadProgress | null = null;
      if (beat && session) {
        // [BEAT-12] The wallet just read for wallet:update says the balance; read it only without one.
        const told = wallets.find((wallet) => wallet.userId === state.userId);
        const balance = told ? told.update.balance : ((await tx.ledger.balance(account)) ?? 0);
        result = { thread: beat.thread.id, readMs: session.readMs, readEarned: session.credited, credited, balance };
      }
      return { result, wallets, sessions, cut, at };
    });
    this.stats.writes += 1;
    state.open = true;
    state.segments.splice(0, segments.length);
    for (const [key, session] of done.sessions) state.sessions.set(key, session);
    if (done.cut) state.retryCreditAt = done.at + this.flushEveryMs;
    return { result: done.result, events: [], wallets: done.wallets };
  }
}

/** Whether the reading waiting in memory earns a Twei the durable sessions have not credited. */
function owesTwei(state: AccountClock, rules: EconomyRules): boolean {
  const waiting = new Map<string, number>();
  for (const segment of state.segments) waiting.set(segment.thread, (waiting.get(segment.thread) ?? 0) + segment.to - segment.from);
  for (const [thread, ms] of waiting) {
    const session = state.sessions.get(thread) ?? { readMs: 0, credited: 0 };
    if (readEarnings(session.readMs + ms, rules) > session.credited) return true;
  }
  return false;
}

function newClock(site: string, userId: string): AccountClock {
  return { site, userId, fresh: true, lastBeatAt: 0, segments: [], sessions: new Map(), retryCreditAt: 0, open: false, pending: false, turn: Promise.resolve(), readAt: 0, balance: 0, stopped: false };
}

/** Appends a beat's span, extending the last one when it continues it on the same thread. */
function addSegment(segments: Segment[], segment: Segment): void {
  const last = segments[segments.length - 1];
  if (last && last.thread === segment.thread && last.to === segment.from) last.to = segment.to;
  else segments.push(segment);
}

function pendingOn(segments: readonly Segment[], thread: string): number {
  let total = 0;
  for (const segment of segments) if (segment.thread === thread) total += segment.to - segment.from;
  return total;
}
