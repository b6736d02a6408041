/**
 * The notes part of the storage contract (notes-store.ts), as tests every Store implementation runs.
 * Rules are numbered; tests name the rule.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { rendezvous } from './race.js';
import type { Store } from './types.js';

const AT = 1_700_000_000_000;
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

export function describeNotesConformance(name: string, open: () => Promise<Store>): void {
  async function openStore(): Promise<Store> {
    const store = await open();
    onTestFinished(() => store.close());
    return store;
  }

  describe(`Notes store conformance: ${name}`, () => {
    it('[NST-1] updates come back per thread, in append order, byte for byte', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.appendNoteUpdate('a', bytes(1, 2), AT);
        await tx.appendNoteUpdate('b', bytes(9), AT);
        await tx.appendNoteUpdate('a', bytes(3, 0, 255), AT);
      });
      const rows = await store.read((tx) => tx.listNoteUpdates('a'));
      expect(rows.map((row) => [...row])).toEqual([[1, 2], [3, 0, 255]]);
      expect(await store.read((tx) => tx.listNoteUpdates('none'))).toEqual([]);
    });

    it('[NST-2] stats count rows and bytes; the version changes with every append and replacement', async () => {
      const store = await openStore();
      expect(await store.read((tx) => tx.noteStats('a'))).toEqual({ updates: 0, bytes: 0, version: 0 });
      const first = await store.write((tx) => tx.appendNoteUpdate('a', bytes(1, 2, 3), AT));
      const second = await store.write((tx) => tx.appendNoteUpdate('a', bytes(4), AT));
      expect(first).toMatchObject({ updates: 1, bytes: 3 });
      expect(second).toMatchObject({ updates: 2, bytes: 4 });
      expect(second.version).not.toBe(first.version);
      const versions = new Set([first.version, second.version]);
      for (let i = 0; i < 3; i++) {
        await store.write((tx) => tx.replaceNoteUpdates('a', bytes(7, 7), AT));
        const stats = await store.read((tx) => tx.noteStats('a'));
        expect(stats).toMatchObject({ updates: 1, bytes: 2 });
        // A replacement of the same size must still look new, or a memo of the old rows would be served.
        expect(versions.has(stats.version)).toBe(false);
        versions.add(stats.version);
      }
    });

    it('[ST-26] a compaction replaces only the rows it listed: an update appended meanwhile is kept', async () => {
      const store = await openStore();
      await store.write(async (tx) => {
        await tx.appendNoteUpdate('a', bytes(1), AT);
        await tx.appendNoteUpdate('a', bytes(2), AT);
      });
      const merge = (rows: Uint8Array[]) => Uint8Array.from(rows.flatMap((row) => [...row]));
      // In one transaction: listed, then appended, then replaced.
      await store.write(async (tx) => {
        const rows = await tx.listNoteUpdates('a');
        await tx.appendNoteUpdate('a', bytes(3), AT);
        await tx.replaceNoteUpdates('a', merge(rows), AT);
      });
      const flat = async () => (await store.read((tx) => tx.listNoteUpdates('a'))).flatMap((row) => [...row]).sort();
      expect(await flat()).toEqual([1, 2, 3]);
      // Two transactions: a compaction races an append.
      const meet = rendezvous();
      await Promise.all([
        store.write(async (tx) => {
          const rows = await tx.listNoteUpdates('a');
          await meet();
          await tx.replaceNoteUpdates('a', merge(rows), AT);
        }),
        store.write(async (tx) => {
          await meet();
          await tx.appendNoteUpdate('a', bytes(9), AT);
        }),
      ]);
      expect(await flat()).toEqual([1, 2, 3, 9]);
    });

    it('[NST-3] a replacement and an append roll back with their transaction', async () => {
      const store = await openStore();
      await store.write((tx) => tx.appendNoteUpdate('a', bytes(1), AT));
      await expect(
        store.write(async (tx) => {
          await tx.appendNoteUpdate('a', bytes(2), AT);
          await tx.replaceNoteUpdates('a', bytes(3), AT);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect((await store.read((tx) => tx.listNoteUpdates('a'))).map((row) => [...row])).toEqual([[1]]);
    });
  });
}
