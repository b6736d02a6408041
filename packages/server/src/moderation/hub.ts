/**
 * One per server (on the CommandContext as `ctx.moderation`): the screeners comments pass at
 * `comment:post` time and the moderation events fired after commit.
 *
 *   ctx.moderation.registerScreener(myScreener)   // returns an unregister function
 *   ctx.moderation.events.on('comment.flagged', …)
 */
import { randomUUID } from 'node:crypto';
import type { NewDelivery } from '../store/delivery-store.js';
import type { WriteTx } from '../store/types.js';
import { combineVerdicts, PUBLISH, type ScreenInput, type Screener, type ScreenVerdict } from './verdict.js';
import { ModerationEvents, type ModerationEvent, type ModerationEventName } from './events.js';

/** Which events of a site someone outside the process was promised (webhooks, email). */
export type DurableInterest = (site: string, name: ModerationEventName) => boolean;

export class ModerationHub {
  private readonly screeners: { name: string; screen: Screener }[] = [];

  readonly events: ModerationEvents;

  private durable: DurableInterest | null = null;

  constructor(private readonly onError: (what: string, error: unknown) => void = () => {}) {
    this.events = new ModerationEvents((name, error) => onError(`moderation listener for ${name} threw`, error));
  }

  /**
   * [WEBHOOK-6] The events a site's webhooks or emails want are written to the outbox by the
   * change's own transaction ({@link record}), so a crash right after the commit loses none; the
   * delivery worker turns each into its deliveries (filters.ts). Set once by the installed filters.
   */
  setDurableInterest(interest: DurableInterest | null): void {
    this.durable = interest;
  }

  /**
   * Writes the events someone outside was promised to the outbox, in `tx` (the change's own
   * transaction): one `event` row each, turned into webhook and email deliveries after commit.
   * Nothing is written for a site that wants none of them (no statement at all).
   */
  async record(tx: WriteTx, events: readonly ModerationEvent[] | undefined, at: number): Promise<void> {
    const interest = this.durable;
    if (!interest || !events || events.length === 0) return;
    const rows: NewDelivery[] = [];
    for (const { name, payload } of events) {
      if (!interest(payload.site, name)) continue;
      rows.push({ id: `ev_${randomUUID()}`, site: payload.site, channel: 'event', target: name, kind: name, body: JSON.stringify(payload), createdAt: at });
    }
    if (rows.length > 0) await tx.deliveries.enqueueDeliveries(rows);
  }

  /** Whether any screener is registered (a post with none is screened by nothing before its transaction). */
  get screens(): boolean {
    return this.screeners.length > 0;
  }

  /** Adds a screener (run in registration order, all of them, concurrently). Returns a function removing it. */
  registerScreener(name: string, screen: Screener): () => void {
    const entry = { name, screen };
    this.screeners.push(entry);
    return () => {
      const at = this.screeners.indexOf(entry);
      if (at >= 0) this.screeners.splice(at, 1);
    };
  }

  /** Every registered screener's verdict, combined. A screener that throws holds the comment. */
  async runScreeners(input: ScreenInput): Promise<ScreenVerdict> {
    if (this.screeners.length === 0) return PUBLISH;
    const verdicts = await Promise.all(
      this.screeners.map(async ({ name, screen }) => {
        try {
          return await screen(input);
        } catch (error) {
          this.onError(`screener ${name} failed; the comment is held`, error);
          return { action: 'hold', reasons: [`screener ${name} failed`] } satisfies ScreenVerdict;
        }
      }),
    );
    return combineVerdicts(verdicts);
  }
}
