/**
 * Readers' rights through the admin HTTP API and the CLI, on a real SQLite file, with live widgets
 * (real sockets) watching; the same commands on PostgreSQL.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommentView, JoinResult, ThreadEvent } from '@parley/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createCommandContext } from '../commands/context.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { applyThreadSpec } from '../commands/threads.js';
import { auditLedger } from '../economy/audit.js';
import { resolveSite, SiteDirectory } from '../sites/site-config.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { testDatabase } from '../store/postgres/test-database.js';
import { call, collectThreadEvents, identity, okData, rid, startTestServer, TEST_SECRET, TEST_SITE, type ClientSocket, type TestServer } from '../test-helpers.js';
import { eraseReader } from './erase-reader.js';
import { exportReader } from './reader-export.js';

const ADMIN_KEY = 'rights-admin-key-0123456789';
const AVATAR = 'https://cdn.example.com/bella.png';
const { url: pgUrl } = testDatabase('parley_rights');

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-rights-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function rightsServer(): Promise<TestServer> {
  return startTestServer({
    dbPath: join(tempDir(), 'parley.db'),
    sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], adminKey: ADMIN_KEY }],
  });
}

async function http(url: string, method: string, auth: string | null) {
  const res = await fetch(url, { method, headers: auth ? { Authorization: `Bearer ${auth}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const readerUrl = (server: TestServer, user: string, site = TEST_SITE) => `${server.url}/admin/sites/${encodeURIComponent(site)}/readers/${encodeURIComponent(user)}`;

/** Bella writes on two threads, is answered, reacts, votes, flags and edits; Eli answers her. */
async function scenario(server: TestServer) {
  const bella = await server.connect(await server.token('bella', { name: 'Bella Ciao', avatar: AVATAR, lvl: 20 }));
  const eli = await server.connect(await server.token('eli', { name: 'Eliphas', lvl: 20 }));
  for (const socket of [bella, eli]) for (const thread of ['t1', 't2']) okData(await call(socket, 'thread:join', { thread }));
  const post = async (socket: ClientSocket, thread: string, body: string, parentId?: string) =>
    okData(await call<{ comment: CommentView }>(socket, 'comment:post', { requestId: rid(), thread, body, ...(parentId && { parentId }) })).comment;
  const root = await post(bella, 't1', 'Bella says the secret word: marmalade');
  const answer = await post(eli, 't1', 'Eli answers Bella', root.id);
  const back = await post(bella, 't1', 'Bella answers back about marmalade', answer.id);
  const elsewhere = await post(bella, 't2', 'Bella on another thread');
  const eliRoot = await post(eli, 't2', 'Eli alone');
  okData(await call(bella, 'comment:edit', { requestId: rid(), thread: 't2', commentId: elsewhere.id, body: 'Bella on another thread, edited' }));
  okData(await call(bella, 'comment:react', { requestId: rid(), thread: 't2', commentId: eliRoot.id, value: 'like' }));
  okData(await call(eli, 'comment:react', { requestId: rid(), thread: 't1', commentId: root.id, value: 'like' }));
  okData(await call(bella, 'post:vote', { requestId: rid(), thread: 't1', value: 'plus' }));
  okData(await call(bella, 'comment:flag', { requestId: rid(), thread: 't2', commentId: eliRoot.id, reason: 'off-topic' }));
  return { bella, eli, root, answer, back, elsewhere, eliRoot };
}

