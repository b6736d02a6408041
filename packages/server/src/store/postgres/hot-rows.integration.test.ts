/**
 * A thread's serial section on PostgreSQL (issue 11 item 3, SPEC HOT-1, HOT-2): what a write sends
 * in each round trip, and what waits while a writer holds its thread's turn — observed in
 * `pg_locks` and in the store's round-trip count, never by timing.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { rendezvous } from '../race.js';
import type { WriteTx } from '../types.js';
import { writeScope } from '../write-scope.js';
import type { PostgresStore } from './postgres-store.js';
import { inlineStatement } from './pg-statements.js';
import { event, nodesOn, raw as rawOn, until, waitingTurns as waitingTurnsOn } from './pg-test-nodes.js';
import { testDatabase } from './test-database.js';

const { url: runUrl } = testDatabase('parley_hot');
const nodes = (count: number, options: { foldRoundTrips?: boolean; groupTurns?: boolean } = {}) => nodesOn(runUrl, count, options);
const raw = <T>(work: (client: pg.Client) => Promise<T>) => rawOn(runUrl, work);
const waitingTurns = () => waitingTurnsOn(runUrl);

describe('a thread turn on PostgreSQL', () => {
  it('[HOT-1] result-less writes travel with the next statement: a read after them sees them, in one round trip with them', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const before = store.stats.roundTrips;
    const vote = await store.write(async (tx) => {
      const seq = await tx.nextSeq('t');
      await tx.appendEvent('t', event(seq));
      await tx.setVote('t', 'ann', 'plus');
      await tx.saveRequest('ann', 'r1', { fingerprint: 'f', result: { ok: 1 }, createdAt: 1 });
      return tx.getVote('t', 'ann');
    });
    expect(vote).toBe('plus');
    // BEGIN with nextSeq; the three writes with getVote; COMMIT.
    expect(store.stats.roundTrips - before).toBe(3);
    const stored = await store.read(async (tx) => ({ events: await tx.listEvents('t', 0, 10), request: await tx.getRequest('ann', 'r1') }));
    expect(stored.events.map((e) => e.seq)).toEqual([1]);
    expect(stored.request?.result).toEqual({ ok: 1 });

    // The same transaction unfolded: every statement its own round trip.
    const { stores: unfolded } = await nodes(1, { foldRoundTrips: false });
    const start = unfolded[0]!.stats.roundTrips;
    await unfolded[0]!.write(async (tx) => {
      const seq = await tx.nextSeq('t');
      await tx.appendEvent('t', event(seq));
      await tx.setVote('t', 'ann', 'plus');
      await tx.saveRequest('ann', 'r1', { fingerprint: 'f', result: { ok: 1 }, createdAt: 1 });
      return tx.getVote('t', 'ann');
    });
    expect(unfolded[0]!.stats.roundTrips - start).toBe(7);
  });

  it('[HOT-1] a gate check reads the thread and its settings in one round trip; an account opened once is not opened again', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    await store.write((tx) => tx.recordThreadSettings('t', 'default', { comment: 5 }, 1));
    const before = store.stats.roundTrips;
    const seen = await store.write(async (tx) => {
      const thread = await tx.getThread('t');
      const settings = await tx.getThreadSettings('t');
      const opened = [await tx.ledger.openAccount('r:x', 'reader', 1), await tx.ledger.openAccount('r:x', 'reader', 1)];
      return { thread: thread?.id, gates: settings?.gates, opened };
    });
    expect(seen).toEqual({ thread: 't', gates: { comment: 5 }, opened: [true, false] });
    // BEGIN with the thread and its settings; one INSERT for the account; COMMIT.
    expect(store.stats.roundTrips - before).toBe(3);
    // Settings written in the transaction are read back as written, not from the read-ahead.
    const changed = await store.write(async (tx) => {
      await tx.getThread('t');
      await tx.setThreadGates('t', 'default', { comment: 9 }, 2);
      return (await tx.getThreadSettings('t'))?.gates;
    });
    expect(changed).toEqual({ comment: 9 });
  });

  it('[HOT-8] in a thread\'s turn the thread, its settings and its pre-moderation policies travel with the first statement: the gate check and the policy read cost no round trip; after the first write they are read again and see it', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    await store.write(async (tx) => {
      await tx.recordThreadSettings('t', 'default', { comment: 5 }, 1);
      await tx.mod.setPolicy('', '', { all: true }, 1);
      await tx.mod.setPolicy('', 't', { belowLevel: 3 }, 1);
    });
    const read = async (tx: WriteTx) => [await tx.getThread('t'), await tx.getThreadSettings('t'), await tx.mod.getPolicies('', '', 't')] as const;
    const before = store.stats.roundTrips;
    const seen = await writeScope.run({ turnKey: 't' }, () =>
      store.write(async (tx) => {
        const vote = await tx.getVote('t', 'ann');
        const [thread, settings, policies] = await read(tx);
        const seq = await tx.nextSeq('t');
        const [after] = await read(tx);
        return { vote, seq: thread?.seq, gates: settings?.gates, policies, taken: seq, after: after?.seq };
      }),
    );
    expect(seen).toEqual({ vote: null, seq: 0, gates: { comment: 5 }, policies: { site: { all: true }, thread: { belowLevel: 3 } }, taken: 1, after: 1 });
    // The turn, BEGIN, the read-ahead and the vote; nextSeq; the reads after it (one each: thread with settings, policies); COMMIT with the unlock.
    expect(store.stats.roundTrips - before).toBe(5);
    // Without a turn nothing is read ahead: each read is its own round trip.
    const start = store.stats.roundTrips;
    await store.write(async (tx) => (await tx.getVote('t', 'ann'), await read(tx)));
    expect(store.stats.roundTrips - start).toBe(4);
  });

  it('[HOT-6] a wallet update reads the balance, the pending total, the debt and the day\'s earnings in one round trip', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const before = store.stats.roundTrips;
    const figures = await store.write((tx) => tx.ledger.walletFigures('r:x', 'd:x', 1));
    expect(figures).toEqual({ balance: 0, pending: 0, debtBalance: 0, earned: 0 });
    // BEGIN with the figures; COMMIT.
    expect(store.stats.roundTrips - before).toBe(2);
  });

  it('[HOT-1] a result-less write that fails fails its transaction whole, at the round trip it travels with', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const write = store.write(async (tx) => {
      const seq = await tx.nextSeq('t');
      await tx.appendEvent('t', event(seq));
      await tx.saveRequest('ann', 'dup', { fingerprint: 'f', result: null, createdAt: 1 });
      await tx.saveRequest('ann', 'dup', { fingerprint: 'f', result: null, createdAt: 1 });
    });
    await expect(write).rejects.toMatchObject({ code: '23505' });
    const after = await store.read(async (tx) => ({ thread: await tx.getThread('t'), events: await tx.listEvents('t', 0, 10), request: await tx.getRequest('ann', 'dup') }));
    expect(after).toEqual({ thread: expect.objectContaining({ seq: 0 }), events: [], request: null });
  });

  it('[HOT-1] values written into a statement come back byte for byte: quotes, backslashes, placeholders, any script', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const nasty = [`'); DROP TABLE events; --`, 'back\\slash \\x41 E\'\\n\'', 'dollar $1 $$ $2$ ', 'naïve 💬 عربى', '', "''"];
    await store.write(async (tx) => {
      for (const [i, text] of nasty.entries()) {
        const seq = await tx.nextSeq('t');
        await tx.appendEvent('t', event(seq, text));
        await tx.saveRequest('ann', `n${i}`, { fingerprint: text, result: { text }, createdAt: 1 });
      }
    });
    const back = await store.read(async (tx) => {
      const requests = [];
      for (const i of nasty.keys()) requests.push(await tx.getRequest('ann', `n${i}`));
      return { events: await tx.listEvents('t', 0, 10), requests };
    });
    expect(back.events.map((e) => (e as unknown as { commentId: string }).commentId)).toEqual(nasty);
    expect(back.requests.map((r) => [r?.fingerprint, r?.result])).toEqual(nasty.map((text) => [text, { text }]));
    // A NUL cannot be written into a statement: it goes as a parameter, refused cleanly, and the store goes on.
    const nul = store.write(async (tx) => {
      const seq = await tx.nextSeq('t');
      await tx.appendEvent('t', event(seq));
      await tx.saveRequest('ann', 'nul', { fingerprint: 'a\u0000b', result: null, createdAt: 1 });
    });
    await expect(nul).rejects.toMatchObject({ code: '22021' });
    expect(await store.read((tx) => tx.getRequest('ann', 'nul'))).toBeNull();
    expect(() => inlineStatement('SELECT $1', ['a\u0000b'])).toThrow(/not an inlineable value/);
    // A placeholder inside a quoted string of the statement is text, not a parameter.
    expect(inlineStatement("SELECT '$1 it''s', $1, $2", ["o'k", null])).toBe(`SELECT '$1 it''s', 'o''k', NULL`);
  });

  it('[HOT-2] the turn costs no round trip of its own: its lock travels with BEGIN, its unlock with COMMIT', async () => {
    const { stores } = await nodes(1);
    const store = stores[0]!;
    const once = async (): Promise<number> => {
      const before = store.stats.roundTrips;
      await store.write(async (tx) => {
        const seq = await tx.nextSeq('t');
        await tx.appendEvent('t', event(seq));
      });
      return store.stats.roundTrips - before;
    };
    const alone = await once();
    const turnsBefore = store.stats.turns;
    const inTurn = await writeScope.run({ turnKey: 't' }, once);
    expect(store.stats.turns - turnsBefore).toBe(1);
    expect(inTurn).toBe(alone);
    expect(await waitingTurns()).toBe(0);
    // Unfolded, the lock and the unlock are two round trips more.
    const { stores: unfolded } = await nodes(1, { foldRoundTrips: false });
    const counted = async (scoped: boolean): Promise<number> => {
      const before = unfolded[0]!.stats.roundTrips;
      const run = () =>
        unfolded[0]!.write(async (tx) => {
          const seq = await tx.nextSeq('t');
          await tx.appendEvent('t', event(seq));
        });
      await (scoped ? writeScope.run({ turnKey: 't' }, run) : run());
      return unfolded[0]!.stats.roundTrips - before;
    };
    expect((await counted(true)) - (await counted(false))).toBe(2);
  });

  it('[HOT-2] while a writer holds its thread turn, the next writer on its node and one on another node already wait inside PostgreSQL; its commit hands the turn on, none re-runs', async () => {
    // A turn a command (HOT-4's batches off): the node's next writer waits in PostgreSQL, not in the batch.
    const { stores } = await nodes(2, { groupTurns: false });
    const [a, b] = stores as [PostgresStore, PostgresStore];
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const write = (store: PostgresStore, hold: boolean) =>
      writeScope.run({ turnKey: 't' }, () =>
        store.write(async (tx) => {
          const seq = await tx.nextSeq('t');
          if (hold) {
            held = true;
            await holding;
          }
          await tx.appendEvent('t', event(seq));
          return seq;
        }),
      );
    const first = write(a, true);
    await until(async () => held, 'the first writer holds the turn');
    // Two more on node a, one on node b.
    const others = [write(a, false), write(a, false), write(b, false)];
    await until(async () => (await waitingTurns()) === 2, 'two writers wait in PostgreSQL');
    // Node a's third writer stays in its process: one waiting connection per node and thread.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await waitingTurns()).toBe(2);
    release();
    const seqs = await Promise.all([first, ...others]);
    expect(seqs[0]).toBe(1);
    expect([...seqs].sort()).toEqual([1, 2, 3, 4]);
    expect(stores.map((s) => s.stats.retries)).toEqual([0, 0]);
    const events = await a.read((tx) => tx.listEvents('t', 0, 10));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(await waitingTurns()).toBe(0);
  });

  it('[HOT-3] a write looks for its request record outside its transaction: no predicate lock on the records (unfolded, there is one)', async () => {
    for (const foldRoundTrips of [true, false]) {
      const { stores, schema } = await nodes(1, { foldRoundTrips });
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (release = resolve));
      let looked = false;
      const write = stores[0]!.write(async (tx) => {
        await tx.getThread('t');
        expect(await tx.getRequest('ann', 'r1')).toBeNull();
        looked = true;
        await holding;
        await tx.saveRequest('ann', 'r1', { fingerprint: 'f', result: 1, createdAt: 1 });
      });
      await until(async () => looked, 'the write looked for its record');
      const locks = await raw(async (client) => {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE mode = 'SIReadLock' AND relation IN ('${schema}.requests'::regclass, '${schema}.requests_pkey'::regclass)`,
        );
        return rows[0]!.n;
      });
      release();
      await write;
      if (foldRoundTrips) expect(locks).toBe(0);
      else expect(locks).toBeGreaterThan(0);
    }
  });

  it('[HOT-3] two runs of one request at once on two nodes, both having looked: one record and one event, the second answers the first result', async () => {
    const { stores } = await nodes(2);
    for (let round = 0; round < 3; round++) {
      const meet = rendezvous(2, 2000);
      const requestId = `same-${round}`;
      // As runMutation does: look, do the work, save the record (here without the turn: the race is the point).
      const once = (store: PostgresStore) =>
        store.write(async (tx: WriteTx) => {
          const previous = await tx.getRequest('ann', requestId);
          if (previous) return previous.result as number;
          await meet();
          const seq = await tx.nextSeq('t');
          await tx.appendEvent('t', event(seq));
          await tx.saveRequest('ann', requestId, { fingerprint: 'f', result: seq, createdAt: 1 });
          return seq;
        });
      const [x, y] = await Promise.all(stores.map(once));
      expect(x).toBe(y);
    }
    const events = await stores[0]!.read((tx) => tx.listEvents('t', 0, 10));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(stores.reduce((n, s) => n + s.stats.retries, 0)).toBeGreaterThanOrEqual(3);
  });
});
