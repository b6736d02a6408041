/**
 * Sends what the outbox holds (store/delivery-store.ts) — webhooks and emails — at least once,
 * with exponential backoff (SPEC WEBHOOK-3, WEBHOOK-4):
 *
 * - a delivery is committed to the store before anything is sent, so a restart loses none: the
 *   next worker finds it pending;
 * - a worker leases what it claims (`leaseMs`); one that dies mid-send leaves its deliveries due
 *   again when the lease ends, on any node — so a receiver may see a delivery twice and must dedupe
 *   by its id (`Parley-Delivery`), which never changes across attempts;
 * - a failed attempt is retried after `baseDelayMs · 2^(attempt-1)` (capped at `maxDelayMs`, with
 *   up to 20 % random jitter so a receiver coming back is not hit by every node at once), and given
 *   up after `maxAttempts` (state `failed`, with the last error, for the host to see).
 */
import type { Logger } from '../logger.js';
import { logDelivery } from '../transport/activity-log.js';
import type { DeliveryRecord } from '../store/delivery-store.js';
import type { Store } from '../store/types.js';

export interface DeliveryTiming {
  /** How often the worker looks for due deliveries when nothing kicked it, in ms. @default 1000 */
  pollMs?: number;
  /** The first retry's delay, in ms. @default 5000 — a receiver restarting is back within seconds. */
  baseDelayMs?: number;
  /** The longest delay between attempts, in ms. @default 3600000 (an hour) */
  maxDelayMs?: number;
  /**
   * Attempts before a delivery is given up. @default 12 — with the defaults, retries span about
   * 2.5 days of a receiver's outage.
   */
  maxAttempts?: number;
  /** How long one attempt may take (connect, send, answer), in ms. @default 10000 */
  attemptTimeoutMs?: number;
}

export const defaultDeliveryTiming: Required<DeliveryTiming> = {
  pollMs: 1000,
  baseDelayMs: 5000,
  maxDelayMs: 3_600_000,
  maxAttempts: 12,
  attemptTimeoutMs: 10_000,
};

/** Sends one delivery; resolves when the receiver took it, throws (with a reason) when not. */
export type Sender = (delivery: DeliveryRecord, timeoutMs: number) => Promise<void>;

const BATCH = 20;

export class DeliveryWorker {
  private readonly timing: Required<DeliveryTiming>;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly senders: Record<DeliveryRecord['channel'], Sender>,
    private readonly logger: Logger,
    timing: DeliveryTiming = {},
    private readonly now: () => number = Date.now,
  ) {
    this.timing = { ...defaultDeliveryTiming, ...timing };
  }

  start(): void {
    this.schedule(0);
  }

  /** Something was queued: look now rather than at the next poll. */
  kick(): void {
    if (this.closed) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** The delay before attempt `attempts + 1`, after `attempts` failures. */
  delayAfter(attempts: number): number {
    const base = Math.min(this.timing.maxDelayMs, this.timing.baseDelayMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(base * (1 + Math.random() * 0.2));
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce().finally(() => {
        this.running = null;
        const more = this.again;
        this.again = false;
        this.schedule(more ? 0 : this.timing.pollMs);
      });
    }, ms);
    this.timer.unref();
  }

  /** Claims and sends one batch after another until nothing is due. */
  private async runOnce(): Promise<void> {
    try {
      for (;;) {
        if (this.closed) return;
        const now = this.now();
        const lease = now + this.timing.attemptTimeoutMs * 3;
        const due = await this.store.write((tx) => tx.deliveries.claimDeliveries(now, lease, BATCH));
        if (due.length === 0) return;
        await Promise.all(due.map((delivery) => this.attempt(delivery)));
        if (due.length < BATCH) return;
      }
    } catch (error) {
      if (!this.closed) this.logger.error('delivery worker failed; retrying at the next poll', { error });
    }
  }

  private async attempt(delivery: DeliveryRecord): Promise<void> {
    const attempts = delivery.attempts + 1;
    const fields = { id: delivery.id, channel: delivery.channel, kind: delivery.kind, site: delivery.site, attempt: attempts };
    try {
      await this.senders[delivery.channel](delivery, this.timing.attemptTimeoutMs);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const nextAt = attempts >= this.timing.maxAttempts ? null : this.now() + this.delayAfter(attempts);
      await this.store.write((tx) => tx.deliveries.markAttemptFailed(delivery.id, attempts, nextAt, reason));
      if (nextAt === null) logDelivery(this.logger, 'failed', { ...fields, reason });
      else logDelivery(this.logger, 'retry', { ...fields, reason, retryInMs: nextAt - this.now() });
      return;
    }
    await this.store.write((tx) => tx.deliveries.markDelivered(delivery.id, this.now(), attempts));
    logDelivery(this.logger, 'delivered', fields);
  }

  /** Stops polling and waits for the batch in flight (its results are recorded). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
