/** What a running server deletes on its own (SPEC PRUNE-3; the store's halves are in delivery-conformance.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestServer } from '../test-helpers.js';
import type { NewDelivery } from './delivery-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

const DAY = 24 * 60 * 60 * 1000;
const delivery = (id: string, createdAt: number): NewDelivery => ({
  id,
  site: 'news',
  channel: 'webhook',
  target: 'http://127.0.0.1:9/hook',
  kind: 'comment.created',
  body: '{}',
  createdAt,
});

describe('retention of a running server', () => {
  it('[PRUNE-3] on start (then hourly) deliveries sent over 7 days ago are deleted; recent, pending and failed ones stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-retention-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'parley.db');
    const now = Date.now();
    const before = SqliteStore.open({ path });
    await before.write(async (tx) => {
      await tx.deliveries.enqueueDeliveries([delivery('old', now - 9 * DAY), delivery('recent', now - 2 * DAY), delivery('waiting', now - 9 * DAY), delivery('failed', now - 9 * DAY)]);
      await tx.deliveries.claimDeliveries(now, now + 1000, 10);
      await tx.deliveries.markDelivered('old', now - 8 * DAY, 1);
      await tx.deliveries.markDelivered('recent', now - 2 * DAY, 1);
      await tx.deliveries.markAttemptFailed('waiting', 1, now + DAY, 'HTTP 503');
      await tx.deliveries.markAttemptFailed('failed', 8, null, 'gave up');
    });
    await before.close();

    const server = await startTestServer({ dbPath: path });
    const kept = async () => {
      const ids: string[] = [];
      for (const id of ['old', 'recent', 'waiting', 'failed']) if (await server.store.read((tx) => tx.deliveries.getDelivery(id))) ids.push(id);
      return ids;
    };
    for (let i = 0; i < 100 && (await kept()).includes('old'); i++) await new Promise((next) => setTimeout(next, 20));
    expect(await kept()).toEqual(['recent', 'waiting', 'failed']);
  });
});
