/**
 * The notification part of the storage contract (delivery-store.ts), as tests every Store
 * implementation runs (SPEC DST-1…4 are the WEBHOOK-/MAIL- storage rules).
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { NewDelivery } from './delivery-store.js';
import type { Store } from './types.js';

const AT = 1_700_000_000_000;

const delivery = (id: string, createdAt = AT): NewDelivery => ({
  id,
  site: 'news',
  channel: 'webhook',
  target: 'http://127.0.0.1:9/hook',
  kind: 'comment.created',
  body: JSON.stringify({ id, n: 'é✓' }),
  createdAt,
});

export function describeDeliveryConformance(name: string, open: () => Promise<Store>): void {
  async function openStore(): Promise<Store> {
    const store = await open();
    onTestFinished(() => store.close());
    return store;
  }

  describe(`Delivery store conformance: ${name}`, () => {
    it('[WEBHOOK-4] a delivery id is queued once; claiming leases due deliveries oldest first, byte for byte', async () => {
      const store = await openStore();
      expect(await store.write((tx) => tx.deliveries.enqueueDeliveries([delivery('b', AT + 1), delivery('a')]))).toBe(2);
      expect(await store.write((tx) => tx.deliveries.enqueueDeliveries([delivery('a')]))).toBe(0);
      const claimed = await store.write((tx) => tx.deliveries.claimDeliveries(AT + 5, AT + 30_000, 10));
      expect(claimed.map((d) => [d.id, d.nextAt, d.attempts, d.state])).toEqual([
        ['a', AT + 30_000, 0, 'pending'],
        ['b', AT + 30_000, 0, 'pending'],
      ]);
      expect(claimed[0]!.body).toBe(delivery('a').body);
      // Leased: not due again until the lease ends (a worker that died mid-send leaves them due then).
      expect(await store.write((tx) => tx.deliveries.claimDeliveries(AT + 29_999, AT + 60_000, 10))).toEqual([]);
      expect((await store.write((tx) => tx.deliveries.claimDeliveries(AT + 30_000, AT + 60_000, 1))).map((d) => d.id)).toEqual(['a']);
    });

    it('[WEBHOOK-4] a failed attempt is due again at its backoff; a last failure or a delivery is final; delivered ones are pruned', async () => {
      const store = await openStore();
      await store.write((tx) => tx.deliveries.enqueueDeliveries([delivery('x'), delivery('y'), delivery('z')]));
      await store.write(async (tx) => {
        await tx.deliveries.claimDeliveries(AT, AT + 1000, 10);
        await tx.deliveries.markAttemptFailed('x', 1, AT + 2000, 'HTTP 500');
        await tx.deliveries.markAttemptFailed('y', 8, null, 'gave up');
        await tx.deliveries.markDelivered('z', AT + 10, 1);
      });
      expect(await store.read((tx) => tx.deliveries.getDelivery('x'))).toMatchObject({ attempts: 1, nextAt: AT + 2000, state: 'pending', lastError: 'HTTP 500' });
      expect(await store.read((tx) => tx.deliveries.getDelivery('y'))).toMatchObject({ attempts: 8, state: 'failed', lastError: 'gave up' });
      expect(await store.read((tx) => tx.deliveries.getDelivery('z'))).toMatchObject({ attempts: 1, state: 'delivered', deliveredAt: AT + 10 });
      expect((await store.write((tx) => tx.deliveries.claimDeliveries(AT + 5000, AT + 9000, 10))).map((d) => d.id)).toEqual(['x']);
      expect(await store.write((tx) => tx.deliveries.pruneDelivered(AT + 11))).toBe(1);
      expect(await store.read((tx) => tx.deliveries.getDelivery('z'))).toBeNull();
      expect(await store.read((tx) => tx.deliveries.getDelivery('y'))).not.toBeNull();
    });

    it('[WEBHOOK-4] a delivery queued and committed survives closing the store', async () => {
      const store = await open();
      await store.write((tx) => tx.deliveries.enqueueDeliveries([delivery('kept')]));
      const again = await store.read((tx) => tx.deliveries.getDelivery('kept'));
      await store.close();
      expect(again).toMatchObject({ id: 'kept', state: 'pending' });
    });

    it('[MAIL-3] a reader email: recorded from the token, unsubscribed per address, resubscribed only by a new address', async () => {
      const store = await openStore();
      await store.write((tx) => tx.deliveries.recordReaderEmail('news', 'ann', 'ann@example.com', true, AT));
      expect(await store.read((tx) => tx.deliveries.getReaderEmail('news', 'ann'))).toEqual({
        site: 'news', userId: 'ann', address: 'ann@example.com', replies: true, unsubscribedAt: null, updatedAt: AT,
      });
      expect(await store.read((tx) => tx.deliveries.getReaderEmail('blog', 'ann'))).toBeNull();
      expect(await store.write((tx) => tx.deliveries.unsubscribeReader('news', 'ann', 'other@example.com', AT + 1))).toBe(false);
      expect(await store.write((tx) => tx.deliveries.unsubscribeReader('news', 'ann', 'ann@example.com', AT + 2))).toBe(true);
      // The same address from the token again keeps the unsubscribe; a new address starts subscribed.
      await store.write((tx) => tx.deliveries.recordReaderEmail('news', 'ann', 'ann@example.com', true, AT + 3));
      expect(await store.read((tx) => tx.deliveries.getReaderEmail('news', 'ann'))).toMatchObject({ unsubscribedAt: AT + 2 });
      await store.write((tx) => tx.deliveries.recordReaderEmail('news', 'ann', 'ann@new.example.com', false, AT + 4));
      expect(await store.read((tx) => tx.deliveries.getReaderEmail('news', 'ann'))).toMatchObject({ address: 'ann@new.example.com', replies: false, unsubscribedAt: null });
      await store.write((tx) => tx.deliveries.recordReaderEmail('news', 'ann', null, false, AT + 5));
      expect(await store.read((tx) => tx.deliveries.getReaderEmail('news', 'ann'))).toBeNull();
    });
  });
}