describe('readers’ rights over HTTP', () => {
  it('[RIGHTS-1] one call exports everything held about a reader: profile, comments with their words across threads, reactions, votes, flags, ledger, requests', async () => {
    const server = await rightsServer();
    const { root, elsewhere } = await scenario(server);
    const { status, body } = await http(readerUrl(server, 'bella'), 'GET', ADMIN_KEY);
    expect(status).toBe(200);
    expect(body).toMatchObject({ format: 'parley-reader-export', version: 1, site: TEST_SITE, user: 'bella', profile: { id: 'bella', name: 'Bella Ciao', avatar: AVATAR } });
    const comments = body.comments as { thread: string; id: string; body: string; editedAt: number | null }[];
    expect(comments.map((c) => [c.thread, c.body])).toEqual([
      ['t1', 'Bella says the secret word: marmalade'],
      ['t1', 'Bella answers back about marmalade'],
      ['t2', 'Bella on another thread, edited'],
    ]);
    expect(comments.find((c) => c.id === elsewhere.id)?.editedAt).not.toBeNull();
    expect(body.reactions).toEqual([{ thread: 't2', commentId: expect.any(String), userId: 'bella', value: 'like' }]);
    expect(body.votes).toEqual([{ thread: 't1', userId: 'bella', value: 'plus' }]);
    expect(body.flags).toMatchObject([{ thread: 't2', reason: 'off-topic', userId: 'bella' }]);
    const ledger = body.ledger as { balance: number; transfers: { category: string }[]; pendingRewards: { comment: string; state: string }[] };
    expect(ledger.transfers.map((t) => t.category)).toContain('grant');
    expect(ledger.transfers.map((t) => t.category)).toContain('commentTributes');
    expect(ledger.balance).toBeGreaterThan(0);
    expect(ledger.pendingRewards.map((p) => p.comment)).toContain(root.id);
    expect((body.requests as unknown[]).length).toBeGreaterThanOrEqual(7);
    expect(body).toHaveProperty('reading.sessions');
    expect(body).toMatchObject({ notes: { attributed: false }, erasure: null });
    // Nothing of another reader's words is in Bella's export.
    expect(JSON.stringify(body)).not.toContain('Eli answers Bella');
  });

  it('[RIGHTS-2] [RIGHTS-3] [RIGHTS-4] [RIGHTS-5] erasure: tombstones that keep the replies, no name or avatar anywhere (stored, replayed, live), the ledger settled, audited', async () => {
    const server = await rightsServer();
    const { root, answer, back } = await scenario(server);
    const before = (await http(readerUrl(server, 'bella'), 'GET', ADMIN_KEY)).body as { ledger: { balance: number } };
    const watcher = await server.connect();
    const watched = okData(await call<JoinResult & { mode: 'snapshot' }>(watcher, 'thread:join', { thread: 't1' }));
    const live = collectThreadEvents(watcher);

    const erased = await http(`${readerUrl(server, 'bella')}/erase`, 'POST', ADMIN_KEY);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ changed: true, user: 'bella', erasure: { by: 'admin key', userId: 'bella' }, summary: { comments: 3, returnedToTreasury: before.ledger.balance } });

    // Live: the open widget gets the tombstones, with the author's name and avatar gone.
    const seen = await live.untilSeq(watched.thread.seq + 2);
    const deleted = seen.filter((e): e is Extract<ThreadEvent, { type: 'comment.deleted' }> => e.type === 'comment.deleted');
    expect(deleted.map((e) => e.commentId).sort()).toEqual([root.id, back.id].sort());
    expect(deleted.every((e) => e.author?.name === '' && e.author.avatar === null)).toBe(true);

    // Stored: a fresh snapshot keeps the thread whole, without Bella.
    const fresh = await server.connect();
    const snapshot = okData(await call<JoinResult & { mode: 'snapshot' }>(fresh, 'thread:join', { thread: 't1' }));
    const all = JSON.stringify(snapshot);
    expect(all).not.toContain('Bella Ciao');
    expect(all).not.toContain(AVATAR);
    expect(all).not.toContain('marmalade');
    const rootView = snapshot.page.comments.find((c) => c.id === root.id);
    expect(rootView).toMatchObject({ body: '', author: { id: 'bella', name: '', avatar: null }, replyCount: 2 });
    expect(rootView?.deletedAt).not.toBeNull();
    const answerView = snapshot.page.comments.find((c) => c.id === answer.id);
    expect(answerView).toMatchObject({ body: 'Eli answers Bella', author: { name: 'Eliphas' }, parentId: root.id });
    expect(snapshot.page.comments.find((c) => c.id === back.id)).toMatchObject({ replyToId: answer.id, body: '' });

    // Replayed: the event log was rewritten too.
    const replay = okData(await call<JoinResult>(fresh, 'thread:join', { thread: 't1', since: 0 }));
    const replayed = JSON.stringify(replay);
    expect(replay.mode).toBe('events');
    expect(replayed).not.toContain('Bella Ciao');
    expect(replayed).not.toContain(AVATAR);
    expect(replayed).not.toContain('marmalade');

    // The ledger: balance back to the treasury by one documented transfer; pending rewards cancelled; books add up.
    const after = (await http(readerUrl(server, 'bella'), 'GET', ADMIN_KEY)).body as {
      ledger: { balance: number; transfers: { category: string; to: string; amount: number; ref: string }[]; pendingRewards: { state: string }[] };
      reading: { sessions: unknown[]; lastBeatAt: number | null };
      requests: unknown[];
      comments: { body: string; hiddenBody: string | null }[];
      erasure: { at: number; by: string };
    };
    expect(after.ledger.balance).toBe(0);
    expect(after.ledger.transfers.filter((t) => t.category === 'erasure')).toEqual([
      expect.objectContaining({ to: `t:${TEST_SITE}`, amount: before.ledger.balance, ref: `erase:${TEST_SITE}:bella` }),
    ]);
    expect(after.ledger.pendingRewards.every((p) => p.state !== 'pending')).toBe(true);
    expect(after.requests).toEqual([]);
    expect(after.comments.every((c) => c.body === '' && c.hiddenBody === null)).toBe(true);
    expect(after.erasure.by).toBe('admin key');
    const audit = await auditLedger(server.store);
    expect(audit.ok).toBe(true);
  });

  it('[RIGHTS-6] erasing again changes nothing and answers the first erasure', async () => {
    const server = await rightsServer();
    await scenario(server);
    const first = await http(`${readerUrl(server, 'bella')}/erase`, 'POST', ADMIN_KEY);
    const exportAfterFirst = (await http(readerUrl(server, 'bella'), 'GET', ADMIN_KEY)).body;
    const second = await http(`${readerUrl(server, 'bella')}/erase`, 'POST', ADMIN_KEY);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ changed: false, erasure: (first.body as { erasure: unknown }).erasure });
    expect(Object.values(second.body.summary as Record<string, number>).every((n) => n === 0)).toBe(true);
    const exportAfterSecond = (await http(readerUrl(server, 'bella'), 'GET', ADMIN_KEY)).body;
    expect({ ...exportAfterSecond, exportedAt: '' }).toEqual({ ...exportAfterFirst, exportedAt: '' });
  });

  it('[RIGHTS-7] only the site’s admin may export or erase; every refusal has a status, a code and a message', async () => {
    const server = await rightsServer();
    const reader = await server.token('eli', { lvl: 20 });
    const admin = await server.token('boss', { role: 'admin' });
    expect((await http(readerUrl(server, 'bella'), 'GET', null)).body).toMatchObject({ error: 'auth_required' });
    expect(await http(readerUrl(server, 'bella'), 'GET', reader)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await http(`${readerUrl(server, 'bella')}/erase`, 'POST', 'wrong-key')).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(await http(readerUrl(server, 'bella', 'elsewhere'), 'GET', ADMIN_KEY)).toMatchObject({ status: 404, body: { error: 'unknown_site' } });
    expect(await http(`${readerUrl(server, 'bella')}/erase`, 'GET', ADMIN_KEY)).toMatchObject({ status: 405, body: { error: 'method_not_allowed' } });
    expect(await http(readerUrl(server, 'bella'), 'GET', admin)).toMatchObject({ status: 200, body: { comments: [] } });
    const byToken = await http(`${readerUrl(server, 'nobody')}/erase`, 'POST', admin);
    expect(byToken).toMatchObject({ status: 200, body: { changed: false, erasure: { by: 'boss' } } });
  });
});

