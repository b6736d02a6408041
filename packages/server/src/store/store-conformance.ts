/**
 * The storage contract, as tests. Every Store implementation runs this same suite
 * (`describeStoreConformance('postgres', openPostgresStore)` when that store exists), so a command
 * can rely on these rules whatever the database. Rules are numbered; tests name the rule.
 */
import type { CommentView, ThreadEvent } from '@parley/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RootPosition } from '../domain/cursor.js';
import { rendezvous } from './race.js';
import type { CommentRecord, NewComment, Store, WriteTx } from './types.js';

const AT = 1_700_000_000_000;
const author: CommentView['author'] = { id: 'u1', name: 'Ann', avatar: null, level: 3 };

async function addComment(tx: WriteTx, thread: string, id: string, parent?: CommentRecord): Promise<CommentRecord> {
  const seq = await tx.nextSeq(thread);
  const comment: NewComment = {
    id,
    thread,
    rootId: parent ? parent.rootId : id,
    parentId: parent ? parent.id : null,
    replyToId: parent ? parent.id : null,
    replyToName: parent ? parent.author.name : null,
    depth: parent ? parent.depth + 1 : 0,
    seq,
    author,
    body: `body ${id}`,
    createdAt: AT + seq,
  };
  const stored = await tx.insertComment(comment);
  if (parent) await tx.adjustReplyCount(thread, comment.rootId, 1);
  await tx.appendEvent(thread, { type: 'comment.created', thread, seq, at: AT + seq, comment: stored });
  return stored;
}

