/**
 * The reader's Twei state for one thread, DOM-free. Rules (tests name them):
 *   [W-E1] every (re)connect and every re-authentication fetches `economy:state` afresh;
 *   [W-E2] `wallet:update` sets the balance (absolute, so tabs converge) and, for this thread, what
 *          reading earned;
 *   [W-E3] a report purchase keeps its requestId until answered and is resent after a reconnect, so a
 *          purchase in a tunnel charges once;
 *   [W-E4] a refused purchase shows the server's message (e.g. insufficient_funds) and charges nothing.
 */
import type { EconomyRulesView, ParleyError, PnlReport, WalletView } from '@parley/protocol';
import type { ThreadConnection } from '../state/connection.js';
import { newRequestId } from '../state/request-id.js';

export interface EconomyStoreOptions {
  thread: string;
  makeRequestId?: () => string;
}

export class EconomyStore {
  rules: EconomyRulesView | null = null;
  wallet: WalletView | null = null;
  reports: PnlReport[] = [];
  /** The report on show; the newest unless the reader picked an older one. */
  shownReportId: string | null = null;
  buying = false;
  error: ParleyError | null = null;

  private pendingBuy: string | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private generation = 0;
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
          this.wallet = {
            ...this.wallet,
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

  /** [W-E1] */
  refresh(): void {
    const generation = ++this.generation;
    this.connection.request('economy:state', { thread: this.options.thread }, (ack) => {
      if (this.disposed || generation !== this.generation) return;
      if (!ack.ok) return this.fail(ack.error);
      this.rules = ack.data.rules;
      this.wallet = ack.data.wallet;
      this.reports = ack.data.reports;
      this.changed();
    });
  }

  /** "I am reading": the server decides what that is worth. */
  heartbeat(): void {
    if (!this.wallet || this.connection.status !== 'connected') return;
    this.connection.request('read:heartbeat', { thread: this.options.thread }, (ack) => {
      if (this.disposed || !ack.ok || !this.wallet) return;
      const { readMs, readEarned, balance } = ack.data;
      this.wallet = { ...this.wallet, readMs, readEarned, balance };
      this.changed();
    });
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
      this.reports = [ack.data, ...this.reports.filter((r) => r.id !== ack.data.id)];
      this.shownReportId = ack.data.id;
      this.changed();
    });
  }

  private fail(error: ParleyError): void {
    this.error = error;
    this.changed();
  }

  private changed(): void {
    if (!this.disposed) this.listeners.forEach((listener) => listener());
  }
}
