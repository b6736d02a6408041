/**
 * The group commit beats' writes go through (SPEC BEAT-21): counted, never timed.
 */
import { describe, expect, it } from 'vitest';
import { GroupWrite } from './group-write.js';

describe('group write', () => {
  it('[BEAT-21] one write at a time: items joined while a group is written go together in the next, up to the cap', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const group = new GroupWrite<number, number>(
      3,
      async (items) => {
        groups.push([...items]);
        if (groups.length === 1) await first;
        return items.map((item) => item * 10);
      },
      async () => {
        throw new Error('not used');
      },
    );
    const one = group.join(1);
    await Promise.resolve();
    await Promise.resolve();
    // The first group is being written: these wait for the next, three at a time.
    const rest = [2, 3, 4, 5, 6].map((item) => group.join(item));
    expect(group.size).toBe(5);
    release();
    expect(await Promise.all([one, ...rest])).toEqual([10, 20, 30, 40, 50, 60]);
    expect(groups).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(group.stats).toEqual({ groups: 3, items: 6, failed: 0 });
  });

  it('[BEAT-21] a group whose transaction fails is written item by item: one item’s error reaches only its caller', async () => {
    const group = new GroupWrite<number, number>(
      8,
      async () => null,
      async (item) => {
        if (item === 2) throw new Error('item 2 refused');
        return item;
      },
    );
    const results = await Promise.allSettled([1, 2, 3].map((item) => group.join(item)));
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([1, 'item 2 refused', 3]);
    expect(group.stats).toEqual({ groups: 0, items: 0, failed: 1 });
  });
});