export function describeStoreConformance(name: string, open: () => Promise<Store>): void {
  async function openStore(): Promise<Store> {
    const store = await open();
    onTestFinished(() => store.close());
    return store;
  }

  describe(`Store conformance: ${name}`, () => {
    it('[ST-1] ensureThread creates once and keeps the first title and url', async () => {
      const store = await openStore();
      const first = await store.write((tx) => tx.ensureThread('s:t', 'Title', 'https://x/1', AT, { origin: 'claim' }));
      const again = await store.write((tx) => tx.ensureThread('s:t', 'Other', 'https://x/2', AT + 5));
      expect(first).toEqual({
        id: 's:t',
        title: 'Title',
        url: 'https://x/1',
        seq: 0,
        commentCount: 0,
        plus: 0,
        minus: 0,
        createdAt: AT,
        site: 's',
        origin: 'claim',
        publishedAt: null,
        claimIat: null,
      });
      expect(again).toEqual(first);
      expect(await store.read((tx) => tx.getThread('missing'))).toBeNull();
    });

    it('[ST-2] seq is gapless per thread under many parallel write transactions', async () => {
      const store = await openStore();
      await store.write((tx) => Promise.all([tx.ensureThread('a', null, null, AT), tx.ensureThread('b', null, null, AT)]));
      const writes = Array.from({ length: 200 }, (_, i) =>
        store.write(async (tx) => {
          const thread = i % 2 ? 'a' : 'b';
          const seq = await tx.nextSeq(thread);
          // An await inside the transaction: another transaction must not slip in here.
          await new Promise((resolve) => setImmediate(resolve));
          await tx.appendEvent(thread, { type: 'post.voted', thread, seq, at: AT, plus: 0, minus: 0, userId: `u${i}`, value: null });
          return seq;
        }),
      );
      const seqs = await Promise.all(writes);
      for (const thread of ['a', 'b']) {
        const events = await store.read((tx) => tx.listEvents(thread, 0, 1000));
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
        expect((await store.read((tx) => tx.getThread(thread)))?.seq).toBe(100);
      }
      expect(seqs).toHaveLength(200);
    });

    it('[ST-21] two write transactions that race behave as if one ran after the other (no write skew)', async () => {
      const store = await openStore();
      await store.write((tx) => tx.ensureThread('t', null, null, AT));
      const meet = rendezvous();
      // Each votes only if the other has not: run one after the other, exactly one vote is cast.
      const voteUnlessOther = (me: string, other: string) =>
        store.write(async (tx) => {
          const theirs = await tx.getVote('t', other);
          await meet();
          if (theirs !== null) return false;
          await tx.setVote('t', me, 'plus');
          return true;
        });
      const cast = await Promise.all([voteUnlessOther('u1', 'u2'), voteUnlessOther('u2', 'u1')]);
      expect(cast.filter(Boolean)).toHaveLength(1);
      const votes = await store.read(async (tx) => [await tx.getVote('t', 'u1'), await tx.getVote('t', 'u2')]);
      expect(votes.filter((v) => v !== null)).toHaveLength(1);
    });

    it('[ST-22] two concurrent runs of one request: the second gets the first result, one record', async () => {
      const store = await openStore();
      await store.write((tx) => tx.ensureThread('t', null, null, AT));
      const meet = rendezvous();
      // What runMutation does: look the request up, else do the change and record it.
      const run = (attempt: number) =>
        store.write(async (tx) => {
          const previous = await tx.getRequest('s:u1', 'r1');
          await meet();
          if (previous) return previous.result;
          const seq = await tx.nextSeq('t');
          const result = { seq, attempt };
          await tx.saveRequest('s:u1', 'r1', { fingerprint: 'f', result, createdAt: AT });
          return result;
        });
      const [first, second] = await Promise.all([run(1), run(2)]);
      expect(second).toEqual(first);
      expect(await store.read((tx) => tx.getThread('t'))).toMatchObject({ seq: 1 });
      expect(await store.read((tx) => tx.getRequest('s:u1', 'r1'))).toMatchObject({ result: first });
    });

    it('[ST-23] concurrent reactions on one comment keep exact counts; two tabs of one reader count once', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.ensureThread('t', null, null, AT);
        await addComment(tx, 't', 'c1');
      });
      const like = (meet: () => Promise<void>, user: string) =>
        store.write(async (tx) => {
          const mine = await tx.getReactions('t', user, ['c1']);
          await meet();
          if (mine.get('c1') === 'like') return false;
          await tx.setReaction('t', 'c1', user, 'like');
          await tx.adjustReactionCounts('t', 'c1', 1, 0);
          const seq = await tx.nextSeq('t');
          await tx.appendEvent('t', { type: 'post.voted', thread: 't', seq, at: AT, plus: 0, minus: 0, userId: user, value: null });
          return true;
        });
      const two = rendezvous();
      expect(await Promise.all([like(two, 'u1'), like(two, 'u2')])).toEqual([true, true]);
      expect(await store.read((tx) => tx.getComment('t', 'c1'))).toMatchObject({ likes: 2, score: 2 });
      const tabs = rendezvous();
      const fromTabs = await Promise.all([like(tabs, 'u3'), like(tabs, 'u3')]);
      expect(fromTabs.filter(Boolean)).toHaveLength(1);
      expect(await store.read((tx) => tx.getComment('t', 'c1'))).toMatchObject({ likes: 3 });
      const events = await store.read((tx) => tx.listEvents('t', 0, 100));
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    });

    it('[ST-4] a transaction that throws leaves nothing behind, seq included', async () => {
      const store = await openStore();
      await store.write((tx) => tx.ensureThread('t', null, null, AT));
      await expect(
        store.write(async (tx) => {
          await addComment(tx, 't', 'c1');
          await tx.adjustThreadCounts('t', { comments: 1 });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const after = await store.read(async (tx) => ({
        thread: await tx.getThread('t'),
        comment: await tx.getComment('t', 'c1'),
        events: await tx.listEvents('t', 0, 10),
      }));
      expect(after).toEqual({ thread: expect.objectContaining({ seq: 0, commentCount: 0 }), comment: null, events: [] });
      // The failure did not wedge the queue.
      expect(await store.write((tx) => tx.nextSeq('t'))).toBe(1);
    });

    it('[ST-5] counts change incrementally: thread counts, reply counts, reactions and score', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.ensureThread('t', null, null, AT);
        const root = await addComment(tx, 't', 'r');
        const reply = await addComment(tx, 't', 'x', root);
        await addComment(tx, 't', 'y', reply);
      });
      const thread = await store.write((tx) => tx.adjustThreadCounts('t', { comments: 3, plus: 2, minus: 1 }));
      expect(thread).toMatchObject({ commentCount: 3, plus: 2, minus: 1 });
      expect(await store.write((tx) => tx.adjustThreadCounts('t', { comments: -1 }))).toMatchObject({ commentCount: 2, plus: 2 });
      expect(await store.write((tx) => tx.adjustReactionCounts('t', 'r', 3, 1))).toEqual({ likes: 3, dislikes: 1 });
      expect(await store.write((tx) => tx.adjustReactionCounts('t', 'r', -1, 4))).toEqual({ likes: 2, dislikes: 5 });
      const root = await store.read((tx) => tx.getComment('t', 'r'));
      expect(root).toMatchObject({ likes: 2, dislikes: 5, score: -3, replyCount: 2, depth: 0, rootId: 'r' });
      expect(await store.read((tx) => tx.getComment('other-thread', 'r'))).toBeNull();
    });

    it('[ST-6] edits and tombstones change the body, keep the row', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.ensureThread('t', null, null, AT);
        await addComment(tx, 't', 'c');
        await tx.setCommentBody('t', 'c', 'edited', AT + 100);
      });
      expect(await store.read((tx) => tx.getComment('t', 'c'))).toMatchObject({ body: 'edited', editedAt: AT + 100, deletedAt: null });
      await store.write((tx) => tx.markCommentDeleted('t', 'c', AT + 200));
      expect(await store.read((tx) => tx.getComment('t', 'c'))).toMatchObject({ body: '', deletedAt: AT + 200 });
    });

    it('[ST-7] pages of roots in every sort cover each root exactly once, in order', async () => {
      const store = await openStore();
      const scores = [3, 0, 3, -2, 1, 0, 0, 5, 3, -1, 1, 0, 2];
      await store.write(async (tx) => {
        await tx.ensureThread('t', null, null, AT);
        for (const [i, score] of scores.entries()) {
          const root = await addComment(tx, 't', `r${i}`);
          await tx.adjustReactionCounts('t', root.id, Math.max(score, 0) + 1, Math.max(-score, 0) + 1);
          // Replies must never appear among roots.
          await addComment(tx, 't', `r${i}-reply`, root);
        }
      });
      const roots = await store.read((tx) => tx.listRoots('t', 'old', null, 1000));
      const bySeq = [...roots].sort((a, b) => a.seq - b.seq);
      const expected = {
        old: bySeq.map((c) => c.id),
        new: [...bySeq].reverse().map((c) => c.id),
        top: [...bySeq].sort((a, b) => b.score - a.score || b.seq - a.seq).map((c) => c.id),
      };
      for (const sort of ['top', 'new', 'old'] as const) {
        for (const pageSize of [1, 4, 5, 13, 20]) {
          const seen: string[] = [];
          let after: RootPosition | null = null;
          for (let guard = 0; guard < 100; guard++) {
            const page: CommentRecord[] = await store.read((tx) => tx.listRoots('t', sort, after, pageSize));
            seen.push(...page.map((c) => c.id));
            const last = page.at(-1);
            if (page.length < pageSize || !last) break;
            after = sort === 'top' ? { sort, score: last.score, seq: last.seq } : { sort, seq: last.seq };
          }
          expect({ sort, pageSize, seen }).toEqual({ sort, pageSize, seen: expected[sort] });
        }
      }
    });

    it('[ST-8] replies of a root list oldest first, paged by seq', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.ensureThread('t', null, null, AT);
        const a = await addComment(tx, 't', 'a');
        const b = await addComment(tx, 't', 'b');
        const a1 = await addComment(tx, 't', 'a1', a);
        await addComment(tx, 't', 'b1', b);
        await addComment(tx, 't', 'a2', a1);
        await addComment(tx, 't', 'a3', a);
      });
      const all = await store.read((tx) => tx.listReplies('t', 'a', null, 10));
      expect(all.map((c) => c.id)).toEqual(['a1', 'a2', 'a3']);
      const second = await store.read((tx) => tx.listReplies('t', 'a', all[0]?.seq ?? 0, 1));
      expect(second.map((c) => c.id)).toEqual(['a2']);
    });

    it('[ST-9] events replay after a seq, in order, as written', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.ensureThread('t', null, null, AT);
        for (let i = 0; i < 5; i++) await addComment(tx, 't', `c${i}`);
      });
      const events: ThreadEvent[] = await store.read((tx) => tx.listEvents('t', 2, 2));
      expect(events.map((e) => e.seq)).toEqual([3, 4]);
      expect(events[0]).toMatchObject({ type: 'comment.created', thread: 't', comment: { id: 'c2', body: 'body c2' } });
      expect(await store.read((tx) => tx.listEvents('t', 5, 10))).toEqual([]);
    });

    it('[ST-10] one reaction per user and comment, one vote per user and thread', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.ensureThread('t', null, null, AT);
        await tx.setReaction('t', 'c1', 'u1', 'like');
        await tx.setReaction('t', 'c1', 'u1', 'dislike');
        await tx.setReaction('t', 'c2', 'u1', 'like');
        await tx.setReaction('t', 'c3', 'u1', 'like');
        await tx.setReaction('t', 'c3', 'u1', null);
        await tx.setReaction('t', 'c1', 'u2', 'like');
        await tx.setVote('t', 'u1', 'plus');
        await tx.setVote('t', 'u1', 'minus');
        await tx.setVote('t', 'u2', 'plus');
        await tx.setVote('t', 'u2', null);
      });
      const reactions = await store.read((tx) => tx.getReactions('t', 'u1', ['c1', 'c2', 'c3', 'c4']));
      expect(Object.fromEntries(reactions)).toEqual({ c1: 'dislike', c2: 'like' });
      expect(await store.read((tx) => tx.getReactions('t', 'u1', []))).toEqual(new Map());
      expect(await store.read((tx) => tx.getVote('t', 'u1'))).toBe('minus');
      expect(await store.read((tx) => tx.getVote('t', 'u2'))).toBeNull();
    });

    it('[ST-11][PRUNE-1] a request record is stored once per (user, requestId) and pruned by age', async () => {
      const store = await openStore();
      const result = { seq: 3, comment: { id: 'c1', nested: [1, 2] } };
      await store.write((tx) => tx.saveRequest('u1', 'r1', { fingerprint: 'f1', result, createdAt: AT }));
      await store.write((tx) => tx.saveRequest('u2', 'r1', { fingerprint: 'f2', result: null, createdAt: AT + 10 }));
      expect(await store.read((tx) => tx.getRequest('u1', 'r1'))).toEqual({ fingerprint: 'f1', result, createdAt: AT });
      expect(await store.read((tx) => tx.getRequest('u1', 'nope'))).toBeNull();
      await expect(
        store.write((tx) => tx.saveRequest('u1', 'r1', { fingerprint: 'f3', result: 1, createdAt: AT })),
      ).rejects.toThrow();
      expect(await store.pruneRequests(AT + 5)).toBe(1);
      expect(await store.read((tx) => tx.getRequest('u1', 'r1'))).toBeNull();
      expect(await store.read((tx) => tx.getRequest('u2', 'r1'))).toMatchObject({ fingerprint: 'f2' });
    });

    it('[PRUNE-2] pruning keeps each thread’s newest events and replay from them, and deletes the rest', async () => {
      const store = await openStore();
      for (const thread of ['t', 'u']) {
        await store.write((tx) => tx.ensureThread(thread, null, null, AT));
        for (let n = 0; n < (thread === 't' ? 12 : 3); n++) {
          await store.write(async (tx) => {
            const seq = await tx.nextSeq(thread);
            await tx.appendEvent(thread, { type: 'post.voted', thread, seq, at: AT, plus: seq, minus: 0, userId: 'u1', value: 'plus' });
          });
        }
      }
      expect(await store.pruneEvents(5)).toBe(7);
      expect((await store.read((tx) => tx.listEvents('t', 0, 100))).map((e) => e.seq)).toEqual([8, 9, 10, 11, 12]);
      expect((await store.read((tx) => tx.listEvents('t', 9, 100))).map((e) => e.seq)).toEqual([10, 11, 12]);
      expect((await store.read((tx) => tx.listEvents('u', 0, 100))).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(await store.pruneEvents(5)).toBe(0);
      // The thread's seq goes on from where it was.
      expect(await store.write((tx) => tx.nextSeq('t'))).toBe(13);
    });

    it('[ST-12] a transaction handle is dead once its transaction ends', async () => {
      const store = await openStore();
      let leaked: WriteTx | null = null;
      await store.write(async (tx) => {
        leaked = tx;
        await tx.ensureThread('t', null, null, AT);
      });
      await expect((leaked as unknown as WriteTx).nextSeq('t')).rejects.toThrow(/after it ended/);
    });

    it('[ST-13] a read transaction cannot write', async () => {
      const store = await openStore();
      await expect(store.read((tx) => (tx as WriteTx).ensureThread('t', null, null, AT))).rejects.toThrow();
      expect(await store.read((tx) => tx.getThread('t'))).toBeNull();
    });

    it('[ST-14] close waits for queued work, then refuses new work', async () => {
      const store = await open();
      const pending = store.write((tx) => tx.ensureThread('t', null, null, AT));
      const closed = store.close();
      await expect(pending).resolves.toMatchObject({ id: 't' });
      await closed;
      await expect(store.read((tx) => tx.getThread('t'))).rejects.toThrow(/closed/);
    });

    it('[ST-15] thread settings: the first record wins; an admin replaces gates; a read cannot record', async () => {
      const store = await openStore();
      expect(await store.read((tx) => tx.getThreadSettings('t'))).toBeNull();
      const first = await store.write((tx) => tx.recordThreadSettings('t', 'site-a', { comment: 15 }, AT));
      expect(first).toEqual({ site: 'site-a', gates: { comment: 15 }, updatedAt: AT });
      // A second first-join (another page, another site) changes nothing.
      const again = await store.write((tx) => tx.recordThreadSettings('t', 'site-b', { comment: 0, react: 3 }, AT + 1));
      expect(again).toEqual(first);
      const changed = await store.write((tx) => tx.setThreadGates('t', 'site-a', { reply: 20 }, AT + 2));
      expect(changed).toEqual({ site: 'site-a', gates: { reply: 20 }, updatedAt: AT + 2 });
      expect(await store.read((tx) => tx.getThreadSettings('t'))).toEqual(changed);
      await expect(store.read((tx) => (tx as WriteTx).recordThreadSettings('u', 'site-a', {}, AT))).rejects.toThrow();
      expect(await store.read((tx) => tx.getThreadSettings('u'))).toBeNull();
    });

    it('[ST-17] a hidden comment reads with an empty body and hiddenAt; showing it restores the exact words', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.ensureThread('t', null, null, AT);
        await addComment(tx, 't', 'c1');
      });
      await store.write((tx) => tx.hideComment('t', 'c1', 'mod', AT + 5));
      expect(await store.read((tx) => tx.getComment('t', 'c1'))).toMatchObject({ body: '', hiddenAt: AT + 5, deletedAt: null });
      expect(await store.write((tx) => tx.showComment('t', 'c1'))).toBe('body c1');
      const shown = await store.read((tx) => tx.getComment('t', 'c1'));
      expect(shown?.body).toBe('body c1');
      expect(shown?.hiddenAt ?? null).toBeNull();
    });

    it('[ST-18] one flag per reader and comment, counted on the comment; a failed transaction counts none', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.ensureThread('t', null, null, AT);
        await addComment(tx, 't', 'c1');
        await addComment(tx, 't', 'c2');
      });
      const flag = (userId: string, commentId = 'c1', reason: 'spam' | 'abuse' = 'spam') => ({ thread: 't', commentId, userId, reason, note: null, at: AT + 1 });
      expect(await store.write((tx) => tx.addFlag({ ...flag('u2'), note: 'bot' }))).toEqual({ added: true, flags: 1 });
      expect(await store.write((tx) => tx.addFlag(flag('u2', 'c1', 'abuse')))).toEqual({ added: false, flags: 1 });
      expect(await store.write((tx) => tx.addFlag(flag('u3')))).toEqual({ added: true, flags: 2 });
      await expect(
        store.write(async (tx) => {
          await tx.addFlag(flag('u4'));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect((await store.read((tx) => tx.getComment('t', 'c1')))?.flagCount).toBe(2);
      expect((await store.read((tx) => tx.getComment('t', 'c2')))?.flagCount).toBe(0);
      const flags = await store.read((tx) => tx.listFlags('t', 'c1'));
      expect(flags.map((f) => [f.userId, f.reason, f.note])).toEqual([['u2', 'spam', 'bot'], ['u3', 'spam', null]]);
      await expect(store.read((tx) => (tx as WriteTx).addFlag(flag('u5')))).rejects.toThrow();
    });

    it('[ST-19] a hidden comment\'s words are readable aside until it is shown again', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.ensureThread('t', null, null, AT);
        await addComment(tx, 't', 'c1');
      });
      expect(await store.read((tx) => tx.getHiddenBody('t', 'c1'))).toBeNull();
      await store.write((tx) => tx.hideComment('t', 'c1', 'mod', AT + 5));
      expect(await store.read((tx) => tx.getHiddenBody('t', 'c1'))).toBe('body c1');
      expect(await store.read((tx) => tx.getHiddenBody('other', 'c1'))).toBeNull();
      await store.write((tx) => tx.showComment('t', 'c1'));
      expect(await store.read((tx) => tx.getHiddenBody('t', 'c1'))).toBeNull();
    });

    it('[ST-16] XP adds up per site and reader, starts at 0, and refuses a non-positive or fractional amount', async () => {
      const store = await openStore();
      expect(await store.read((tx) => tx.getXp('site-a', 'u1'))).toBe(0);
      expect(await store.write((tx) => tx.addXp('site-a', 'u1', 10))).toBe(10);
      expect(await store.write((tx) => tx.addXp('site-a', 'u1', 5))).toBe(15);
      expect(await store.write((tx) => tx.addXp('site-b', 'u1', 7))).toBe(7);
      for (const amount of [0, -1, 1.5, Number.NaN]) {
        await expect(store.write((tx) => tx.addXp('site-a', 'u1', amount))).rejects.toThrow();
      }
      // A transaction that fails after adding XP adds none.
      await expect(
        store.write(async (tx) => {
          await tx.addXp('site-a', 'u1', 100);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await store.read((tx) => tx.getXp('site-a', 'u1'))).toBe(15);
      expect(await store.read((tx) => tx.getXp('site-a', 'u2'))).toBe(0);
    });
  });
}
