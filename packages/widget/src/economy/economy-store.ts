/**
 * The reader's Twei state for one thread, DOM-free. Rules (tests name them):
 *   [W-E1] every (re)connect and every re-authentication fetches `economy:state` afresh;
 *   [W-E2] `wallet:update` sets the balance (absolute, so tabs converge) and, for this thread, what
 *          reading earned;
 *   [W-E3] a report purchase keeps its requestId until answered and is resent after a reconnect, so a
 *          purchase in a tunnel charges once;
 *   [W-E4] a refused purchase shows why (the server's message; insufficient_funds in the widget's own
 *          words, [W-E5]) and charges nothing.
 *   [W-E7] the report is not sold twice unchanged: after a purchase here the bought report is shown and
 *          no new one is offered until something moved on this post — a `wallet:update` for this
 *          thread that is not a read-to-earn credit (each is one committed action that moved this
 *          reader's Twei on this post: a comment's tribute or reward, a reaction given or received, a
 *          vote, a settlement) — other than the purchase's own charge. Then it says how many moved.
 *   [W-E8] when the widget cannot know — the newest report was bought before this page opened or in
 *          another tab, or the balance moved in a way this post's read credits do not explain (while it
 *          was offline, or in a heartbeat that also paid rewards that fell due) — a new report is
 *          offered, and it says so rather than claim nothing changed.
 *   [W-E16] a read heartbeat asks for its answer (ReadProgress) only when the reading time shown is
 *          `PROGRESS_EVERY_MS` old (since `economy:state` or the last answered beat); the others go
 *          without an ack id (BEAT-17). Credits, balance and readEarned still arrive as `wallet:update`.
 */
import { PROGRESS_EVERY_MS, type EconomyMode, type EconomyRulesView, type ParleyError, type PnlReport, type WalletView } from '@parley/protocol';
import type { ThreadConnection } from '../state/connection.js';
import { newRequestId } from '../state/request-id.js';
import type { EconomyView, ReportFreshness } from './economy-view.js';

export interface EconomyStoreOptions {
  thread: string;
  makeRequestId?: () => string;
  /** The clock the heartbeats' answers are paced by ([W-E16]). @default Date.now */
  now?: () => number;
}

export type { ReportFreshness } from './economy-view.js';

interface Tracking {
  reportId: string;
  movements: number;
  /** The balance the purchase's own `wallet:update` will carry; null once it came (or cannot come). */
  echo: number | null;
}

/** In the live parts' chunk [PAINT-15]; the first paint draws from the page's rules (economy-view.ts). */
export class EconomyStore implements EconomyView {
  rules: EconomyRulesView | null = null;
  /** The site's economy mode, as `economy:state` said; undefined = an older server (full). */
  mode: EconomyMode | undefined = undefined;
  wallet: WalletView | null = null;
  reports: PnlReport[] = [];
  /** The report on show; the newest unless the reader picked an older one. */
  shownReportId: string | null = null;
  buying = false;
  error: ParleyError | null = null;
  /** `economy:state` has answered (the rules of a first page [PAINT-8] are not an answer). */
  answered = false;

  private pendingBuy: string | null = null;
  private tracking: Tracking | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private generation = 0;
  /** [W-E16] When the reading time shown was last told by the server (0: not yet). */
  private progressAt = 0;
  private disposed = false;

  constructor(
    private readonly connection: ThreadConnection,
    private readonly options: EconomyStoreOptions,
  ) {
    this.unsubscribe.push(
      connection.onStatus((status) => {
        if (status === 'connected') this.connected();
      }),
    );
    if (connection.onWallet) {
      this.unsubscribe.push(
        connection.onWallet((update) => {
          if (!this.wallet) return;
          if (update.thread === options.thread && update.readEarned === null) this.moved(update.balance);
          else if (update.thread === options.thread && update.readEarned !== null) this.unexplained(update.balance, update.readEarned);
          const { pending, debt, earnedToday, dailyEarnCap } = update;
          this.wallet = {
            ...this.wallet,
            // Newer servers also say what is pending, owed and earned today ([W-E5] counts on them).
            ...(pending !== undefined && { pending }),
            ...(debt !== undefined && { debt }),
            ...(earnedToday !== undefined && { earnedToday }),
            ...(dailyEarnCap !== undefined && { dailyEarnCap }),
            balance: update.balance,
            ...(update.thread === options.thread && update.readEarned !== null ? { readEarned: update.readEarned } : {}),
          };
          this.changed();
        }),
      );
    }
    if (connection.onSession) this.unsubscribe.push(connection.onSession(() => this.refresh())); // [W-E1]
    if (connection.status === 'connected') this.connected();
  }

  /** [W-E7] [W-E8] Whether a new report would show anything the newest one does not. */
  get freshness(): ReportFreshness {
    const newest = this.reports[0];
    if (!newest) return { kind: 'none' };
    if (this.tracking?.reportId !== newest.id) return { kind: 'unknown' };
    const { movements } = this.tracking;
    return movements === 0 ? { kind: 'current' } : { kind: 'changed', movements };
  }

