/**
 * The storage contract of notifications (SPEC WEBHOOK-4, MAIL-4): a durable delivery queue —
 * webhooks and emails are written here first and sent by a worker (moderation/delivery-worker.ts),
 * so a restart loses none — and the readers' email preferences (their address and opt-in, from
 * the host's token, and a one-click unsubscribe that sticks to that address).
 */

/**
 * `event`: a moderation event someone outside was promised, written by the change's own transaction
 * (WEBHOOK-6); the worker turns it into its `webhook` and `email` deliveries.
 */
export type DeliveryChannel = 'webhook' | 'email' | 'event';

export interface NewDelivery {
  /** The idempotent delivery id (receivers dedupe by it); enqueueing an id twice stores it once. */
  id: string;
  site: string;
  channel: DeliveryChannel;
  /** The webhook URL, the email address, or (an `event`) the event's name. */
  target: string;
  /** The event it is about (`comment.flagged`, `reply`…). */
  kind: string;
  /** What is sent: the webhook's exact body, or the email as JSON. */
  body: string;
  createdAt: number;
}

export interface DeliveryRecord extends NewDelivery {
  attempts: number;
  /** When the next attempt is due (ms); while one is in flight, when its lease ends. */
  nextAt: number;
  state: 'pending' | 'delivered' | 'failed';
  deliveredAt: number | null;
  lastError: string | null;
}

export interface ReaderEmail {
  site: string;
  userId: string;
  address: string;
  /** The reader opted in to emails about replies (the host's token said so). */
  replies: boolean;
  /** When they clicked unsubscribe for this address; null = subscribed. */
  unsubscribedAt: number | null;
  updatedAt: number;
}

export interface DeliveryReadTx {
  getDelivery(id: string): Promise<DeliveryRecord | null>;
  getReaderEmail(site: string, userId: string): Promise<ReaderEmail | null>;
}

export interface DeliveryWriteTx extends DeliveryReadTx {
  /** Adds each delivery unless its id is already queued; returns how many were new. */
  enqueueDeliveries(deliveries: readonly NewDelivery[]): Promise<number>;
  /**
   * Takes up to `limit` pending deliveries due at `now`, oldest due first, and leases them until
   * `leaseUntil` (their `nextAt`): a worker that dies mid-send leaves them due again then.
   */
  claimDeliveries(now: number, leaseUntil: number, limit: number): Promise<DeliveryRecord[]>;
  markDelivered(id: string, at: number, attempts: number): Promise<void>;
  /** A failed attempt: due again at `nextAt`, or `failed` for good when `nextAt` is null. */
  markAttemptFailed(id: string, attempts: number, nextAt: number | null, error: string): Promise<void>;
  /** Deletes deliveries delivered before `before`; returns how many. */
  pruneDelivered(before: number): Promise<number>;
  /**
   * Records the reader's address and opt-in as the host's token states them now. A new address
   * starts subscribed; the same address keeps its unsubscribe. `address` null forgets the reader.
   */
  recordReaderEmail(site: string, userId: string, address: string | null, replies: boolean, at: number): Promise<void>;
  /** One-click unsubscribe for `address`; false when the reader's address is no longer that one. */
  unsubscribeReader(site: string, userId: string, address: string, at: number): Promise<boolean>;
}
