/**
 * Issue 10 item 4, durable posts (SPEC DUR-*): what a post costs the SQLite store, counted — never
 * timed — so a change that makes posting dearer again fails here.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { contextWithThread, identity, rid } from '../test-helpers.js';
import { postComment } from './post-comment.js';
import { rememberedJson } from '../domain/encoded-json.js';
import { createCommandContext, timeOrderedId } from './context.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { applyThreadSpec } from './threads.js';
import { openBook } from '../economy/book.js';
import { defaultEconomyRules } from '../economy/rules.js';
import { levelUnchanged } from '../economy/ledger-book.js';
import { writeScope } from '../store/write-scope.js';
import { startTestServer } from '../test-helpers.js';
import { encodeAhead } from '../transport/encoded-packets.js';

const ann = identity('ann', { level: 20 });

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-durable-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('durable posts', () => {
  it('[DUR-6] [DUR-11] a root comment costs at most 13 statements besides BEGIN and COMMIT; a reply two more', async () => {
    const ctx = await contextWithThread();
    // The first post opens the reader's account (and the treasury): not the steady state.
    const first = await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'first' });
    ctx.store.countStatements({});
    await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'a second comment' });
    const root = ctx.store.statementCounts;
    expect(Object.keys(root.byName).filter((name) => name.startsWith('tx')).sort()).toEqual(['txBeginImmediate', 'txCommit']);
    expect(root.total - root.control).toBeLessThanOrEqual(13);
    // Nothing is read twice or written twice for one post; the thread's settings come with the thread,
    // both pre-moderation policies in one read, and the open account is not opened again.
    for (const [name, { runs }] of Object.entries(root.byName)) expect({ name, runs }).toEqual({ name, runs: 1 });
    expect(Object.keys(root.byName).filter((name) => ['getThreadSettings', 'mod_getPolicy', 'ledgerOpenAccount'].includes(name))).toEqual([]);

    ctx.store.countStatements({});
    await postComment(ctx, ann, { requestId: rid(), thread: 't', parentId: first.result.comment.id, body: 'a reply' });
    const reply = ctx.store.statementCounts;
    expect(reply.total - reply.control).toBeLessThanOrEqual(15);
    expect(reply.byName.getComment?.runs).toBe(1);
    expect(reply.byName.adjustReplyCount?.runs).toBe(1);
    ctx.store.countStatements(false);
    // The counts the folded statements keep are still right.
    const thread = await ctx.store.read((tx) => tx.getThread('default:t'));
    expect(thread).toMatchObject({ seq: 3, commentCount: 3 });
    expect((await ctx.store.read((tx) => tx.getComment('default:t', first.result.comment.id)))?.replyCount).toBe(1);
  });

  it('[DUR-3] the comment is encoded once: event row and request record are that string, byte for byte', async () => {
    const dir = tempDir();
    const path = join(dir, 'encoded.db');
    const store = SqliteStore.open({ path });
    onTestFinished(() => store.close());
    let clock = 1_700_000_000_000;
    const ctx = createCommandContext(store, { now: () => clock++ });
    const site = ctx.sites.only;
    if (!site) throw new Error('one site expected');
    await store.write((tx) => applyThreadSpec(ctx, tx, site, { id: 't' }, 'admin', clock));
    await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'warm up' });

    const stringify = vi.spyOn(JSON, 'stringify');
    const requestId = rid();
    const output = await postComment(ctx, ann, { requestId, thread: 't', body: 'Hello **world**, @Ann' });
    const comment = output.result.comment;
    const encodings = stringify.mock.calls.filter(([value]) => value === comment || (value as { comment?: unknown } | null)?.comment === comment);
    stringify.mockRestore();
    expect(encodings).toHaveLength(1);

    const [event] = output.events;
    expect(rememberedJson(event)).toBe(JSON.stringify(event));
    expect(rememberedJson(output.result)).toBe(JSON.stringify(output.result));
    const other = new Database(path, { readonly: true });
    onTestFinished(() => void other.close());
    const row = other.prepare('SELECT payload FROM events WHERE seq = ?').get(comment.seq) as { payload: string };
    const request = other.prepare('SELECT result FROM requests WHERE request_id = ?').get(requestId) as { result: string };
    expect(row.payload).toBe(JSON.stringify(event));
    expect(request.result).toBe(JSON.stringify(output.result));
    // Frozen: nothing can change what was encoded after the fact.
    expect(Object.isFrozen(event) && Object.isFrozen(comment) && Object.isFrozen(output.result)).toBe(true);
    // A retry answers the same bytes.
    const again = await postComment(ctx, ann, { requestId, thread: 't', body: 'Hello **world**, @Ann' });
    expect(JSON.stringify(again.result)).toBe(request.result);
  });

  it('[DUR-3] the ack and the broadcast carry that string: the same bytes Socket.IO would write, and a poster hears its comment', async () => {
    const server = await startTestServer();
    // An encoder as Socket.IO makes it, without the server's use of JSON encoded ahead.
    const Encoder = Object.getPrototypeOf(server.io.encoder).constructor as new () => { encode(packet: unknown): unknown[] };
    const plain = new Encoder();
    const ctx = await contextWithThread();
    const output = await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'Encoded *once*' });
    const packets = [
      { type: 2, nsp: '/', data: ['thread:events', output.events, 'offset-1'] },
      { type: 2, nsp: '/admin', data: ['thread:events', output.events] },
      { type: 3, nsp: '/', id: 12, data: [{ ok: true, data: output.result }] },
    ];
    for (const packet of packets) {
      expect(encodeAhead(packet)).toBeDefined();
      expect([encodeAhead(packet)]).toEqual(plain.encode(packet));
      expect(server.io.encoder.encode(packet as never)).toEqual(plain.encode(packet));
    }
    // Anything not encoded ahead goes Socket.IO's own way.
    expect(encodeAhead({ type: 2, nsp: '/', data: ['thread:events', [{ ...output.events[0] }]] })).toBeUndefined();
    expect(encodeAhead({ type: 3, nsp: '/', id: 1, data: [{ ok: false, error: { code: 'x' } }] })).toBeUndefined();

    const token = await server.token('dee');
    const [poster, reader] = [await server.connect(token), await server.connect()];
    await new Promise((resolve) => reader.emit('thread:join', { thread: 't' }, resolve));
    const heard = new Promise<unknown>((resolve) => reader.once('thread:events', resolve));
    const ack = (await poster.emitWithAck('comment:post', { requestId: rid(), thread: 't', body: 'over the wire' })) as { ok: boolean; data: { comment: unknown } };
    expect(ack.ok).toBe(true);
    expect(await heard).toEqual([{ type: 'comment.created', thread: 't', seq: expect.any(Number), at: expect.any(Number), comment: ack.data.comment }]);
  });

  it('[DUR-4] ids: 16 URL-safe characters, unique, one second sharing its first five', () => {
    const at = Date.UTC(2026, 11, 1, 16, 0, 0);
    const ids = Array.from({ length: 5000 }, (_, n) => timeOrderedId(at + (n % 1000)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids.map((id) => id.slice(0, 5))).size).toBe(1);
    expect(timeOrderedId(at + 3_600_000).slice(0, 5)).not.toBe(ids[0]?.slice(0, 5));
  });

  it('[DUR-13] ids sort by byte as by time, and stay in the 64 characters ids had before', () => {
    const start = Date.UTC(2026, 11, 1, 16, 0, 0);
    // Every 6-bit step of the clock's characters, over more than a year, in the order they were made.
    const ids = Array.from({ length: 20_000 }, (_, n) => timeOrderedId(start + n * 1_677_721));
    expect([...ids].sort()).toEqual(ids);
    const sameMs = Array.from({ length: 100 }, () => timeOrderedId(start));
    for (const id of sameMs) expect(id < timeOrderedId(start + 1)).toBe(true);
    for (const id of [...ids, ...sameMs]) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(sameMs).size).toBe(sameMs.length);
  });

  it('[DUR-1] a worker checkpoints the WAL: it restarts instead of growing, and every write survives reopening', async () => {
    const dir = tempDir();
    const path = join(dir, 'wal.db');
    const store = SqliteStore.open({ path, checkpoint: { restartFrames: 20, everyMs: 0 } });
    await store.write((tx) => tx.ensureThread('t', null, null, 1));
    // The worker starts in the background: once it has checkpointed, the WAL is its business.
    for (let wait = 0; (store.checkpointStats?.checkpoints ?? 0) === 0 && wait < 500; wait++) {
      await store.write((tx) => tx.ensureThread(`w${wait}`, null, null, 1));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const before = statSync(`${path}-wal`).size;
    const body = 'x'.repeat(3000);
    for (let round = 0; round < 60; round++) {
      await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          store.write(async (tx) => {
            const seq = await tx.nextSeq('t');
            const id = `r${round}-${n}`;
            await tx.insertComment({ id, thread: 't', rootId: id, parentId: null, replyToId: null, replyToName: null, depth: 0, seq, author: { id: 'a', name: 'A', avatar: null, level: 1 }, body, createdAt: 1 });
          }),
        ),
      );
    }
    const stats = store.checkpointStats;
    expect(stats?.checkpoints).toBeGreaterThan(0);
    expect(stats?.catchUps).toBeGreaterThan(0);
    // 480 comments of 3 KB wrote well over 1.5 MB of pages; a WAL that restarts grows far less.
    expect(statSync(`${path}-wal`).size - before).toBeLessThan(1_000_000);
    await store.close();
    const reopened = SqliteStore.open({ path });
    onTestFinished(() => reopened.close());
    expect(await reopened.read((tx) => tx.getThread('t'))).toMatchObject({ seq: 480 });
  });

  it('[DUR-7] a clean group runs without savepoints; after a failure the rest of the group runs again with them, then clean groups without', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    onTestFinished(() => store.close());
    await store.write((tx) => tx.ensureThread('t', null, null, 1));
    const three = (fail: boolean) =>
      Promise.allSettled(
        [0, 1, 2].map((n) =>
          store.write(async (tx) => {
            const seq = await tx.nextSeq('t');
            if (fail && n === 1) throw new Error('refused');
            return seq;
          }),
        ),
      );
    store.countStatements({});
    expect((await three(false)).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(store.statementCounts.byName.txSavepoint).toBeUndefined();

    store.countStatements({});
    const failed = await three(true);
    expect(failed.map((r) => (r.status === 'fulfilled' ? r.value : 'refused'))).toEqual([4, 'refused', 5]);
    // The failing command is not run again: the other two are, each in its savepoint.
    expect(store.statementCounts.byName.txSavepoint?.runs).toBe(2);
    expect(store.statementCounts.byName.txRollback?.runs).toBe(1);

    store.countStatements({});
    expect((await three(false)).map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual([6, 7, 8]);
    store.countStatements({});
    await three(false);
    expect(store.statementCounts.byName.txSavepoint).toBeUndefined();
    store.countStatements(false);
  });

  it('[DUR-8] a post reads the ban in its write transaction: no read transaction of its own, and a banned reader is still refused', async () => {
    const server = await startTestServer();
    const store = server.store as SqliteStore;
    const site = 'test-site';
    const eve = identity('eve', { site });
    await server.dispatch(eve, 'comment:post', { requestId: rid(), thread: 't', body: 'before' });
    store.countStatements({});
    expect((await server.dispatch(eve, 'comment:post', { requestId: rid(), thread: 't', body: 'no read first' })).ok).toBe(true);
    expect(store.statementCounts.byName.txReadBegin).toBeUndefined();
    // [DUR-15] Read once, with the thread and the policies: no statement of its own.
    expect(store.statementCounts.byName.readAheadGate?.runs).toBe(1);
    expect(store.statementCounts.byName.mod_getBan).toBeUndefined();
    store.countStatements(false);

    const requestId = rid();
    expect((await server.dispatch(eve, 'comment:post', { requestId, thread: 't', body: 'posted, then banned' })).ok).toBe(true);
    await store.write((tx) => tx.mod.setBan({ site, userId: 'eve', kind: 'ban', until: null, reason: 'spam', byId: 'mod', byName: 'Mod', at: 1 }));
    for (const input of [{ requestId: rid(), thread: 't', body: 'after the ban' }, { requestId, thread: 't', body: 'posted, then banned' }, { requestId: rid(), thread: 'no-such-thread', body: 'x' }]) {
      const ack = await server.dispatch(eve, 'comment:post', input);
      expect(ack.ok ? null : ack.error.code).toBe('banned');
    }
    const muted = identity('mo', { site });
    await store.write((tx) => tx.mod.setBan({ site, userId: 'mo', kind: 'mute', until: null, reason: null, byId: 'mod', byName: 'Mod', at: 1 }));
    const ack = await server.dispatch(muted, 'comment:post', { requestId: rid(), thread: 't', body: 'kept aside' });
    expect(ack.ok && (ack.data as { seq: number | null }).seq).toBe(null);
  });

  it('[DUR-15] a post reads the ban, the thread with its settings and both policies in one statement: 11 in all, every rule still applied', async () => {
    const ctx = await contextWithThread();
    await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'first' });
    ctx.store.countStatements({});
    await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'a second comment' });
    const root = ctx.store.statementCounts;
    expect(root.total - root.control).toBeLessThanOrEqual(11);
    expect(root.byName.readAheadGate?.runs).toBe(1);
    expect(Object.keys(root.byName).filter((name) => ['mod_getBan', 'mod_getPolicies', 'getThreadWithSettings', 'getThread'].includes(name))).toEqual([]);
    ctx.store.countStatements(false);

    // What the one row says is applied as the separate reads were: the thread's and the site's policies hold comments…
    const held = async (body: string) => (await postComment(ctx, ann, { requestId: rid(), thread: 't', body })).result.seq;
    await ctx.store.write((tx) => tx.mod.setPolicy('default', 'default:t', { all: true }, ctx.now()));
    expect(await held('held by the thread')).toBeNull();
    await ctx.store.write(async (tx) => {
      await tx.mod.setPolicy('default', 'default:t', null, ctx.now());
      await tx.mod.setPolicy('default', '', { all: true }, ctx.now());
    });
    expect(await held('held by the site')).toBeNull();
    await ctx.store.write((tx) => tx.mod.setPolicy('default', '', null, ctx.now()));
    expect(await held('published again')).toEqual(expect.any(Number));
    // …the thread's gate tightening refuses a reader below it…
    await ctx.store.write((tx) => tx.setThreadGates('default:t', 'default', { comment: 30 }, ctx.now()));
    await expect(postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'below the gate' })).rejects.toMatchObject({ code: 'level_required' });
    await ctx.store.write((tx) => tx.setThreadGates('default:t', 'default', {}, ctx.now()));
    // …a suspension refuses, a mute keeps the comment aside, and an unknown thread is still not found.
    await ctx.store.write((tx) => tx.mod.setBan({ site: 'default', userId: 'ann', kind: 'suspend', until: ctx.now() + 60_000, reason: null, byId: 'mo', byName: 'Mo', at: ctx.now() }));
    await expect(postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'suspended' })).rejects.toMatchObject({ code: 'suspended' });
    await ctx.store.write((tx) => tx.mod.setBan({ site: 'default', userId: 'ann', kind: 'mute', until: null, reason: null, byId: 'mo', byName: 'Mo', at: ctx.now() }));
    expect(await held('muted')).toBeNull();
    await expect(postComment(ctx, ann, { requestId: rid(), thread: 'nope', body: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('[DUR-17] a post\'s money is two statements: the tribute is refused by the database when not covered, the pending reward reads the wallet sent after it — 9 in all', async () => {
    const ctx = await contextWithThread();
    const wallet = (userId: string) => ctx.store.write((tx) => openBook(ctx, tx, 'default', ctx.now(), null).walletFigures(userId));
    await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'first' });
    ctx.store.countStatements({});
    const post = await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'a second comment' });
    const root = ctx.store.statementCounts;
    ctx.store.countStatements(false);
    expect(root.total - root.control).toBeLessThanOrEqual(9);
    expect(root.byName.ledgerInsertTransfer?.runs).toBe(1);
    expect(root.byName.ledgerAddPendingWithWallet?.runs).toBe(1);
    expect(Object.keys(root.byName).filter((name) => ['ledgerBalance', 'ledgerWallet', 'ledgerAddPending'].includes(name))).toEqual([]);
    // What the wallet update says is what a fresh read says: the balance after the tribute, the reward pending.
    const figures = await wallet('ann');
    expect(post.wallets?.[0]?.update).toEqual({ balance: figures.balance, thread: 't', readEarned: null, ...figures.extra });
    expect(figures.extra.pending).toBe(2 * defaultEconomyRules.amounts.commentRewards);
    expect(figures.balance).toBe(defaultEconomyRules.startingGrant - 2 * defaultEconomyRules.amounts.commentTributes);

    // A write after the pending reward (an author's email address, recorded as they post): the wallet is read again, still right.
    const cy = identity('cy', { level: 20, email: { address: 'cy@example.com', replies: true } });
    await postComment(ctx, cy, { requestId: rid(), thread: 't', body: 'first' });
    ctx.store.countStatements({});
    const mailed = await postComment(ctx, cy, { requestId: rid(), thread: 't', body: 'with an address' });
    expect(ctx.store.statementCounts.byName.ledgerWallet?.runs).toBe(1);
    ctx.store.countStatements(false);
    const cyFigures = await wallet('cy');
    expect(mailed.wallets?.[0]?.update).toEqual({ balance: cyFigures.balance, thread: 't', readEarned: null, ...cyFigures.extra });

    // Short of Twei: refused with what it needs and what the reader has, and nothing moved.
    const poor = await contextWithThread();
    const dee = identity('dee', { level: 20 });
    for (let n = 0; n < defaultEconomyRules.startingGrant; n++) await postComment(poor, dee, { requestId: rid(), thread: 't', body: `post ${n}` });
    poor.store.countStatements({});
    await expect(postComment(poor, dee, { requestId: rid(), thread: 't', body: 'one too many' })).rejects.toMatchObject({ code: 'insufficient_funds', details: { need: 1, balance: 0 } });
    // The database refused the tribute (LED-2's CHECK), then the balance was read for the answer.
    expect(poor.store.statementCounts.byName.ledgerBalance?.runs).toBe(1);
    poor.store.countStatements(false);
    expect((await poor.store.read((tx) => tx.getThread('default:t')))?.commentCount).toBe(defaultEconomyRules.startingGrant);
  });

  it('[DUR-9] a post that moves no XP re-reads no level; a credit still does', async () => {
    const ctx = await contextWithThread();
    await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'warm' });
    const post = await postComment(ctx, ann, { requestId: rid(), thread: 't', body: 'a tribute, a pending reward' });
    expect(post.wallets).toMatchObject([{ userId: 'ann' }]);
    expect(levelUnchanged.has(post.wallets?.[0] as never)).toBe(true);
    const credited = await ctx.store.write(async (tx) => {
      const paying = openBook(ctx, tx, 'default', ctx.now(), null);
      await paying.pay('ann', 5, { category: 'read', thread: 'default:t', ref: null });
      return paying.walletUpdates();
    });
    expect(credited).toHaveLength(1);
    expect(levelUnchanged.has(credited[0] as never)).toBe(false);

    const server = await startTestServer();
    const store = server.store as SqliteStore;
    const socket = await server.connect(await server.token('dee'));
    expect(((await socket.emitWithAck('comment:post', { requestId: rid(), thread: 't', body: 'first' })) as { ok: boolean }).ok).toBe(true);
    store.countStatements({});
    expect(((await socket.emitWithAck('comment:post', { requestId: rid(), thread: 't', body: 'second' })) as { ok: boolean }).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.statementCounts.byName.getXp).toBeUndefined();
    store.countStatements(false);
  });

  it('[DUR-2] the dispatcher sets no write scope on SQLite', async () => {
    const server = await startTestServer();
    const run = vi.spyOn(writeScope, 'run');
    const ack = await server.dispatch(identity('bob'), 'comment:post', { requestId: rid(), thread: 't', body: 'no scope needed' });
    expect(ack.ok).toBe(true);
    expect(run).not.toHaveBeenCalled();
    run.mockRestore();
  });
});
