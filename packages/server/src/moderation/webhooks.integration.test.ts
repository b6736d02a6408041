/**
 * Signed webhooks to a local receiver on 127.0.0.1 that verifies each signature and dedupes by
 * delivery id, as a host would (SPEC WEBHOOK-1…5), on SQLite and PostgreSQL.
 */
import type { CommentView } from '@parley/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ParleyServerOptions } from '../config.js';
import { testDatabase } from '../store/postgres/test-database.js';
import { call, identity, okData, rid, startTestServer, TEST_SECRET, TEST_SITE, type TestServer } from '../test-helpers.js';
import { startReceiver, type Receiver } from './test-receiver.js';
import { applyThreadSpec } from '../commands/threads.js';
import { createCommandContext } from '../commands/context.js';
import { postComment } from '../commands/post-comment.js';
import { silentLogger } from '../logger.js';
import { resolveSite, SiteDirectory } from '../sites/site-config.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { installFilters } from './filters.js';
import { ModerationHub } from './hub.js';
import type { WebhookEventName } from './site-filters.js';

const WEBHOOK_SECRET = 'webhook-secret-0123456789abcdef01234567';
const ADMIN_KEY = 'console-admin-key-0123456789';

/** Signs in to the console with the site's admin key; returns a function running its batch actions. */
async function consoleActions(server: TestServer): Promise<(items: Record<string, unknown>[]) => Promise<void>> {
  const session = await fetch(`${server.url}/admin/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ credential: ADMIN_KEY }) });
  const { csrf } = (await session.json()) as { csrf: string };
  const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!;
  return async (items) => {
    const res = await fetch(`${server.url}/admin/api/actions`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/json', 'X-Parley-CSRF': csrf }, body: JSON.stringify({ items }) });
    const { results } = (await res.json()) as { results: { ok: boolean }[] };
    expect(results.every((r) => r.ok)).toBe(true);
  };
}
const { url: databaseUrl } = testDatabase('parley_webhooks');
const FAST = { pollMs: 20, baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 5, attemptTimeoutMs: 2000 };

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-webhooks-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'parley.db');
}

function serverWith(receiver: Receiver, store: Partial<ParleyServerOptions> = {}, events?: WebhookEventName[]): Promise<TestServer> {
  return startTestServer({
    ...store,
    deliveries: FAST,
    sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], webhooks: [{ url: receiver.url, secret: WEBHOOK_SECRET, ...(events && { events }) }] }],
  });
}

async function postAndFlag(server: TestServer) {
  const ann = await server.connect(await server.token('ann', { name: 'Ann' }));
  okData(await call(ann, 'thread:join', { thread: 't' }));
  const posted = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'First!' }));
  const zoe = await server.connect(await server.token('zoe'));
  okData(await call(zoe, 'comment:flag', { requestId: rid(), thread: 't', commentId: posted.comment.id, reason: 'spam', note: 'a bot' }));
  return posted.comment;
}

describe('[WEBHOOK-1] events become signed deliveries', () => {
  it('[WEBHOOK-1] a post and a flag reach the receiver signed, with a delivery id, the event and its data', async () => {
    const receiver = await startReceiver(WEBHOOK_SECRET);
    const server = await serverWith(receiver);
    const comment = await postAndFlag(server);
    const [created, flagged] = await receiver.waitFor(2);
    for (const got of [created!, flagged!]) {
      expect(got.verified).toBe(true);
      expect(got.headers['parley-delivery']).toBe(got.json.id);
      expect(got.headers['parley-event']).toBe(got.json.type);
      expect(got.headers['parley-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    }
    expect(created!.json).toMatchObject({
      type: 'comment.created',
      site: TEST_SITE,
      createdAt: expect.any(Number),
      data: { site: TEST_SITE, thread: 't', commentId: comment.id, authorId: 'ann', authorName: 'Ann', body: 'First!', seq: comment.seq, parentId: null },
    });
    expect(flagged!.json).toMatchObject({ type: 'comment.flagged', data: { commentId: comment.id, reason: 'spam', note: 'a bot', flags: 1, flaggedBy: 'zoe' } });
    expect(receiver.requests).toHaveLength(2);
  });

  it('[WEBHOOK-1] an endpoint gets only the events it subscribed to; held, approved, rejected and banned travel the same way', async () => {
    const receiver = await startReceiver(WEBHOOK_SECRET);
    const server = await startTestServer({
      deliveries: FAST,
      sites: [
        {
          id: TEST_SITE,
          secret: TEST_SECRET,
          origins: ['same-origin'],
          adminKey: ADMIN_KEY,
          premoderation: { belowLevel: 10 },
          webhooks: [{ url: receiver.url, secret: WEBHOOK_SECRET, events: ['comment.flagged', 'comment.held', 'comment.approved', 'comment.rejected', 'reader.banned'] }],
        },
      ],
    });
    const regular = await server.connect(await server.token('ann', { name: 'Ann', lvl: 20 }));
    const posted = okData(await call<{ comment: CommentView }>(regular, 'comment:post', { requestId: rid(), thread: 't', body: 'First!' }));
    const zoe = await server.connect(await server.token('zoe', { lvl: 20 }));
    okData(await call(zoe, 'comment:flag', { requestId: rid(), thread: 't', commentId: posted.comment.id, reason: 'spam', note: 'a bot' }));
    // Held below LVL 10, then decided and banned through the console's API, as a moderator would.
    const newbie = await server.connect(await server.token('bob', { name: 'Bob', lvl: 3 }));
    const kept = okData(await call<{ comment: CommentView }>(newbie, 'comment:post', { requestId: rid(), thread: 't', body: 'hmm' }));
    const dropped = okData(await call<{ comment: CommentView }>(newbie, 'comment:post', { requestId: rid(), thread: 't', body: 'buy now' }));
    const act = await consoleActions(server);
    await act([{ action: 'approve', commentId: kept.comment.id }, { action: 'reject', commentId: dropped.comment.id, reason: 'spam' }, { action: 'ban', userId: 'bob', kind: 'ban', reason: 'spam' }]);
    const got = await receiver.waitFor(6);
    expect(got.map((r) => r.json.type).sort()).toEqual(['comment.approved', 'comment.flagged', 'comment.held', 'comment.held', 'comment.rejected', 'reader.banned']);
    expect(got.find((r) => r.json.type === 'comment.held')!.json.data).toMatchObject({ reasons: ['Comments from readers below LVL 10 are reviewed first.'], authorId: 'bob' });
    expect(got.find((r) => r.json.type === 'comment.rejected')!.json.data).toMatchObject({ commentId: dropped.comment.id, reason: 'spam' });
    expect(got.every((r) => r.verified)).toBe(true);
  });
});

describe('[WEBHOOK-3] retries with backoff, exactly once for a deduping receiver', () => {
  it('[WEBHOOK-3] a receiver that fails twice then succeeds acts on the delivery exactly once; the same id every attempt', async () => {
    const receiver = await startReceiver(WEBHOOK_SECRET);
    receiver.answer = (_, n) => (n <= 2 ? { status: 500, body: 'down' } : { status: 200 });
    const server = await serverWith(receiver, {}, ['comment.created']);
    const ann = await server.connect(await server.token('ann'));
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'retry me' }));
    const [accepted] = await receiver.waitFor(1);
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.headers['parley-delivery']))).toEqual(new Set([accepted!.json.id]));
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    // Each attempt is signed afresh over the same stored body.
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    const stored = await waitUntil(async () => {
      const delivery = await server.store.read((tx) => tx.deliveries.getDelivery(accepted!.json.id as string));
      return delivery?.state === 'delivered' ? delivery : null;
    });
    expect(stored).toMatchObject({ state: 'delivered', attempts: 3, lastError: null });
    expect(receiver.accepted).toHaveLength(1);
  });

  it('[WEBHOOK-3] a delivery is given up after maxAttempts, with the last error kept', async () => {
    const receiver = await startReceiver(WEBHOOK_SECRET);
    receiver.answer = () => ({ status: 503 });
    const server = await serverWith(receiver, {}, ['comment.created']);
    const ann = await server.connect(await server.token('ann'));
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'nobody home' }));
    const id = await waitUntil(async () => {
      if (receiver.requests.length < FAST.maxAttempts) return null;
      const delivery = await server.store.read((tx) => tx.deliveries.getDelivery(receiver.requests[0]!.headers['parley-delivery'] as string));
      return delivery?.state === 'failed' ? delivery : null;
    });
    expect(id).toMatchObject({ state: 'failed', attempts: FAST.maxAttempts, lastError: 'HTTP 503' });
    expect(receiver.requests).toHaveLength(FAST.maxAttempts);
  });
});

async function waitUntil<T>(probe: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('[WEBHOOK-4] durable across a restart', () => {
  it.each([
    ['SQLite', () => ({ dbPath: tempFile() })],
    ['PostgreSQL', () => ({ dbPath: undefined, databaseUrl })],
  ])('[WEBHOOK-4] %s: a delivery pending when the server stops is sent by the next server on the same store', async (_, storeOf) => {
    const store = storeOf();
    const receiver = await startReceiver(WEBHOOK_SECRET);
    receiver.answer = () => ({ status: 503 });
    const first = await serverWith(receiver, store, ['comment.created']);
    const ann = await first.connect(await first.token('ann'));
    const posted = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: `survives ${Math.random()}` }));
    await waitUntil(async () => (receiver.requests.length > 0 ? true : null));
    await first.close();
    receiver.answer = () => ({ status: 200 });
    const second = await serverWith(receiver, store, ['comment.created']);
    const [got] = await receiver.waitFor(1);
    expect(got!.json).toMatchObject({ type: 'comment.created', data: { commentId: posted.comment.id } });
    expect(got!.verified).toBe(true);
    const delivery = await waitUntil(async () => {
      const found = await second.store.read((tx) => tx.deliveries.getDelivery(got!.json.id as string));
      return found?.state === 'delivered' ? found : null;
    });
    expect(delivery!.attempts).toBeGreaterThanOrEqual(2);
  });
});

describe('[WEBHOOK-5] webhook settings', () => {
  it('[WEBHOOK-5] a short secret or an unknown event is refused at start naming the key', async () => {
    const { resolveSite } = await import('../sites/site-config.js');
    const base = { id: 'news', secret: TEST_SECRET, origins: ['same-origin'] };
    expect(() => resolveSite({ ...base, webhooks: [{ url: 'http://127.0.0.1:1/x', secret: 'short' }] })).toThrowError(/webhooks\[0\].secret must be at least 32 bytes/);
    expect(() => resolveSite({ ...base, webhooks: [{ url: 'http://127.0.0.1:1/x', secret: WEBHOOK_SECRET, events: ['comment.liked' as never] }] })).toThrowError(/webhooks\[0\].events/);
  });
});

describe('[WEBHOOK-6] the events webhooks were promised commit with the change', () => {
  it('[WEBHOOK-6] a post whose server never sent anything (it died after the commit) is sent by the next server on the same store', async () => {
    const receiver = await startReceiver(WEBHOOK_SECRET);
    const path = tempFile();
    const site = { id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], webhooks: [{ url: receiver.url, secret: WEBHOOK_SECRET, events: ['comment.created' as const] }] };
    // The first "process": the real commands and store, its delivery worker stopped before anything happens.
    const store = SqliteStore.open({ path });
    const sites = new SiteDirectory([resolveSite(site)]);
    const hub = new ModerationHub();
    const filters = installFilters({ hub, store, sites, logger: silentLogger, deliveries: FAST });
    await filters.worker.close();
    const ctx = createCommandContext(store, { sites, moderation: hub });
    await store.write((tx) => applyThreadSpec(ctx, tx, sites.get(TEST_SITE)!, { id: 't' }, 'admin', ctx.now()));
    const posted = await postComment(ctx, identity('ann'), { requestId: rid(), thread: 't', body: 'said before the crash' }, TEST_SITE);
    // Committed with the comment, before any listener ran: the event waits in the outbox.
    const waiting = await store.write((tx) => tx.deliveries.claimDeliveries(Date.now() + 1000, Date.now(), 10));
    expect(waiting.map((row) => [row.channel, row.kind])).toEqual([['event', 'comment.created']]);
    await filters.close();
    await store.close();
    expect(receiver.requests).toHaveLength(0);

    await startTestServer({ dbPath: path, deliveries: FAST, sites: [site] });
    const [got] = await receiver.waitFor(1);
    expect(got!.json).toMatchObject({ type: 'comment.created', data: { commentId: posted.result.comment.id, body: 'said before the crash' } });
    expect(got!.verified).toBe(true);
  });

  it('[WEBHOOK-6] a change that rolls back leaves no event behind; a site without webhooks or email writes none', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    onTestFinished(() => store.close());
    const hub = new ModerationHub();
    const wanted: string[] = [];
    hub.setDurableInterest((site, name) => (wanted.push(`${site}:${name}`), site === 'news'));
    const event = (site: string) => ({ name: 'reader.unbanned' as const, payload: { site, userId: 'bob', by: { id: 'mo', name: 'Mo', role: 'moderator' as const }, at: 1 } });
    await expect(
      store.write(async (tx) => {
        await hub.record(tx, [event('news')], 1);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await store.write((tx) => hub.record(tx, [event('blog')], 2));
    const rows = await store.write((tx) => tx.deliveries.claimDeliveries(Date.now(), Date.now() + 1000, 10));
    expect(rows).toEqual([]);
    await store.write((tx) => hub.record(tx, [event('news')], 3));
    const [row] = await store.write((tx) => tx.deliveries.claimDeliveries(Date.now(), Date.now() + 1000, 10));
    expect(row).toMatchObject({ channel: 'event', kind: 'reader.unbanned', site: 'news', target: 'reader.unbanned' });
    expect(JSON.parse(row!.body)).toMatchObject({ userId: 'bob' });
    expect(wanted).toEqual(['news:reader.unbanned', 'blog:reader.unbanned', 'news:reader.unbanned']);
  });
});
