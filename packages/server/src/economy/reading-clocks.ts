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
import { GroupWrite } from './group-write.js';
import type { WalletDelivery } from './ledger-book.js';
import { writeReadingBatch, type BatchEntry } from './reading-batch.js';
import { addSegment, newClock, owesTwei, pendingOn, type AccountClock } from './reading-clock-state.js';
import { readEarnings, readingStep } from './reading.js';
import type { EconomyRules } from './rules.js';
import { requireThread } from './thread-access.js';

/** The beat a write carries: its thread, public id and time. */
interface Beat {
  thread: ThreadRef;
  at: number;
}

/** A reader whose reading a write carries, with the beat it answers (BEAT-21) or none (the tick's). */
interface Writing {
  account: string;
  state: AccountClock;
  beat: Beat | null;
  /** The beat found its post published (THREAD-6): only then does its own post pay. */
  published: boolean;
}

/** [BEAT-21] A beat whose write is due, waiting for its group: its reader's turn is held meanwhile. */
interface BeatWrite extends Writing {
  ctx: CommandContext;
  beat: Beat;
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

/**
 * [BEAT-19] Readers written in one transaction at most: a tick with more due writes several, one
 * after another. As a SQLite group's cap (DUR-7): it holds the writer ~10 ms, and a PostgreSQL
 * retry re-runs no more than this.
 */
export const READING_BATCH_MAX = 128;

/**
 * [BEAT-21] Beats written in one transaction at most: a quarter of a tick's batch, so the group's
 * transaction — about six round trips a reader on PostgreSQL — is short, and the shard rows it
 * holds (BEAT-22) keep the site's other writers waiting briefly if at all.
 */
const BEAT_GROUP_MAX = 32;

/**
 * [BEAT-19] A tick that writes takes along the reading that falls due within this long (never
 * writing anything later than before): due times spread over the flush cycle make one transaction
 * every ten seconds, not one every tick — on SQLite each COMMIT writes the pages it touched, so
 * fewer, larger transactions cost less per reader.
 */
const GATHER_MS = 10_000;

export interface ReadingClocksOptions {
  /** @default 120 s (BEAT-14) — a crash loses at most two minutes of uncredited reading; one write a reader every two minutes. */
  flushEveryMs?: number;
  /**
   * [BEAT-20] Each reader's reading comes due a share of the wait early (never late), so readers who
   * joined together are written spread out, not all in one tick. @default true
   */
  spread?: boolean;
  /** [BEAT-19] How far ahead a tick that writes takes along what falls due. @default min(10 s, flushEveryMs ÷ 12) */
  gatherMs?: number;
}

export class ReadingClocks {
  private readonly accounts = new Map<string, AccountClock>();
  readonly flushEveryMs: number;
  private readonly spread: boolean;
  /** [BEAT-19] How far ahead a tick that writes takes along what falls due (0: only what is due). */
  private readonly gatherMs: number;
  /** [BEAT-22] The mint shard the next write's credits count against: from a random start, then in turn. */
  private mintShard = Math.floor(Math.random() * 64);
  /** When the tick last wrote (BEAT-19). */
  private lastBatchAt = 0;
  /** Readers' writes done, the tick's transactions that wrote them (BEAT-19), and beats answered from memory (for the bench and tests). */
  readonly stats = { writes: 0, batches: 0, fromMemory: 0 };
  /** [BEAT-21] The beats whose write is due (a first Twei, due rewards, a new account), written in groups. */
  readonly beatWrites = new GroupWrite<BeatWrite, CommandOutput<ReadProgress>>(
    BEAT_GROUP_MAX,
    (items) => this.writeBeats(items),
    (item) => this.write(item.ctx, item.account, item.state, item.beat, item.published) as Promise<CommandOutput<ReadProgress>>,
  );

