/**
 * The ledger's storage contract as tests (rules in ledger-types.ts). Every Store runs it:
 * `describeLedgerConformance('postgres', openPostgresStore)` when that store exists.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { NewTransfer } from './ledger-types.js';
import type { Store } from './types.js';

const AT = 1_700_000_000_000;
const move = (from: string, to: string, amount: number, extra: Partial<NewTransfer> = {}): NewTransfer => ({
  from,
  to,
  amount,
  category: 'reports',
  thread: 't',
  ref: null,
  requestId: null,
  reverses: null,
  at: AT,
  ...extra,
});

export function describeLedgerConformance(name: string, open: () => Promise<Store>): void {
  async function openLedger(): Promise<Store> {
    const store = await open();
    onTestFinished(() => store.close());
    await store.write(async (tx) => {
      await tx.ledger.openAccount('t:site', 'treasury', AT);
      await tx.ledger.openAccount('r:site:ann', 'reader', AT);
      await tx.ledger.transfer(move('t:site', 'r:site:ann', 5, { category: 'grant' }));
    });
    return store;
  }

  describe(`Ledger conformance: ${name}`, () => {
    it('[LED-1] balances follow transfers and sum to zero; the treasury may go negative', async () => {
      const store = await openLedger();
      expect(Object.fromEntries(await store.read((tx) => tx.ledger.allBalances()))).toEqual({ 't:site': -5, 'r:site:ann': 5 });
      expect(await store.write((tx) => tx.ledger.openAccount('r:site:ann', 'reader', AT))).toBe(false);
    });

    it('[LED-2] a transfer that would make a reader negative fails and takes its transaction with it', async () => {
      const store = await openLedger();
      await expect(
        store.write(async (tx) => {
          await tx.ledger.transfer(move('r:site:ann', 't:site', 2));
          await tx.ledger.transfer(move('r:site:ann', 't:site', 4));
        }),
      ).rejects.toThrow();
      expect(await store.read((tx) => tx.ledger.balance('r:site:ann'))).toBe(5);
      expect(await store.read((tx) => tx.ledger.allTransfers())).toHaveLength(1);
    });

    it('[LED-3] a transfer is reversed at most once, and reversals are not "open"', async () => {
      const store = await openLedger();
      const original = await store.write((tx) => tx.ledger.transfer(move('t:site', 'r:site:ann', 1, { ref: 'x' })));
      expect((await store.read((tx) => tx.ledger.openTransfers('x'))).map((t) => t.id)).toEqual([original.id]);
      await store.write((tx) => tx.ledger.transfer(move('r:site:ann', 't:site', 1, { ref: 'x', reverses: original.id })));
      expect(await store.read((tx) => tx.ledger.openTransfers('x'))).toEqual([]);
      await expect(
        store.write((tx) => tx.ledger.transfer(move('r:site:ann', 't:site', 0, { ref: 'x', reverses: original.id }))),
      ).rejects.toThrow();
    });

    it('refuses zero or negative amounts (but a zero that closes a reversal) and unknown accounts', async () => {
      const store = await openLedger();
      await expect(store.write((tx) => tx.ledger.transfer(move('t:site', 'r:site:ann', 0)))).rejects.toThrow();
      await expect(store.write((tx) => tx.ledger.transfer(move('t:site', 'r:site:ann', -3)))).rejects.toThrow();
      await expect(store.write((tx) => tx.ledger.transfer(move('t:site', 'nobody', 1)))).rejects.toThrow();
    });

    it('sums a reader’s flows per category on one thread', async () => {
      const store = await openLedger();
      await store.write(async (tx) => {
        await tx.ledger.transfer(move('r:site:ann', 't:site', 1, { category: 'reports' }));
        await tx.ledger.transfer(move('t:site', 'r:site:ann', 3, { category: 'likesOwn' }));
        await tx.ledger.transfer(move('r:site:ann', 't:site', 1, { category: 'likesOwn' }));
        await tx.ledger.transfer(move('t:site', 'r:site:ann', 9, { category: 'likesOwn', thread: 'other' }));
      });
      const flows = await store.read((tx) => tx.ledger.flows('r:site:ann', 't'));
      expect(Object.fromEntries(flows)).toEqual({ grant: { in: 5, out: 0 }, reports: { in: 0, out: 1 }, likesOwn: { in: 3, out: 1 } });
    });

    it('keeps read clocks, read sessions, reports (newest first) and one post author', async () => {
      const store = await openLedger();
      await store.write(async (tx) => {
        await tx.ledger.saveReadClock('r:site:ann', AT);
        await tx.ledger.saveReadClock('r:site:ann', AT + 10);
        await tx.ledger.saveReadSession('r:site:ann', 't', { readMs: 1000, credited: 1 });
        for (const [id, at] of [['a', 1], ['b', 2]] as const) {
          await tx.ledger.saveReport('r:site:ann', 't', { id, thread: 't', boughtAt: AT + at, price: 1, lines: {} as never, profitSubtotal: 0, lossSubtotal: 1, total: -1 });
        }
      });
      const read = await store.read(async (tx) => ({
        clock: await tx.ledger.readClock('r:site:ann'),
        session: await tx.ledger.readSession('r:site:ann', 't'),
        none: await tx.ledger.readSession('r:site:ann', 'other'),
        reports: (await tx.ledger.reports('r:site:ann', 't', 10)).map((r) => r.id),
        all: (await tx.ledger.allReports()).map((r) => [r.account, r.report.id]),
      }));
      expect(read).toEqual({
        clock: AT + 10,
        session: { readMs: 1000, credited: 1 },
        none: null,
        reports: ['b', 'a'],
        all: [
          ['r:site:ann', 'a'],
          ['r:site:ann', 'b'],
        ],
      });
      expect(await store.write((tx) => tx.ledger.setPostAuthor('t', 'r:site:ann', AT))).toBe(true);
      expect(await store.write((tx) => tx.ledger.setPostAuthor('t', 'r:site:bob', AT))).toBe(false);
      expect(await store.read((tx) => tx.ledger.postAuthor('t'))).toBe('r:site:ann');
    });
  });
}
