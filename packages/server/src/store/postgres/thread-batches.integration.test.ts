/**
 * [HOT-4] Group commit of one thread's writers on PostgreSQL: what shares a transaction, what a
 * failing write takes with it (nothing), and what runs again — on the real PostgreSQL with two
 * stores as nodes, observed in the stores' counters, `pg_locks` and the stored rows, never by timing.
 */
import { describe, expect, it } from 'vitest';
import { rendezvous } from '../race.js';
import type { WriteTx } from '../types.js';
import { writeScope } from '../write-scope.js';
import type { PostgresStore } from './postgres-store.js';
import { event, nodesOn, until, waitingTurns as waitingTurnsOn } from './pg-test-nodes.js';
import { testDatabase } from './test-database.js';

const { url } = testDatabase('parley_batch');
const nodes = (count: number) => nodesOn(url, count);
const waitingTurns = () => waitingTurnsOn(url);

/** A write in thread `t`'s turn, as the dispatcher runs a command (CLUSTER-12). */
const inTurn = <T>(store: PostgresStore, work: (tx: WriteTx) => Promise<T>): Promise<T> =>
  writeScope.run({ turnKey: 't' }, () => store.write(work));

/** A gate: `hold()` inside a write waits until `release()`; `held` once it waits. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  const state = { held: false, release, hold: async () => ((state.held = true), await opened) };
  return state;
}

const post = (tx: WriteTx) => tx.nextSeq('t').then(async (seq) => (await tx.appendEvent('t', event(seq)), seq));

const storedSeqs = async (store: PostgresStore) => (await store.read((tx) => tx.listEvents('t', 0, 1000))).map((e) => e.seq);

describe('[HOT-4] a thread turn a batch', () => {
  it('[HOT-4] writes of one thread waiting on a node share one transaction and one turn; the other node waits inside PostgreSQL, then runs its own batch', async () => {
    const { stores } = await nodes(2);
    const [a, b] = stores as [PostgresStore, PostgresStore];
    const first = gate();
    const before = { a: { ...a.stats }, b: { ...b.stats } };
    const holder = inTurn(a, async (tx) => {
      const seq = await post(tx);
      await first.hold();
      return seq;
    });
    await until(async () => first.held, 'the first write holds the turn');
    const onA = [inTurn(a, post), inTurn(a, post), inTurn(a, post)];
    const onB = [inTurn(b, post), inTurn(b, post)];
    await until(async () => (await waitingTurns()) === 1, "node b's batch waits in PostgreSQL");
    first.release();
    const seqs = await Promise.all([holder, ...onA, ...onB]);
    // a's four in its first batch (seqs 1–4, in the order they came), then b's two.
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await storedSeqs(a)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.stats.batches - before.a.batches).toBe(1);
    expect(a.stats.batchedWrites - before.a.batchedWrites).toBe(4);
    expect(a.stats.turns - before.a.turns).toBe(1);
    expect(b.stats.batches - before.b.batches).toBe(1);
    expect([a.stats.retries - before.a.retries, b.stats.retries - before.b.retries]).toEqual([0, 0]);
    expect(await waitingTurns()).toBe(0);
  });

  it('[HOT-4] [HOT-5] a write that throws, or whose result-less statement fails, is refused alone: the others of its batch commit, seqs stay gapless, the refused ones leave nothing', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const first = gate();
    const runs = { thrower: 0, duplicate: 0 };
    const holder = inTurn(store, async (tx) => {
      const seq = await post(tx);
      await first.hold();
      return seq;
    });
    await until(async () => first.held, 'the first write holds the turn');
    const thrower = inTurn(store, async (tx) => {
      runs.thrower += 1;
      await post(tx);
      throw new Error('refused by the command');
    });
    // Its duplicate event fails with the next write's first statement (HOT-1): whose it was is found
    // by running the batch again with a round trip per savepoint.
    const duplicate = inTurn(store, async (tx) => {
      runs.duplicate += 1;
      await tx.nextSeq('t');
      await tx.appendEvent('t', event(1));
    });
    const last = inTurn(store, post);
    first.release();
    const settled = await Promise.allSettled([holder, thrower, duplicate, last]);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(settled[1]).toMatchObject({ status: 'rejected', reason: { message: 'refused by the command' } });
    expect(settled[2]).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
    expect(settled[3]).toEqual({ status: 'fulfilled', value: 2 });
    expect(await storedSeqs(store)).toEqual([1, 2]);
    expect((await store.read((tx) => tx.getThread('t')))?.seq).toBe(2);
    expect(store.stats.carefulReruns).toBe(1);
    // Run again only in the batch's unanswered first run; refused once, never run after.
    expect(runs).toEqual({ thrower: 2, duplicate: 2 });
    // The thread's next batch is careful too (until one runs clean), and commits.
    await expect(inTurn(store, post)).resolves.toBe(3);
  });

  it('[HOT-4] the batch\'s first write runs without a savepoint: when it throws, it is refused and the writes that joined it commit in a new transaction', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const first = gate();
    let runs = 0;
    const holder = inTurn(store, async (tx) => {
      runs += 1;
      await post(tx);
      await first.hold();
      throw new Error('the first is refused');
    });
    await until(async () => first.held, 'the first write holds the turn');
    const before = { ...store.stats };
    const rest = [inTurn(store, post), inTurn(store, post)];
    first.release();
    await expect(holder).rejects.toThrow('the first is refused');
    expect(await Promise.all(rest)).toEqual([1, 2]);
    expect(runs).toBe(1);
    expect(await storedSeqs(store)).toEqual([1, 2]);
    // The rest ran in the same batch (no new one, no re-run, no careful run).
    expect([store.stats.batches - before.batches, store.stats.retries - before.retries, store.stats.carefulReruns]).toEqual([0, 0, 0]);
    expect(store.stats.turns).toBe(store.stats.batches);
  });

  it('[HOT-5] one request twice in one batch: one record, one event, both answered the first run\'s result', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const first = gate();
    const once = (hold: boolean) =>
      inTurn(store, async (tx) => {
        const previous = await tx.getRequest('ann', 'same');
        if (previous) return previous.result as number;
        const seq = await post(tx);
        if (hold) await first.hold();
        await tx.saveRequest('ann', 'same', { fingerprint: 'f', result: seq, createdAt: 1 });
        return seq;
      });
    const x = once(true);
    await until(async () => first.held, 'the first run holds the turn');
    const y = once(false);
    first.release();
    expect(await Promise.all([x, y])).toEqual([1, 1]);
    expect(await storedSeqs(store)).toEqual([1]);
  });

  it('[HOT-7] a request record is looked for when its write is queued, not in the turn: one committed on another node while the write waits is met, and the write answers that run\'s result — one record, nothing of its own kept', async () => {
    const { stores } = await nodes(2);
    const [a, b] = stores as [PostgresStore, PostgresStore];
    const first = gate();
    const holder = inTurn(a, async (tx) => {
      const seq = await post(tx);
      await first.hold();
      return seq;
    });
    await until(async () => first.held, 'the first write holds the turn');
    const before = { ...a.stats };
    let runs = 0;
    // As runMutation does: the write scope names the record the write will look for.
    const waiting = writeScope.run({ turnKey: 't', request: { owner: 'ann', requestId: 'r' } }, () =>
      a.write(async (tx) => {
        runs += 1;
        const previous = await tx.getRequest('ann', 'r');
        if (previous) return previous.result;
        const seq = await post(tx);
        await tx.saveRequest('ann', 'r', { fingerprint: 'f', result: seq, createdAt: 1 });
        return seq;
      }),
    );
    await until(async () => a.stats.earlyLooks - before.earlyLooks === 1, 'the waiting write has looked for its record (none yet)');
    // The same request, run meanwhile on node b, commits first.
    await b.write((tx) => tx.saveRequest('ann', 'r', { fingerprint: 'f', result: 'from b', createdAt: 1 }));
    first.release();
    expect(await Promise.all([holder, waiting])).toEqual([1, 'from b']);
    // Its first run took the early answer (no look in the turn) and met b's record; the run after looked again.
    expect(runs).toBe(2);
    expect(a.stats.lateLooks - before.lateLooks).toBe(1);
    expect(await storedSeqs(a)).toEqual([1]);
    expect(await a.read((tx) => tx.getRequest('ann', 'r'))).toMatchObject({ result: 'from b' });
  });

  it('[HOT-5] a savepoint costs no round trip: four writes in a batch take the round trips of four alone, less a COMMIT each', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const write = (tx: WriteTx) => post(tx).then(async (seq) => (await tx.setVote('t', `v${seq}`, 'plus'), tx.getVote('t', `v${seq}`)));
    const before = store.stats.roundTrips;
    await inTurn(store, write);
    const alone = store.stats.roundTrips - before;
    // BEGIN with nextSeq, the event and the vote with getVote, COMMIT with the unlock.
    expect(alone).toBe(3);
    const first = gate();
    const holder = inTurn(store, async (tx) => {
      await first.hold();
      return write(tx);
    });
    await until(async () => first.held, 'the first write holds the turn');
    const mid = store.stats.roundTrips;
    const rest = [inTurn(store, write), inTurn(store, write), inTurn(store, write)];
    first.release();
    await Promise.all([holder, ...rest]);
    expect(store.stats.roundTrips - mid).toBe(4 * (alone - 1) + 1);
    expect(await storedSeqs(store)).toEqual([1, 2, 3, 4, 5]);
  });

  it('[HOT-4] a serialization failure in a batch re-runs the whole batch, each write once more, none answered twice', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    await store.write((tx) => tx.ensureThread('u', null, null, 1));
    const meet = rendezvous(2, 2000);
    let outsideDone!: () => void;
    const outsideCommitted = new Promise<void>((resolve) => (outsideDone = resolve));
    const runs = { holder: 0, joined: 0 };
    const retriesBefore = store.stats.retries;
    const first = gate();
    const holder = inTurn(store, async (tx) => {
      runs.holder += 1;
      const seq = await post(tx);
      await first.hold();
      return seq;
    });
    await until(async () => first.held, 'the first write holds the turn');
    // Joined to the batch: reads thread u, meets a write outside the turn that changes it, then
    // changes it too — first updater wins, and the batch, the holder with it, runs again.
    const joined = inTurn(store, async (tx) => {
      runs.joined += 1;
      const seq = await post(tx);
      await tx.getThread('u');
      await meet();
      await outsideCommitted;
      await tx.nextSeq('u');
      return seq;
    });
    const outside = store.write(async (tx) => {
      await tx.getThread('u');
      await meet();
      return tx.nextSeq('u');
    });
    first.release();
    await outside.then(() => outsideDone());
    expect(await Promise.all([holder, joined])).toEqual([1, 2]);
    expect(runs).toEqual({ holder: 2, joined: 2 });
    expect(store.stats.retries - retriesBefore).toBe(2);
    expect(await storedSeqs(store)).toEqual([1, 2]);
    expect((await store.read((tx) => tx.getThread('u')))?.seq).toBe(2);
  });

  it('[HOT-4] [CLUSTER-6] two nodes, many writers on one thread, some refused: every acknowledged write has its own seq, gapless, each stored once; no deadlock, no re-run', async () => {
    const { stores } = await nodes(2);
    const writes: Promise<number>[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 12; i++) {
        const store = stores[i % 2]!;
        const refuse = i % 5 === 4;
        writes.push(
          inTurn(store, async (tx) => {
            const seq = await post(tx);
            if (refuse) throw new Error('refused');
            return seq;
          }),
        );
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const settled = await Promise.allSettled(writes);
    const acked = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const refused = settled.filter((s) => s.status === 'rejected');
    expect(refused).toHaveLength(10);
    expect(refused.every((s) => s.status === 'rejected' && (s.reason as Error).message === 'refused')).toBe(true);
    expect([...acked].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await storedSeqs(stores[0]!)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(stores.map((s) => [s.stats.retries, s.stats.deadlocks])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    // Batched: fewer transactions than writes.
    expect(stores.reduce((n, s) => n + s.stats.batches, 0)).toBeLessThan(60);
  });
});
