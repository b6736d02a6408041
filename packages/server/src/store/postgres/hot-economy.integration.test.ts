/**
 * The economy's statements in a thread's turn on PostgreSQL (SPEC HOT-9…HOT-12): accounts the node
 * knows, the post author read ahead, results the store already knows, the balance check inside the
 * transfer — counted in round trips and raced on two connections, on the real PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { createCommandContext } from '../../commands/context.js';
import { postComment } from '../../commands/post-comment.js';
import { reactComment } from '../../commands/react-comment.js';
import { applyThreadSpec } from '../../commands/threads.js';
import type { Identity } from '../../domain/identity.js';
import { openBook } from '../../economy/book.js';
import { defaultEconomyRules, EconomyDirectory } from '../../economy/rules.js';
import { rendezvous } from '../race.js';
import type { WriteTx } from '../types.js';
import { writeScope } from '../write-scope.js';
import type { PostgresStore } from './postgres-store.js';
import { nodesOn, until } from './pg-test-nodes.js';
import { testDatabase } from './test-database.js';

const { url } = testDatabase('parley_hoteco');
const nodes = (count: number) => nodesOn(url, count);
const inTurn = <T>(store: PostgresStore, work: (tx: WriteTx) => Promise<T>, key = 't'): Promise<T> => writeScope.run({ turnKey: key }, () => store.write(work));
const trips = async <T>(store: PostgresStore, run: () => Promise<T>): Promise<{ value: T; trips: number }> => {
  const before = store.stats.roundTrips;
  const value = await run();
  return { value, trips: store.stats.roundTrips - before };
};
const who = (id: string): Identity => ({ id, name: id.toUpperCase(), avatar: null, level: 13, role: 'reader' });

describe('the economy in a thread turn on PostgreSQL', () => {
  it('[HOT-9] an account a committed write opened is opened and dated on that node with no statement; a failed write teaches nothing', async () => {
    const { stores } = await nodes(2);
    const [a, b] = stores as [PostgresStore, PostgresStore];
    expect(await a.write((tx) => tx.ledger.openAccount('r:s:ann', 'reader', 5))).toBe(true);
    const known = await trips(a, () => a.write(async (tx) => [await tx.ledger.openAccount('r:s:ann', 'reader', 9), await tx.ledger.accountCreatedAt('r:s:ann'), await tx.getThread('t')]));
    // Neither the INSERT nor the read of created_at: BEGIN with the thread, COMMIT.
    expect(known.value.slice(0, 2)).toEqual([false, 5]);
    expect(known.trips).toBe(2);
    // The other node has not learned it: it asks (and learns it, once committed).
    const other = await trips(b, () => b.write(async (tx) => [await tx.ledger.openAccount('r:s:ann', 'reader', 9), await tx.ledger.accountCreatedAt('r:s:ann')]));
    expect(other.value).toEqual([false, 5]);
    expect(other.trips).toBe(2);
    expect((await trips(b, () => b.write((tx) => tx.ledger.accountCreatedAt('r:s:ann')))).trips).toBe(1);
    // A write that opened an account and then failed: rolled back, so the account is not known, and is really opened next time.
    await expect(a.write(async (tx) => (await tx.ledger.openAccount('r:s:bob', 'reader', 6), await Promise.reject(new Error('no'))))).rejects.toThrow('no');
    expect(await a.write((tx) => tx.ledger.openAccount('r:s:bob', 'reader', 7))).toBe(true);
    expect(await a.read((tx) => tx.ledger.accountCreatedAt('r:s:bob'))).toBe(7);
  });

  it('[HOT-9] a transaction whose snapshot began before the node learned an account asks PostgreSQL, and sees what its snapshot sees', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let begun = false;
    // Two connections of one node: the first takes its snapshot, the second opens the account and commits, then the first looks.
    const early = store.write(async (tx) => {
      await tx.getThread('t');
      begun = true;
      await holding;
      return tx.ledger.accountCreatedAt('r:s:cat');
    });
    await until(async () => begun, 'the first transaction has its snapshot');
    await store.write((tx) => tx.ledger.openAccount('r:s:cat', 'reader', 3));
    release();
    expect(await early).toBeNull();
    expect(await store.write((tx) => tx.ledger.accountCreatedAt('r:s:cat'))).toBe(3);
  });

  it('[HOT-9] in a batch, what a write rolled back to its savepoint opened is not learned; what the kept writes opened is', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const holder = inTurn(store, async (tx) => {
      await tx.nextSeq('t');
      held = true;
      await holding;
    });
    await until(async () => held, 'the first write holds the turn');
    const kept = inTurn(store, (tx) => tx.ledger.openAccount('r:s:kept', 'reader', 1));
    const failed = inTurn(store, async (tx) => (await tx.ledger.openAccount('r:s:lost', 'reader', 1), await Promise.reject(new Error('refused'))));
    release();
    await holder;
    expect(await kept).toBe(true);
    await expect(failed).rejects.toThrow('refused');
    expect(store.stats.batchedWrites).toBeGreaterThanOrEqual(3);
    const again = await trips(store, () => store.write(async (tx) => [await tx.ledger.openAccount('r:s:kept', 'reader', 2), await tx.ledger.openAccount('r:s:lost', 'reader', 2)]));
    expect(again.value).toEqual([false, true]);
    // The kept one with no statement; the lost one's INSERT with BEGIN; COMMIT.
    expect(again.trips).toBe(2);
  });

  it('[HOT-10] in a turn the post author travels with the first statement and holds past the first write, until the transaction sets one', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const seen = await trips(store, () =>
      inTurn(store, async (tx) => {
        // As a command's first statement, a read (the read-ahead goes with it: HOT-8).
        await tx.getVote('t', 'ann');
        const seq = await tx.nextSeq('t');
        const before = await tx.ledger.postAuthor('t');
        await tx.ledger.openAccount('r:s:pub', 'reader', 1);
        await tx.ledger.setPostAuthor('t', 'r:s:pub', 1);
        return { seq, before, after: await tx.ledger.postAuthor('t') };
      }),
    );
    expect(seen.value).toEqual({ seq: 1, before: null, after: 'r:s:pub' });
    // The turn, BEGIN, the read-ahead and the vote; nextSeq; the account; the author set; the author read again; COMMIT.
    expect(seen.trips).toBe(6);
    const next = await trips(store, () => inTurn(store, async (tx) => (await tx.getVote('t', 'ann'), await tx.nextSeq('t'), await tx.ledger.postAuthor('t'))));
    expect(next.value).toBe('r:s:pub');
    expect(next.trips).toBe(3);
  });

  it('[HOT-11] a new comment and a reaction count adjusted after its read go blind, and come back as PostgreSQL then holds them', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const author = { id: 'ann', name: "Ann 'O\\Hare", avatar: null, level: 3 };
    const doc = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hi $1 \'x\'' }] }] };
    const made = await trips(store, () =>
      store.write(async (tx) => {
        const seq = await tx.nextSeq('t');
        const root = await tx.insertComment({ id: 'c1', thread: 't', rootId: 'c1', parentId: null, replyToId: null, replyToName: null, depth: 0, seq, author, body: "b'ody \\ $2", createdAt: 10 });
        const reply = await tx.insertComment({
          ...{ id: 'c2', thread: 't', rootId: 'c1', parentId: 'c1', replyToId: 'c1', replyToName: 'Ann', depth: 1, seq: seq + 1, author, body: 'reply', createdAt: 11 },
          doc: doc as never,
          mentions: [{ id: 'bob', name: 'Bob' }],
        });
        return { root, reply, read: [await tx.getComment('t', 'c1'), await tx.getComment('t', 'c2')] };
      }),
    );
    expect(made.value.read).toEqual([made.value.root, made.value.reply]);
    // BEGIN with nextSeq; both INSERTs with the first read; the second read; COMMIT.
    expect(made.trips).toBe(4);
    const counted = await trips(store, () =>
      store.write(async (tx) => {
        await tx.getComment('t', 'c1');
        const first = await tx.adjustReactionCounts('t', 'c1', 1, 0);
        const second = await tx.adjustReactionCounts('t', 'c1', 1, 1);
        return { first, second, read: await tx.getComment('t', 'c1') };
      }),
    );
    expect(counted.value).toMatchObject({ first: { likes: 1, dislikes: 0 }, second: { likes: 2, dislikes: 1 }, read: { likes: 2, dislikes: 1, score: 1 } });
    expect(counted.trips).toBe(3);
    // A count that would go below zero is still sent, and refused.
    await expect(store.write(async (tx) => (await tx.getComment('t', 'c1'), await tx.adjustReactionCounts('t', 'c1', 0, -2)))).rejects.toMatchObject({ code: '23514' });
  });

  it('[HOT-11] two nodes adjusting one comment\'s counts at once, each from its own read: one re-runs, the counts are exact', async () => {
    const { stores } = await nodes(2);
    await stores[0]!.write(async (tx) => {
      await tx.insertComment({ id: 'c1', thread: 't', rootId: 'c1', parentId: null, replyToId: null, replyToName: null, depth: 0, seq: 1, author: { id: 'a', name: 'A', avatar: null, level: 1 }, body: 'x', createdAt: 1 });
    });
    for (let round = 0; round < 3; round++) {
      const meet = rendezvous(2, 2000);
      const answers = await Promise.all(
        stores.map((store) =>
          store.write(async (tx) => {
            await tx.getComment('t', 'c1');
            await meet();
            return tx.adjustReactionCounts('t', 'c1', 1, 0);
          }),
        ),
      );
      expect(answers.map((a) => a.likes).sort()).toEqual([2 * round + 1, 2 * round + 2]);
    }
    expect((await stores[0]!.read((tx) => tx.getComment('t', 'c1')))?.likes).toBe(6);
    expect(stores.reduce((n, s) => n + s.stats.retries, 0)).toBeGreaterThanOrEqual(3);
  });

  it('[HOT-12] an array of strings is written into its statement as array text: it comes back byte for byte, in the round trip of the writes before it', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const keys = ['a"b', 'c\\d', '{x,y}', "o'k", 'NULL', '', ' sp ', '$1'];
    const found = await trips(store, () =>
      store.write(async (tx) => {
        for (const [i, key] of keys.entries()) await tx.recordThreadAuthor('t', key, { id: `u${i}`, name: key });
        return tx.findThreadAuthors('t', [...keys, 'absent']);
      }),
    );
    expect([...found.value].map(([key, author]) => [key, author.id]).sort()).toEqual(keys.map((key, i) => [key, `u${i}`]).sort());
    // BEGIN with the eight writes and the read; COMMIT.
    expect(found.trips).toBe(2);
  });

  it('[HOT-12] a charge is one statement when covered; refused with the balance when not; of two charges racing on two nodes, one is refused and no balance goes below zero', async () => {
    const { stores } = await nodes(2);
    const [a, b] = stores as [PostgresStore, PostgresStore];
    const economy = new EconomyDirectory({ ...defaultEconomyRules, startingGrant: 10 });
    const ctx = [a, b].map((store) => createCommandContext(store, { economy }));
    const site = ctx[0]!.sites.only!.id;
    const movement = { category: 'commentTributes' as const, thread: null, ref: null };
    await a.write((tx) => openBook(ctx[0]!, tx, site, 1, null).ensureReader('ann'));
    const charged = await trips(a, () => a.write((tx) => openBook(ctx[0]!, tx, site, 2, null).charge('ann', 4, movement)));
    // BEGIN with the transfer and its check; COMMIT.
    expect(charged.trips).toBe(2);
    await expect(a.write((tx) => openBook(ctx[0]!, tx, site, 3, null).charge('ann', 7, movement))).rejects.toMatchObject({ code: 'insufficient_funds', details: { need: 7, balance: 6 } });
    const meet = rendezvous(2, 2000);
    const results = await Promise.allSettled(
      [a, b].map((store, i) =>
        store.write(async (tx) => {
          await tx.ledger.balance(`r:${site}:ann`);
          await meet();
          await openBook(ctx[i]!, tx, site, 4, null).charge('ann', 5, movement);
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'insufficient_funds', details: { need: 5, balance: 1 } } });
    const balances = await a.read((tx) => tx.ledger.allBalances());
    expect(balances.get(`r:${site}:ann`)).toBe(1);
    expect([...balances.values()].reduce((x, y) => x + y, 0)).toBe(0);
  });

  it('[HOT-9][HOT-10][HOT-11][HOT-12][HOT-14] a post and a like by readers the node knows: 5 and 6 round trips in the thread\'s turn', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const ctx = createCommandContext(store, { economy: new EconomyDirectory(defaultEconomyRules) });
    const site = ctx.sites.only!;
    await store.write((tx) => applyThreadSpec(ctx, tx, site, { id: 'hot' }, 'admin', Date.now()));
    const key = `${site.id}:hot`;
    const turn = <T>(run: () => Promise<T>) => trips(store, () => writeScope.run({ turnKey: key }, run));
    const first = await turn(() => postComment(ctx, who('ann'), { requestId: 'p0', thread: 'hot', body: 'first' }));
    await turn(() => reactComment(ctx, who('bob'), { requestId: 'l0', thread: 'hot', commentId: first.value.result.comment.id, value: 'like' }));
    // Ann and Bob have acted on this node: their accounts are known.
    const post = await turn(() => postComment(ctx, who('ann'), { requestId: 'p1', thread: 'hot', body: 'second' }));
    const like = await turn(() => reactComment(ctx, who('bob'), { requestId: 'l1', thread: 'hot', commentId: post.value.result.comment.id, value: 'like' }));
    // A post: the turn with BEGIN and the read-aheads; nextSeq; the comment with the balance-checked tribute; the pending reward with the wallet; COMMIT.
    expect(post.trips).toBe(5);
    // A like: the turn; the comment with the reader's reaction (HOT-14); the reaction, its count and nextSeq; the reward record; the pair; COMMIT.
    expect(like.trips).toBe(6);
    expect(like.value.result).toMatchObject({ likes: 1, dislikes: 0, value: 'like' });
    expect(post.value.wallets?.[0]?.update).toMatchObject({ balance: first.value.wallets![0]!.update.balance - defaultEconomyRules.amounts.commentTributes });
    const stored = await store.read(async (tx) => ({ comment: await tx.getComment(key, post.value.result.comment.id), balances: await tx.ledger.allBalances() }));
    expect(stored.comment).toMatchObject({ likes: 1, body: 'second' });
    expect([...stored.balances.values()].reduce((x, y) => x + y, 0)).toBe(0);
  });

  it('[HOT-14] a like reads the comment and the reader\'s reaction in one statement, and answers as the two reads did: the same value again changes nothing, a change moves both counts, another thread\'s comment is not found', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const ctx = createCommandContext(store, { economy: new EconomyDirectory(defaultEconomyRules) });
    const site = ctx.sites.only!;
    await store.write(async (tx) => {
      await applyThreadSpec(ctx, tx, site, { id: 'h14' }, 'admin', Date.now());
      await applyThreadSpec(ctx, tx, site, { id: 'other' }, 'admin', Date.now());
    });
    const posted = await postComment(ctx, who('ann'), { requestId: 'q0', thread: 'h14', body: 'one' });
    const id = posted.result.comment.id;
    const react = (n: number, value: 'like' | 'dislike' | null, thread = 'h14', commentId = id) =>
      reactComment(ctx, who('bob'), { requestId: `q${n}`, thread, commentId, value });
    expect((await react(1, 'like')).result).toMatchObject({ likes: 1, dislikes: 0, value: 'like' });
    expect((await react(2, 'like')).result).toEqual({ seq: null, commentId: id, likes: 1, dislikes: 0, value: 'like' });
    expect((await react(3, 'dislike')).result).toMatchObject({ likes: 0, dislikes: 1, value: 'dislike' });
    expect((await react(4, null)).result).toMatchObject({ likes: 0, dislikes: 0, value: null });
    await expect(react(5, 'like', 'other')).rejects.toMatchObject({ code: 'not_found' });
    const key = `${site.id}:h14`;
    expect(await store.read((tx) => tx.getCommentWithReaction!(key, id, 'bob'))).toMatchObject({ comment: { id, likes: 0 }, reaction: null });
    await react(6, 'like');
    expect(await store.read((tx) => tx.getCommentWithReaction!(key, id, 'bob'))).toMatchObject({ comment: { id, likes: 1 }, reaction: 'like' });
    expect(await store.read((tx) => tx.getCommentWithReaction!(key, id, 'ann'))).toMatchObject({ reaction: null });
    expect(await store.read((tx) => tx.getCommentWithReaction!(`${site.id}:other`, id, 'bob'))).toBeNull();
  });
});