  constructor(options: ReadingClocksOptions = {}) {
    this.flushEveryMs = options.flushEveryMs ?? 120_000;
    this.spread = options.spread ?? true;
    this.gatherMs = options.gatherMs ?? Math.min(GATHER_MS, this.flushEveryMs / 12);
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
    const due: [string, AccountClock][] = [];
    const idlers: [string, AccountClock][] = [];
    // One rules lookup a site, not a reader: the walk covers every reader each second.
    const rulesOf = new Map<string, EconomyRules>();
    const gather = this.gatherMs;
    let must = all;
    let stopped = false;
    for (const [account, state] of this.accounts) {
      let rules = rulesOf.get(state.site);
      if (!rules) rulesOf.set(state.site, (rules = ctx.economy.rulesFor(state.site)));
      const idle = now - state.lastBeatAt > 2 * rules.heartbeatMs;
      if (idle) idlers.push([account, state]);
      if (state.segments.length === 0) continue;
      const waitedMs = now - state.segments[0]!.from;
      const oldAfter = this.dueAfter(state, this.flushEveryMs);
      const creditAfter = this.dueAfter(state, Math.min(this.flushEveryMs, CREDITS_WAITING * rules.readMsPerTwei));
      const owes = waitedMs + gather >= creditAfter && now >= state.retryCreditAt && owesTwei(state, rules);
      // Due now: written by this tick. Due within `gather`, or stopped beating: taken along.
      if (waitedMs >= oldAfter || (owes && waitedMs >= creditAfter)) must = true;
      if (idle) stopped = true;
      if (all || idle || owes || waitedMs + gather >= oldAfter) due.push([account, state]);
    }
    // [BEAT-19] A tick writes when something is due, or once `gather` passed since the last batch
    // for what waits for one (readers who stopped beating): at most `gather` later than before.
    if (!must && !(stopped && now - this.lastBatchAt >= gather)) due.length = 0;
    else if (due.length > 0) this.lastBatchAt = now;
    // [BEAT-19] The due readers in as few transactions as the cap allows, one after another.
    const wallets: WalletDelivery[] = [];
    for (let start = 0; start < due.length; start += READING_BATCH_MAX) {
      wallets.push(...(await this.writeBatch(ctx, due.slice(start, start + READING_BATCH_MAX))));
    }
    for (const [account, state] of idlers) {
      // Forgotten once written: its next beat starts from the durable clock.
      void state.turn.then(() => {
        if (this.accounts.get(account) === state && state.segments.length === 0 && ctx.now() - state.lastBeatAt > 2 * ctx.economy.rulesFor(state.site).heartbeatMs) {
          this.accounts.delete(account);
        }
      });
    }
    return wallets;
  }

  /**
   * [BEAT-20] How long a reader's reading waits for a write due after `waitMs`: until the tick first
   * wrote it on this node, up to half of it less — the reader's own share, from a hash of the account
   * — so readers who joined together (a restart, a newsletter) are written spread over half the
   * cycle from then on, not all in one tick. Never longer than `waitMs` (PERF-1, BEAT-14).
   */
  private dueAfter(state: AccountClock, waitMs: number): number {
    return this.spread && !state.swept ? waitMs * (1 - state.spread / 2) : waitMs;
  }

  /**
   * [BEAT-19] One write transaction for the reading of every reader in `due`, each in its turn (no
   * beat or write of theirs runs meanwhile). Memory changes only after the commit; should the batch
   * fail, each reader is written alone, so one reader's failure holds no one else's reading back.
   */
  private async writeBatch(ctx: CommandContext, due: readonly [string, AccountClock][]): Promise<WalletDelivery[]> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await Promise.all(due.map(([, state]) => new Promise<void>((entered) => void this.inTurn(state, () => (entered(), released)))));
    let written: WalletDelivery[] | null;
    try {
      written = await this.writeBatchInTurn(ctx, due);
    } finally {
      release();
    }
    return written ?? this.writeAlone(ctx, due);
  }

  /** The batch, its readers' turns held: the wallets it changed, or null when it failed. */
  private async writeBatchInTurn(ctx: CommandContext, due: readonly [string, AccountClock][]): Promise<WalletDelivery[] | null> {
    // A beat's own write (a first Twei) or settleNow may have written some of them meanwhile.
    const live = due.filter(([, state]) => state.segments.length > 0);
    if (live.length === 0) return [];
    try {
      const { wallets } = await this.writeReading(
        ctx,
        live.map(([account, state]) => ({ account, state, beat: null, published: false })),
      );
      this.stats.batches += 1;
      return wallets;
    } catch {
      return null;
    }
  }