describe('readers’ rights from the CLI', () => {
  it('[RIGHTS-8] parley reader export | erase go through the running server', async () => {
    const packageDir = resolve(fileURLToPath(import.meta.url), '../../..');
    execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-b', packageDir], { stdio: 'inherit' });
    const server = await rightsServer();
    await scenario(server);
    // Asynchronously: the server under test runs in this process and must keep answering.
    const run = (args: string[], key: string) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
        execFile(process.execPath, [join(packageDir, 'bin/parley.js'), 'reader', ...args, '--site', TEST_SITE, '--server', server.url], {
          encoding: 'utf8',
          env: { ...process.env, PARLEY_ADMIN_KEY: key, PARLEY_CONFIG: '' },
        }, (error, stdout, stderr) => done({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
      });
    const exported = await run(['export', 'bella'], ADMIN_KEY);
    expect(exported.status).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ user: 'bella', profile: { name: 'Bella Ciao' } });
    const erased = await run(['erase', 'bella'], ADMIN_KEY);
    expect(erased.status).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({ changed: true, summary: { comments: 3 } });
    const refused = await run(['erase', 'bella'], 'not-the-key-0123456789');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('invalid_token');
  }, 120_000);
});

describe('readers’ rights on PostgreSQL', () => {
  it('[RIGHTS-1] [RIGHTS-2] [RIGHTS-5] [RIGHTS-6] export and erasure give the same answers on PostgreSQL', async () => {
    const store = await PostgresStore.open({ url: pgUrl, schema: 'rights1', poolSize: 2 });
    onTestFinished(() => store.close());
    const site = resolveSite({ id: 'news', secret: 'unused' }, { development: true });
    let clock = 1_800_000_000_000;
    let ids = 0;
    const ctx = createCommandContext(store, { sites: new SiteDirectory([site]), now: () => (clock += 1000), newId: () => `c${++ids}` });
    await store.write((tx) => applyThreadSpec(ctx, tx, site, { id: 't' }, 'admin', clock));
    const bella = { ...identity('bella', { name: 'Bella Ciao', avatar: AVATAR }), site: 'news' };
    const eli = { ...identity('eli'), site: 'news' };
    const root = (await postComment(ctx, bella, { requestId: 'p1', thread: 't', body: 'marmalade' })).result.comment;
    const reply = (await postComment(ctx, eli, { requestId: 'p2', thread: 't', body: 'Eli replies', parentId: root.id })).result.comment;
    await reactComment(ctx, eli, { requestId: 'r1', thread: 't', commentId: root.id, value: 'like' });
    const exported = await exportReader(ctx, site, 'bella');
    expect(exported.comments.map((c) => c.body)).toEqual(['marmalade']);
    expect(exported.ledger.balance).toBeGreaterThan(0);

    const { result, events } = await eraseReader(ctx, site, 'bella', 'test');
    expect(result).toMatchObject({ changed: true, summary: { comments: 1, returnedToTreasury: exported.ledger.balance } });
    expect(events).toMatchObject([{ type: 'comment.deleted', commentId: root.id, author: { name: '' } }]);
    const stored = await store.read(async (tx) => ({
      root: await tx.getComment('news:t', root.id),
      reply: await tx.getComment('news:t', reply.id),
      log: await tx.listEvents('news:t', 0, 100),
      balance: await tx.ledger.balance('r:news:bella'),
    }));
    expect(stored.root).toMatchObject({ body: '', author: { name: '', avatar: null } });
    expect(stored.reply).toMatchObject({ body: 'Eli replies', replyToName: '' });
    expect(JSON.stringify(stored.log)).not.toMatch(/Bella Ciao|marmalade|bella\.png/);
    expect(stored.balance).toBe(0);
    expect((await auditLedger(store)).ok).toBe(true);
    const again = await eraseReader(ctx, site, 'bella', 'test');
    expect(again.result.changed).toBe(false);
    expect(again.events).toEqual([]);
  });
});