  get shownReport(): PnlReport | null {
    return this.reports.find((r) => r.id === this.shownReportId) ?? this.reports[0] ?? null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe.forEach((off) => off());
    this.listeners.clear();
  }

  /**
   * [PAINT-8] The site's rules as the first page (`/api/thread-page`) gave them, before the socket
   * has answered: the blocks draw at once, where they will stay. Ignored once `economy:state` has.
   */
  prime(state: { rules: EconomyRulesView; mode?: EconomyMode | undefined }): void {
    if (this.rules || this.disposed) return;
    this.rules = state.rules;
    this.mode = state.mode;
    this.changed();
  }

  /** [W-E1] */
  refresh(): void {
    const generation = ++this.generation;
    this.connection.request('economy:state', { thread: this.options.thread }, (ack) => {
      if (this.disposed || generation !== this.generation) return;
      if (!ack.ok) return this.fail(ack.error);
      const before = this.wallet;
      this.answered = true;
      this.rules = ack.data.rules;
      this.mode = ack.data.mode;
      this.wallet = ack.data.wallet;
      this.reports = ack.data.reports;
      this.progressAt = this.now();
      // [W-E8] Keep tracking only the same report, with every change to the balance explained by
      // read credits on this post; anything else may have moved while this page was not listening.
      const after = this.wallet;
      const unexplained = !before || !after || after.balance - before.balance !== after.readEarned - before.readEarned;
      if (this.tracking && (this.reports[0]?.id !== this.tracking.reportId || unexplained)) this.tracking = null;
      this.changed();
    });
  }

  /** "I am reading": the server decides what that is worth. */
  heartbeat(): void {
    if (!this.wallet || this.connection.status !== 'connected') return;
    const now = this.now();
    // [W-E16] What a beat earns comes as wallet:update; its answer only refreshes the reading time.
    if (this.connection.send && now - this.progressAt < PROGRESS_EVERY_MS) {
      this.connection.send('read:heartbeat', { thread: this.options.thread });
      return;
    }
    this.progressAt = now;
    this.connection.request('read:heartbeat', { thread: this.options.thread }, (ack) => {
      if (this.disposed || !ack.ok || !this.wallet) return;
      const { readMs, readEarned, balance } = ack.data;
      this.unexplained(balance, readEarned); // [W-E8] a beat may also pay rewards that fell due
      this.wallet = { ...this.wallet, readMs, readEarned, balance };
      this.changed();
    });
  }

  /** [W-E17] Reading stopped (tab hidden, reader idle): the server ends the interval (READ-5). Never answered. */
  stopReading(): void {
    if (!this.wallet || this.connection.status !== 'connected') return;
    const input = { thread: this.options.thread, stop: true as const };
    if (this.connection.send) this.connection.send('read:heartbeat', input);
    else this.connection.request('read:heartbeat', input, () => undefined);
  }

  buyReport(): void {
    if (this.pendingBuy || !this.wallet) return;
    this.pendingBuy = this.options.makeRequestId?.() ?? newRequestId();
    this.error = null;
    this.buying = true;
    this.sendBuy();
    this.changed();
  }

  showReport(id: string): void {
    this.shownReportId = id;
    this.changed();
  }

  dismissError(): void {
    this.error = null;
    this.changed();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private connected(): void {
    this.refresh();
    if (this.pendingBuy) this.sendBuy(); // [W-E3]
  }

  private sendBuy(): void {
    const requestId = this.pendingBuy;
    if (!requestId || this.connection.status !== 'connected') return;
    this.connection.request('report:buy', { requestId, thread: this.options.thread }, (ack) => {
      if (this.disposed || this.pendingBuy !== requestId) return;
      this.pendingBuy = null;
      this.buying = false;
      if (!ack.ok) return this.fail(ack.error); // [W-E4]
      // [W-E7] From now on count what moves on this post. The server sends the purchase's own
      // wallet:update right after this answer; a replayed purchase (already listed) sends none.
      const replay = this.reports.some((r) => r.id === ack.data.id);
      const echo = !replay && this.wallet ? this.wallet.balance - ack.data.price : null;
      this.tracking = { reportId: ack.data.id, movements: 0, echo };
      this.reports = [ack.data, ...this.reports.filter((r) => r.id !== ack.data.id)];
      this.shownReportId = ack.data.id;
      this.changed();
    });
  }

  /** [W-E7] One committed action moved this reader's Twei on this post. */
  private moved(balance: number): void {
    const tracking = this.tracking;
    if (!tracking) return;
    const echo = tracking.echo;
    tracking.echo = null;
    if (echo !== balance) tracking.movements += 1;
  }

  /**
   * [W-E8] A read credit explains only its own Twei: when the balance moved by more (a reward that
   * fell due, paid in the same beat, for this post or another), what moved cannot be told apart.
   */
  private unexplained(balance: number, readEarned: number): void {
    const wallet = this.wallet;
    if (this.tracking && wallet && balance - wallet.balance !== readEarned - wallet.readEarned) this.tracking = null;
  }

  private fail(error: ParleyError): void {
    this.error = error;
    this.changed();
  }

  private changed(): void {
    if (!this.disposed) this.listeners.forEach((listener) => listener());
  }
}
