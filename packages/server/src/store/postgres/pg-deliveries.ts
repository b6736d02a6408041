/**
 * `tx.deliveries` of a PostgreSQL transaction (store/delivery-store.ts). Claiming takes due rows
 * `FOR UPDATE SKIP LOCKED`, so two nodes polling together lease different deliveries instead of
 * queueing behind each other's locks; the store's SERIALIZABLE re-run settles any overlap left.
 */
import type { DeliveryRecord, DeliveryWriteTx, NewDelivery, ReaderEmail } from '../delivery-store.js';
import { toDelivery, toReaderEmail } from '../sqlite/notify-sql.js';
import type { Blind, Query } from './pg-statements.js';

export class PgDeliveries implements DeliveryWriteTx {
  constructor(
    private readonly use: (write: boolean) => Query,
    private readonly blind: Blind,
  ) {}

  async getDelivery(id: string): Promise<DeliveryRecord | null> {
    const { rows } = await this.use(false)<Parameters<typeof toDelivery>[0]>('SELECT * FROM deliveries WHERE id = $1', [id]);
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  async getReaderEmail(site: string, userId: string): Promise<ReaderEmail | null> {
    const { rows } = await this.use(false)<Parameters<typeof toReaderEmail>[0]>('SELECT * FROM reader_emails WHERE site = $1 AND user_id = $2', [site, userId]);
    return rows[0] ? toReaderEmail(rows[0]) : null;
  }

  async enqueueDeliveries(deliveries: readonly NewDelivery[]): Promise<number> {
    let added = 0;
    for (const d of deliveries) {
      const { rowCount } = await this.use(true)(
        `INSERT INTO deliveries (id, site, channel, target, kind, body, created_at, next_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (id) DO NOTHING`,
        [d.id, d.site, d.channel, d.target, d.kind, d.body, d.createdAt],
      );
      added += rowCount ?? 0;
    }
    return added;
  }

  async claimDeliveries(now: number, leaseUntil: number, limit: number): Promise<DeliveryRecord[]> {
    const { rows } = await this.use(true)<Parameters<typeof toDelivery>[0]>(
      `UPDATE deliveries SET next_at = $1 WHERE id IN (
         SELECT id FROM deliveries WHERE state = 'pending' AND next_at <= $2 ORDER BY next_at, created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
       ) RETURNING *`,
      [leaseUntil, now, limit],
    );
    return rows.map(toDelivery).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  async markDelivered(id: string, at: number, attempts: number): Promise<void> {
    await this.use(true)("UPDATE deliveries SET state = 'delivered', delivered_at = $1, attempts = $2, last_error = NULL WHERE id = $3", [at, attempts, id]);
  }

  async markAttemptFailed(id: string, attempts: number, nextAt: number | null, error: string): Promise<void> {
    if (nextAt === null) await this.use(true)("UPDATE deliveries SET state = 'failed', attempts = $1, last_error = $2 WHERE id = $3", [attempts, error.slice(0, 500), id]);
    else await this.use(true)('UPDATE deliveries SET attempts = $1, next_at = $2, last_error = $3 WHERE id = $4', [attempts, nextAt, error.slice(0, 500), id]);
  }

  async pruneDelivered(before: number): Promise<number> {
    const { rowCount } = await this.use(true)("DELETE FROM deliveries WHERE state = 'delivered' AND delivered_at < $1", [before]);
    return rowCount ?? 0;
  }

  async recordReaderEmail(site: string, userId: string, address: string | null, replies: boolean, at: number): Promise<void> {
    if (address === null) {
      await this.blind('DELETE FROM reader_emails WHERE site = $1 AND user_id = $2', [site, userId]);
      return;
    }
    await this.blind(
      `INSERT INTO reader_emails (site, user_id, address, replies, unsubscribed_at, updated_at) VALUES ($1, $2, $3, $4, NULL, $5)
        ON CONFLICT (site, user_id) DO UPDATE SET
          unsubscribed_at = CASE WHEN reader_emails.address = excluded.address THEN reader_emails.unsubscribed_at ELSE NULL END,
          address = excluded.address, replies = excluded.replies, updated_at = excluded.updated_at`,
      [site, userId, address, replies, at],
    );
  }

  async unsubscribeReader(site: string, userId: string, address: string, at: number): Promise<boolean> {
    const { rowCount } = await this.use(true)(
      'UPDATE reader_emails SET unsubscribed_at = coalesce(unsubscribed_at, $1) WHERE site = $2 AND user_id = $3 AND address = $4',
      [at, site, userId, address],
    );
    return rowCount === 1;
  }
}
