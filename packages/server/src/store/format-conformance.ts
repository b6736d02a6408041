/**
 * The formatting part of the storage contract (format-store.ts), as tests every Store runs.
 */
import type { CommentView, RichText } from '@parley/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { NewComment, Store, WriteTx } from './types.js';

const AT = 1_700_000_000_000;
const author: CommentView['author'] = { id: 'u1', name: 'Ann', avatar: null, level: 3 };
const doc: RichText = [{ t: 'p', c: ['hi ', { t: 'mention', id: 'u2', s: 'Bob' }, ' ', { t: 'strong', c: ['there'] }] }];
const mentions = [{ id: 'u2', name: 'Bob' }];

async function addComment(tx: WriteTx, thread: string, id: string, extra: Partial<NewComment>): Promise<void> {
  await tx.ensureThread(thread, null, null, AT);
  const seq = await tx.nextSeq(thread);
  await tx.insertComment({
    id, thread, rootId: id, parentId: null, replyToId: null, replyToName: null, depth: 0, seq, author,
    body: 'hi @Bob **there**', createdAt: AT + seq, ...extra,
  });
}

export function describeFormatConformance(name: string, open: () => Promise<Store>): void {
  async function openStore(): Promise<Store> {
    const store = await open();
    onTestFinished(() => store.close());
    return store;
  }

  describe(`Format store conformance: ${name}`, () => {
    it('[MD-6] a comment keeps its tree and mentions as written, in every read', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await addComment(tx, 's:t', 'c1', { doc, mentions });
        await addComment(tx, 's:t', 'c2', { body: 'plain' });
      });
      const [one, two] = await store.read(async (tx) => [await tx.getComment('s:t', 'c1'), await tx.getComment('s:t', 'c2')]);
      expect(one).toMatchObject({ doc, mentions });
      expect(two?.doc).toBeUndefined();
      expect(two?.mentions).toBeUndefined();
      const roots = await store.read((tx) => tx.listRoots('s:t', 'old', null, 10));
      expect(roots.map((c) => c.doc ?? null)).toEqual([doc, null]);
    });

    it('[MD-6] an edit replaces the tree, a delete empties it, a hide withholds it and keeps the mentions', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await addComment(tx, 's:t', 'c1', { doc, mentions });
        await addComment(tx, 's:t', 'c2', { doc, mentions });
      });
      const edited: RichText = [{ t: 'p', c: [{ t: 'em', c: ['new'] }] }];
      await store.write((tx) => tx.setCommentFormat('s:t', 'c1', { doc: edited, mentions: [] }));
      expect(await store.read((tx) => tx.getComment('s:t', 'c1'))).toMatchObject({ doc: edited });
      expect((await store.read((tx) => tx.getComment('s:t', 'c1')))?.mentions).toBeUndefined();

      await store.write((tx) => tx.markCommentDeleted('s:t', 'c1', AT + 10));
      const deleted = await store.read((tx) => tx.getComment('s:t', 'c1'));
      expect(deleted?.doc).toBeUndefined();
      expect(deleted?.mentions).toBeUndefined();

      await store.write((tx) => tx.hideComment('s:t', 'c2', 'mod', AT + 11));
      const hidden = await store.read((tx) => tx.getComment('s:t', 'c2'));
      expect(hidden?.doc).toBeUndefined();
      expect(hidden?.mentions).toEqual(mentions);
    });

    it('[MD-7] the author index finds a thread\'s authors by name key, the latest author of a name winning', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.recordThreadAuthor('s:t', 'bob', { id: 'u2', name: 'Bob' });
        await tx.recordThreadAuthor('s:t', 'bella ciao', { id: 'u3', name: 'Bella Ciao' });
        await tx.recordThreadAuthor('s:t', 'bob', { id: 'u2', name: 'Bob' }); // again: no change
        await tx.recordThreadAuthor('s:other', 'eve', { id: 'u4', name: 'Eve' });
      });
      const found = await store.read((tx) => tx.findThreadAuthors('s:t', ['bob', 'bella ciao', 'eve', 'nobody']));
      expect(Object.fromEntries(found)).toEqual({ bob: { id: 'u2', name: 'Bob' }, 'bella ciao': { id: 'u3', name: 'Bella Ciao' } });
      await store.write((tx) => tx.recordThreadAuthor('s:t', 'bob', { id: 'u9', name: 'BOB' }));
      expect((await store.read((tx) => tx.findThreadAuthors('s:t', ['bob']))).get('bob')).toEqual({ id: 'u9', name: 'BOB' });
      expect((await store.read((tx) => tx.findThreadAuthors('s:t', []))).size).toBe(0);
    });
  });
}