  /** Each of `due` written in a transaction of its own (after a batch failed). */
  private async writeAlone(ctx: CommandContext, due: readonly [string, AccountClock][]): Promise<WalletDelivery[]> {
    const done = await Promise.allSettled(due.map(([account, state]) => this.inTurn(state, () => (state.segments.length > 0 ? this.write(ctx, account, state, null) : Promise.resolve(null)))));
    return done.flatMap((outcome) => (outcome.status === 'fulfilled' ? (outcome.value?.wallets ?? []) : []));
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
    if (!state) this.accounts.set(account, (state = newClock(account, site, userId)));
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
    // [BEAT-21] With the beats of other readers that are due too: one transaction for the group.
    if (look.due || look.balance === null || owed > 0) {
      return this.beatWrites.join({ ctx, account, state, beat: { thread, at }, published: look.published });
    }
    this.stats.fromMemory += 1;
    return { result: { thread: thread.id, readMs, readEarned: look.session.credited, credited: 0, balance: look.balance }, events: [] };
  }

  /** [BEAT-21] A group of beats whose write is due in one transaction; null when it failed (each is then written alone). */
  private async writeBeats(items: readonly BeatWrite[]): Promise<CommandOutput<ReadProgress>[] | null> {
    try {
      return (await this.writeReading(items[0]!.ctx, items)).outputs as CommandOutput<ReadProgress>[];
    } catch {
      return null;
    }
  }

  /** One durable write of an account's reading alone (PERF-2), with the beat that asks for it or none. */
  private async write(ctx: CommandContext, account: string, state: AccountClock, beat: Beat | null, published = false): Promise<CommandOutput<ReadProgress | null>> {
    return (await this.writeReading(ctx, [{ account, state, beat, published }])).outputs[0]!;
  }

  /**
   * One write transaction for the reading of every reader in `items`, each reader's turn held by the
   * caller (BEAT-19, BEAT-21): each is credited what a write of its own would credit, each span only
   * after the DURABLE clock (PERF-2), and a beat is answered its post's session and the balance after.
   * Memory changes only after the commit; the store's error when it failed. Each output carries its
   * own reader's wallet updates (any other goes with the first); `wallets` is all of them.
   */
  private async writeReading(ctx: CommandContext, items: readonly Writing[]): Promise<{ outputs: CommandOutput<ReadProgress | null>[]; wallets: WalletDelivery[] }> {
    const entries: BatchEntry[] = items.map(({ account, state, beat, published }) => ({
      account,
      site: state.site,
      userId: state.userId,
      segments: [...state.segments],
      open: state.open,
      pending: state.pending,
      ...(beat && { beat: { thread: beat.thread.key, published } }),
    }));
    // [BEAT-22] One mint shard a transaction, the next one for the next (a run again keeps its shard).
    const shard = this.mintShard++;
    const outcome = await ctx.store.write((tx) => writeReadingBatch(ctx, tx, entries, ctx.now(), shard));
    this.stats.writes += items.length;
    // Each reader's wallet updates by site and user; what is no item's goes with the first output.
    const byReader = new Map<string, WalletDelivery[]>();
    for (const wallet of outcome.wallets) {
      const key = `${wallet.site}\n${wallet.userId}`;
      const list = byReader.get(key);
      if (list) list.push(wallet);
      else byReader.set(key, [wallet]);
    }
    const own = items.map((item) => {
      const key = `${item.state.site}\n${item.state.userId}`;
      const wallets = byReader.get(key) ?? [];
      byReader.delete(key);
      return wallets;
    });
    const others = [...byReader.values()].flat();
    const outputs = items.map((item, index): CommandOutput<ReadProgress | null> => {
      const { state, beat } = item;
      const written = outcome.entries[index]!;
      state.open = true;
      if (!beat) state.swept = true;
      state.segments.splice(0, entries[index]!.segments.length);
      for (const [key, session] of written.sessions) state.sessions.set(key, session);
      if (written.cut) state.retryCreditAt = outcome.at + this.flushEveryMs;
      const session = beat ? written.sessions.get(beat.thread.key)! : null;
      const result = beat && session ? { thread: beat.thread.id, readMs: session.readMs, readEarned: session.credited, credited: written.credited, balance: written.balance } : null;
      return { result, events: [], wallets: index === 0 ? [...own[index]!, ...others] : own[index]! };
    });
    return { outputs, wallets: outcome.wallets };
  }
}
