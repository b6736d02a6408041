import type { DeliveryRecord, DeliveryWriteTx, NewDelivery, ReaderEmail } from '../delivery-store.js';
import type { Statements } from './statements.js';

/** Notification statements; merged into the store's prepared statements (statements.ts). */
export const notifySql = {
  insertDelivery: `INSERT INTO deliveries (id, site, channel, target, kind, body, created_at, next_at)
    VALUES (@id, @site, @channel, @target, @kind, @body, @createdAt, @createdAt) ON CONFLICT (id) DO NOTHING`,
  getDelivery: 'SELECT * FROM deliveries WHERE id = ?',
  dueDeliveries: "SELECT * FROM deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, created_at, id LIMIT ?",
  leaseDelivery: 'UPDATE deliveries SET next_at = ? WHERE id = ?',
  markDelivered: "UPDATE deliveries SET state = 'delivered', delivered_at = ?, attempts = ?, last_error = NULL WHERE id = ?",
  markRetry: 'UPDATE deliveries SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?',
  markFailed: "UPDATE deliveries SET state = 'failed', attempts = ?, last_error = ? WHERE id = ?",
  pruneDelivered: "DELETE FROM deliveries WHERE state = 'delivered' AND delivered_at < ?",
  getReaderEmail: 'SELECT * FROM reader_emails WHERE site = ? AND user_id = ?',
  upsertReaderEmail: `INSERT INTO reader_emails (site, user_id, address, replies, unsubscribed_at, updated_at)
    VALUES (@site, @userId, @address, @replies, NULL, @at)
    ON CONFLICT (site, user_id) DO UPDATE SET
      unsubscribed_at = CASE WHEN address = excluded.address THEN unsubscribed_at ELSE NULL END,
      address = excluded.address, replies = excluded.replies, updated_at = excluded.updated_at`,
  deleteReaderEmail: 'DELETE FROM reader_emails WHERE site = ? AND user_id = ?',
  unsubscribeReader: 'UPDATE reader_emails SET unsubscribed_at = coalesce(unsubscribed_at, ?) WHERE site = ? AND user_id = ? AND address = ?',
} as const;

interface DeliveryRow {
  id: string;
  site: string;
  channel: DeliveryRecord['channel'];
  target: string;
  kind: string;
  body: string;
  created_at: number;
  attempts: number;
  next_at: number;
  state: DeliveryRecord['state'];
  delivered_at: number | null;
  last_error: string | null;
}

interface ReaderEmailRow {
  site: string;
  user_id: string;
  address: string;
  replies: number;
  unsubscribed_at: number | null;
  updated_at: number;
}

export const toDelivery = (row: DeliveryRow): DeliveryRecord => ({
  id: row.id,
  site: row.site,
  channel: row.channel,
  target: row.target,
  kind: row.kind,
  body: row.body,
  createdAt: Number(row.created_at),
  attempts: Number(row.attempts),
  nextAt: Number(row.next_at),
  state: row.state,
  deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
  lastError: row.last_error,
});

export const toReaderEmail = (row: ReaderEmailRow): ReaderEmail => ({
  site: row.site,
  userId: row.user_id,
  address: row.address,
  replies: Boolean(row.replies),
  unsubscribedAt: row.unsubscribed_at === null ? null : Number(row.unsubscribed_at),
  updatedAt: Number(row.updated_at),
});

/** The SQLite side of DeliveryWriteTx; SqliteTx delegates to these with its checked statements. */
export const sqliteDeliveries = {
  enqueue(st: Statements, deliveries: readonly NewDelivery[]): number {
    let added = 0;
    for (const delivery of deliveries) added += st.insertDelivery.run(delivery).changes;
    return added;
  },
  get(st: Statements, id: string): DeliveryRecord | null {
    const row = st.getDelivery.get(id) as DeliveryRow | undefined;
    return row ? toDelivery(row) : null;
  },
  claim(st: Statements, now: number, leaseUntil: number, limit: number): DeliveryRecord[] {
    const rows = (st.dueDeliveries.all(now, limit) as DeliveryRow[]).map(toDelivery);
    for (const row of rows) st.leaseDelivery.run(leaseUntil, row.id);
    return rows.map((row) => ({ ...row, nextAt: leaseUntil }));
  },
  markDelivered(st: Statements, id: string, at: number, attempts: number): void {
    st.markDelivered.run(at, attempts, id);
  },
  markAttemptFailed(st: Statements, id: string, attempts: number, nextAt: number | null, error: string): void {
    if (nextAt === null) st.markFailed.run(attempts, error.slice(0, 500), id);
    else st.markRetry.run(attempts, nextAt, error.slice(0, 500), id);
  },
  prune(st: Statements, before: number): number {
    return st.pruneDelivered.run(before).changes;
  },
  getReaderEmail(st: Statements, site: string, userId: string): ReaderEmail | null {
    const row = st.getReaderEmail.get(site, userId) as ReaderEmailRow | undefined;
    return row ? toReaderEmail(row) : null;
  },
  recordReaderEmail(st: Statements, site: string, userId: string, address: string | null, replies: boolean, at: number): void {
    if (address === null) st.deleteReaderEmail.run(site, userId);
    else st.upsertReaderEmail.run({ site, userId, address, replies: replies ? 1 : 0, at });
  },
  unsubscribe(st: Statements, site: string, userId: string, address: string, at: number): boolean {
    return st.unsubscribeReader.run(at, site, userId, address).changes === 1;
  },
};

/** `tx.deliveries` of a SQLite transaction: checks the transaction is open (and writable) on every call. */
export class SqliteDeliveries implements DeliveryWriteTx {
  constructor(private readonly check: (write?: boolean) => Statements) {}

  async getDelivery(id: string) {
    return sqliteDeliveries.get(this.check(), id);
  }
  async getReaderEmail(site: string, userId: string) {
    return sqliteDeliveries.getReaderEmail(this.check(), site, userId);
  }
  async enqueueDeliveries(deliveries: readonly NewDelivery[]) {
    return sqliteDeliveries.enqueue(this.check(true), deliveries);
  }
  async claimDeliveries(now: number, leaseUntil: number, limit: number) {
    return sqliteDeliveries.claim(this.check(true), now, leaseUntil, limit);
  }
  async markDelivered(id: string, at: number, attempts: number) {
    sqliteDeliveries.markDelivered(this.check(true), id, at, attempts);
  }
  async markAttemptFailed(id: string, attempts: number, nextAt: number | null, error: string) {
    sqliteDeliveries.markAttemptFailed(this.check(true), id, attempts, nextAt, error);
  }
  async pruneDelivered(before: number) {
    return sqliteDeliveries.prune(this.check(true), before);
  }
  async recordReaderEmail(site: string, userId: string, address: string | null, replies: boolean, at: number) {
    sqliteDeliveries.recordReaderEmail(this.check(true), site, userId, address, replies, at);
  }
  async unsubscribeReader(site: string, userId: string, address: string, at: number) {
    return sqliteDeliveries.unsubscribe(this.check(true), site, userId, address, at);
  }
}
