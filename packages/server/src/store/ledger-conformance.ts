/**
 * The ledger's storage contract as tests (rules in ledger-types.ts). Every Store runs it:
 * `describeLedgerConformance('postgres', openPostgresStore)` when that store exists.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { NewTransfer } from './ledger-types.js';
import { rendezvous } from './race.js';
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

    it('[ST-24] an overdraft race: of two spends that each fit alone, one is refused; the balance never goes negative', async () => {
      const store = await openLedger();
      const meet = rendezvous();
      // What a command does: check the balance (insufficient_funds), then move the money.
      const spend = () =>
        store.write(async (tx) => {
          const balance = (await tx.ledger.balance('r:site:ann')) ?? 0;
          await meet();
          if (balance < 4) return 'insufficient_funds';
          await tx.ledger.transfer(move('r:site:ann', 't:site', 4));
          return 'paid';
        });
      const outcomes = await Promise.allSettled([spend(), spend()]);
      const paid = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'paid');
      expect(paid).toHaveLength(1);
      // The other saw the new balance (insufficient_funds) or hit the CHECK: never both paid.
      expect(outcomes.filter((o) => o.status === 'rejected' || o.value === 'insufficient_funds')).toHaveLength(1);
      const balances = await store.read((tx) => tx.ledger.allBalances());
      expect(balances.get('r:site:ann')).toBe(1);
      expect([...balances.values()].reduce((a, b) => a + b, 0)).toBe(0);
    });

    it('[ST-25] the reading clocks of two tabs that beat together credit the reader once', async () => {
      const store = await openLedger();
      const meet = rendezvous();
      const beatAt = AT + 1000;
      const beat = () =>
        store.write(async (tx): Promise<number> => {
          const clock = await tx.ledger.readClock('r:site:ann');
          const session = (await tx.ledger.readSession('r:site:ann', 't')) ?? { readMs: 0, credited: 0 };
          await meet();
          if (clock !== null && clock >= beatAt) return 0;
          await tx.ledger.saveReadClock('r:site:ann', beatAt);
          await tx.ledger.transfer(move('t:site', 'r:site:ann', 1, { category: 'read', ref: 'read:t' }));
          await tx.ledger.saveReadSession('r:site:ann', 't', { readMs: session.readMs + 1000, credited: session.credited + 1 });
          return 1;
        });
      const credits = await Promise.all([beat(), beat()]);
      expect(credits.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await store.read((tx) => tx.ledger.readSession('r:site:ann', 't'))).toEqual({ readMs: 1000, credited: 1 });
      expect(await store.read((tx) => tx.ledger.balance('r:site:ann'))).toBe(6);
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

    it('[SETTLE-4] a pending reward changes state once: a second claim of the same row finds nothing', async () => {
      const store = await openLedger();
      const reward = { site: 'site', account: 'r:site:ann', category: 'commentRewards' as const, thread: 't', comment: 'c1', ref: 'comment:t:c1', amount: 3, createdAt: AT, dueAt: AT + 10 };
      const id = await store.write((tx) => tx.ledger.addPending(reward));
      expect(await store.read((tx) => tx.ledger.duePending(AT + 9, 10))).toEqual([]);
      expect((await store.read((tx) => tx.ledger.duePending(AT + 10, 10))).map((r) => r.id)).toEqual([id]);
      expect((await store.read((tx) => tx.ledger.duePending(AT + 10, 10, 'r:site:bob')))).toEqual([]);
      expect(await store.read((tx) => tx.ledger.pendingTotal('r:site:ann'))).toBe(3);
      const claims = await Promise.all([1, 2, 3].map(() => store.write((tx) => tx.ledger.setPendingState(id, 'pending', 'paid', 0, null, AT + 10))));
      expect(claims.filter(Boolean)).toHaveLength(1);
      const paid = await store.write(async (tx) => {
        const t = await tx.ledger.transfer(move('t:site', 'r:site:ann', 3, { category: 'commentRewards', ref: 'comment:t:c1' }));
        await tx.ledger.setPendingState(id, 'paid', 'paid', 3, t.id, AT + 10);
        return t.id;
      });
      expect(await store.read((tx) => tx.ledger.pendingOfComment('t', 'c1'))).toMatchObject([{ id, state: 'paid', paid: 3, transferId: paid }]);
      expect(await store.read((tx) => tx.ledger.transferById(paid))).toMatchObject({ amount: 3, category: 'commentRewards' });
      expect(await store.read((tx) => tx.ledger.pendingTotal('r:site:ann'))).toBe(0);
      expect(await store.read((tx) => tx.ledger.duePending(AT + 99, 10))).toEqual([]);
    });

    it('[DUR-5][DUR-6][BEAT-11] the pending total follows every state change; a wallet read says balance, pending, debt and earned at once', async () => {
      const store = await openLedger();
      const reward = (comment: string, amount: number) => ({ site: 'site', account: 'r:site:ann', category: 'commentRewards' as const, thread: 't', comment, ref: `comment:t:${comment}`, amount, createdAt: AT, dueAt: AT + 10 });
      const ids = await store.write(async (tx) => [await tx.ledger.addPending(reward('c1', 3)), await tx.ledger.addPending(reward('c2', 4)), await tx.ledger.addPending(reward('c3', 5))]);
      const pending = () => store.read((tx) => tx.ledger.pendingTotal('r:site:ann'));
      expect(await pending()).toBe(12);
      await store.write((tx) => tx.ledger.setPendingState(ids[0] as number, 'pending', 'paid', 3, null, AT + 10));
      expect(await pending()).toBe(9);
      await store.write((tx) => tx.ledger.setPendingState(ids[1] as number, 'pending', 'cancelled', 0, null, AT + 10));
      expect(await pending()).toBe(5);
      // A change that fails changes nothing, and a rolled-back one is not counted.
      expect(await store.write((tx) => tx.ledger.setPendingState(ids[1] as number, 'pending', 'paid', 0, null, AT + 10))).toBe(false);
      await expect(store.write(async (tx) => {
        await tx.ledger.addPending(reward('c4', 6));
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      expect(await pending()).toBe(5);
      expect(await store.read((tx) => tx.ledger.pendingTotal('r:site:bob'))).toBe(0);
      await store.write(async (tx) => {
        await tx.ledger.openAccount('d:site:ann', 'treasury', AT);
        await tx.ledger.transfer(move('d:site:ann', 'r:site:ann', 2, { category: 'debt' }));
        await tx.ledger.addEarned('r:site:ann', 3, 7, 50);
      });
      expect(await store.read((tx) => tx.ledger.walletFigures('r:site:ann', 'd:site:ann', 3))).toEqual({ balance: 7, pending: 5, debtBalance: -2, earned: 7 });
      expect(await store.read((tx) => tx.ledger.walletFigures('r:site:bob', 'd:site:bob', 3))).toEqual({ balance: 0, pending: 0, debtBalance: 0, earned: 0 });
      // A heartbeat's read: an account never opened has no balance (null), not 0.
      expect(await store.read((tx) => tx.ledger.balanceAndPending('r:site:ann'))).toEqual({ balance: 7, pending: 5 });
      expect(await store.read((tx) => tx.ledger.balanceAndPending('r:site:nobody'))).toEqual({ balance: null, pending: 0 });
    });

    it('[DUR-17] a charge moves only when covered, in one statement where a store has it; a wallet read with a pending reward says what a fresh read says', async () => {
      const store = await openLedger();
      const tribute = (from: string, amount: number) => move(from, 't:site', amount, { category: 'commentTributes' });
      const spent = await store.write(async (tx) => {
        const spend = tx.ledger.transferIfCovered;
        if (!spend) return null;
        const charge = (t: NewTransfer) => spend.call(tx.ledger, t);
        // Ann has 5: 3 is covered, 3 more is not, and an account never opened is never charged; a
        // refusal undoes nothing else of the transaction (the transfer before it stands).
        return [await charge(tribute('r:site:ann', 3)), await charge(tribute('r:site:ann', 3)), await charge(tribute('r:site:nobody', 1))];
      });
      if (spent) {
        expect(spent[0]).toMatchObject({ id: expect.any(Number), from: 'r:site:ann', amount: 3 });
        expect(spent.slice(1)).toEqual([null, null]);
      } else await store.write((tx) => tx.ledger.transfer(tribute('r:site:ann', 3)));
      const transfers = await store.read((tx) => tx.ledger.allTransfers());
      expect(transfers.map((t) => t.amount)).toEqual([5, 3]);
      expect(await store.read((tx) => tx.ledger.balance('r:site:ann'))).toBe(2);

      const day = 3;
      const reward = (comment: string, amount: number) => ({ site: 'site', account: 'r:site:ann', category: 'commentRewards' as const, thread: 't', comment, ref: `comment:t:${comment}`, amount, createdAt: AT, dueAt: AT + 10 });
      const wallet = (tx: { ledger: { walletFigures(a: string, d: string, day: number): Promise<unknown> } }) => tx.ledger.walletFigures('r:site:ann', 'd:site:ann', day);
      const read = await store.write(async (tx) => {
        const queue = async (r: ReturnType<typeof reward>) => void (await (tx.ledger.queuePending ? tx.ledger.queuePending(r) : tx.ledger.addPending(r)));
        tx.ledger.wantWallet?.('r:site:ann', 'd:site:ann', day);
        await queue(reward('c1', 3));
        const first = await wallet(tx);
        const again = await wallet(tx);
        // Written after the pending reward: a wallet read then sees the writes.
        await queue(reward('c2', 4));
        await tx.ledger.addEarned('r:site:ann', day, 2, 50);
        await tx.ledger.openAccount('d:site:ann', 'treasury', AT);
        await tx.ledger.transfer(move('d:site:ann', 'r:site:ann', 1, { category: 'debt' }));
        const second = await wallet(tx);
        await queue(reward('c3', 5));
        return [first, again, second, await wallet(tx)];
      });
      expect(read).toEqual([
        { balance: 2, pending: 3, debtBalance: 0, earned: 0 },
        { balance: 2, pending: 3, debtBalance: 0, earned: 0 },
        { balance: 3, pending: 7, debtBalance: -1, earned: 2 },
        { balance: 3, pending: 12, debtBalance: -1, earned: 2 },
      ]);
      expect(await store.read((tx) => wallet(tx))).toEqual(read[3]);
      expect(await store.read((tx) => tx.ledger.pendingTotal('r:site:ann'))).toBe(12);
    });

    it('[REACT-1][REACT-2] a reaction reward is recorded once ever; pair counts add up per period', async () => {
      const store = await openLedger();
      const once = await Promise.all([1, 2].map(() => store.write((tx) => tx.ledger.recordReactionReward('site', 'bob', 'c:t:c1', 'like', AT))));
      expect(once.filter(Boolean)).toHaveLength(1);
      expect(await store.write((tx) => tx.ledger.recordReactionReward('site', 'bob', 'c:t:c1', 'dislike', AT))).toBe(true);
      expect(await store.read((tx) => tx.ledger.reactionRewarded('site', 'bob', 'c:t:c1', 'like'))).toBe(true);
      expect(await store.read((tx) => tx.ledger.reactionRewarded('other', 'bob', 'c:t:c1', 'like'))).toBe(false);
      expect(await store.write((tx) => tx.ledger.bumpPair('site', 'bob', 'ann', 7))).toBe(1);
      expect(await store.write((tx) => tx.ledger.bumpPair('site', 'bob', 'ann', 7))).toBe(2);
      expect(await store.write((tx) => tx.ledger.bumpPair('site', 'bob', 'ann', 8))).toBe(1);
      expect(await store.read((tx) => tx.ledger.pairCount('site', 'ann', 'bob', 7))).toBe(0);
    });

    it('[BEAT-19] many readers’ clocks and sessions are read and saved at once, as one by one would', async () => {
      const store = await openLedger();
      await store.write(async (tx) => {
        await tx.ledger.saveReadClock('r:site:ann', AT);
        await tx.ledger.saveReadSession('r:site:ann', 't1', { readMs: 1000, credited: 0 });
      });
      await store.write((tx) =>
        tx.ledger.saveReading(
          [
            { account: 'r:site:ann', lastBeatAt: AT + 5 },
            { account: 'r:site:bob', lastBeatAt: AT + 7 },
            { account: 'r:site:bob', lastBeatAt: AT + 9 },
          ],
          [
            { account: 'r:site:ann', thread: 't1', session: { readMs: 6000, credited: 1 } },
            { account: 'r:site:ann', thread: 't2', session: { readMs: 2000, credited: 0 } },
            { account: 'r:site:bob', thread: 't1', session: { readMs: 3000, credited: 0 } },
            { account: 'r:site:bob', thread: 't1', session: { readMs: 4000, credited: 2 } },
          ],
        ),
      );
      const keys = [
        { account: 'r:site:ann', thread: 't1' },
        { account: 'r:site:ann', thread: 't2' },
        { account: 'r:site:bob', thread: 't1' },
        { account: 'r:site:bob', thread: 't9' },
      ];
      const state = await store.read((tx) => tx.ledger.readingOf(['r:site:ann', 'r:site:bob', 'r:site:nobody'], keys));
      // The last value given for a key wins, as with one save after another.
      expect(Object.fromEntries(state.clocks)).toEqual({ 'r:site:ann': AT + 5, 'r:site:bob': AT + 9 });
      expect(Object.fromEntries([...state.sessions].map(([account, of]) => [account, Object.fromEntries(of)]))).toEqual({
        'r:site:ann': { t1: { readMs: 6000, credited: 1 }, t2: { readMs: 2000, credited: 0 } },
        'r:site:bob': { t1: { readMs: 4000, credited: 2 } },
      });
      for (const { account, thread } of keys) {
        const one = await store.read((tx) => tx.ledger.readSession(account, thread));
        expect(one).toEqual(state.sessions.get(account)?.get(thread) ?? null);
      }
      expect(await store.read((tx) => tx.ledger.readClock('r:site:bob'))).toBe(AT + 9);
      expect(await store.read((tx) => tx.ledger.readingOf([], []))).toEqual({ clocks: new Map(), sessions: new Map() });
      await store.write((tx) => tx.ledger.saveReading([], []));
    });

    it('[CAP-1][CAP-2] daily counters add up and keep the limit last in force', async () => {
      const store = await openLedger();
      await store.write(async (tx) => {
        await tx.ledger.addEarned('r:site:ann', 3, 5, 60);
        await tx.ledger.addEarned('r:site:ann', 3, 7, 50);
        await tx.ledger.addMinted('site', 3, 1, 12, 1250);
      });
      expect(await store.read((tx) => tx.ledger.earnedOn('r:site:ann', 3))).toEqual({ amount: 12, limit: 50 });
      expect(await store.read((tx) => tx.ledger.earnedOn('r:site:ann', 4))).toBeNull();
      expect(await store.read((tx) => tx.ledger.mintedOn('site', 3, 1))).toEqual({ amount: 12, limit: 1250 });
      expect(await store.read((tx) => tx.ledger.allDailyEarnings())).toEqual([{ account: 'r:site:ann', day: 3, earned: 12, cap: 50 }]);
      expect(await store.read((tx) => tx.ledger.allDailyMint())).toEqual([{ site: 'site', day: 3, shard: 1, minted: 12, budget: 1250 }]);
      expect(await store.read((tx) => tx.ledger.accountCreatedAt('r:site:ann'))).toBe(AT);
      expect(await store.read((tx) => tx.ledger.accountCreatedAt('r:site:nobody'))).toBeNull();
    });
  });
}
