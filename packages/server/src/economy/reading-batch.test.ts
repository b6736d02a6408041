/**
 * The reading tick's batch (SPEC BEAT-19, BEAT-20) on both real stores: a SQLite file and the real
 * PostgreSQL (a database of this file's own). Counted, never timed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createCommandContext, type CommandContext } from '../commands/context.js';
import { applyThreadSpec } from '../commands/threads.js';
import type { Identity } from '../domain/identity.js';
import { testDatabase } from '../store/postgres/test-database.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { readerAccount } from './accounts.js';
import { balancesFromTransfers } from './audit.js';
import { publishThread } from './publish-thread.js';
import { readHeartbeat } from './read-heartbeat.js';
import { ReadingClocks } from './reading-clocks.js';
import { defaultEconomyRules, EconomyDirectory } from './rules.js';

const { url: pgUrl } = testDatabase('parley_reading');
let schemas = 0;

interface Opened {
  store: Store;
  /** Write calls the store was given (SQLite: calls its group commit carried; PostgreSQL: transactions). */
  writeCalls: () => number;
}

const stores: [string, () => Promise<Opened>][] = [
  [
    'sqlite file',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'reading-batch-'));
      const store = SqliteStore.open({ path: join(dir, 'parley.db') });
      onTestFinished(async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      });
      return { store, writeCalls: () => store.writeStats.writes };
    },
  ],
  [
    'postgres',
    async () => {
      const store = await PostgresStore.open({ url: pgUrl, schema: `rb${++schemas}`, poolSize: 4 });
      onTestFinished(() => store.close());
      return { store, writeCalls: () => store.stats.transactions };
    },
  ],
];

const reader = (n: number): Identity => ({ id: `u${n}`, name: `U${n}`, avatar: null, level: 5, role: 'reader' });
const staff: Identity = { id: 'staff', name: 'Staff', avatar: null, level: 13, role: 'admin' };
const SITE = 'default';
const KEY = `${SITE}:t`;
/** The shipped rules (a beat per 10 s, a Twei per 20 s), a cap that never stops the credits here. */
const rules = { ...defaultEconomyRules, readCapPerPost: 1000 };

async function world(open: () => Promise<Opened>, worldRules = rules) {
  const opened = await open();
  let clock = 1_700_000_000_000;
  const economy = new EconomyDirectory(worldRules);
  const base = createCommandContext(opened.store, { now: () => clock, economy });
  const site = base.sites.only!;
  await opened.store.write((tx) => applyThreadSpec(base, tx, site, { id: 't' }, 'admin', clock));
  await publishThread(base, staff, { requestId: 'publish', thread: 't' });
  const node = (options: ConstructorParameters<typeof ReadingClocks>[0] = {}): { ctx: CommandContext; clocks: ReadingClocks } => {
    const clocks = new ReadingClocks(options);
    return { ctx: { ...base, reading: clocks }, clocks };
  };
  const durable = (n: number) => opened.store.read((tx) => tx.ledger.readSession(readerAccount(SITE, `u${n}`), KEY));
  const addsUp = async () => {
    const { transfers, balances } = await opened.store.read(async (tx) => ({ transfers: await tx.ledger.allTransfers(), balances: await tx.ledger.allBalances() }));
    const derived = balancesFromTransfers(transfers);
    for (const [account, balance] of balances) expect({ account, balance }).toEqual({ account, balance: derived.get(account) ?? 0 });
    expect([...balances.values()].reduce((sum, b) => sum + b, 0)).toBe(0);
  };
  return { ...opened, base, node, durable, addsUp, now: () => clock, advance: (ms: number) => void (clock += ms) };
}

for (const [name, open] of stores) {
  describe(`reading tick batches: ${name}`, () => {
    it('[BEAT-19][PERF-2] readers whose reading falls due together are written in ONE write, each credited what their own write would credit', async () => {
      const w = await world(open);
      const { ctx, clocks } = w.node({ spread: false });
      const readers = 20;
      const beatAll = () => Promise.all(Array.from({ length: readers }, (_, n) => readHeartbeat(ctx, reader(n), { thread: 't' }, undefined, true)));
      await beatAll(); // opens each account and starts each clock (READ-3)
      for (let s = 10; s <= 140; s += 10) {
        w.advance(10_000);
        await beatAll(); // the third beat writes each post's first Twei (PERF-1)
      }
      const calls = w.writeCalls();
      const writes = clocks.stats.writes;
      const told = await clocks.sweep(ctx);
      // Before BEAT-19: one store write a reader (20); now one for all of them.
      expect(w.writeCalls() - calls).toBe(1);
      expect(clocks.stats.writes - writes).toBe(readers);
      expect(told).toHaveLength(readers);
      for (let n = 0; n < readers; n++) {
        // 140 s read on the server's clock, never more (READ-1): the first Twei at 20 s, 6 more now.
        expect(await w.durable(n)).toEqual({ readMs: 140_000, credited: 7 });
        expect(told.find((wallet) => wallet.userId === `u${n}`)?.update.readEarned).toBe(7);
      }
      await w.addsUp();
    });

    it('[BEAT-21][PERF-1] a wave of beats due to write (new accounts, then first Twei) shares a few transactions, each answered what its own write gives', async () => {
      const w = await world(open);
      const { ctx, clocks } = w.node({ spread: false });
      const readers = 40;
      const beatAll = () => Promise.all(Array.from({ length: readers }, (_, n) => readHeartbeat(ctx, reader(n), { thread: 't' })));
      // Forty new readers at once: each beat opens an account (a write), as a push notification's wave.
      let calls = w.writeCalls();
      const opened = await beatAll();
      // Before BEAT-21: one write a beat (40). Beats that arrive while a group is written join the next.
      expect(w.writeCalls() - calls).toBeLessThanOrEqual(readers / 4);
      expect(clocks.beatWrites.stats.failed).toBe(0);
      for (const [n, ack] of opened.entries()) {
        expect(ack.result).toMatchObject({ credited: 0, readEarned: 0, readMs: 0, balance: rules.startingGrant });
        expect(await w.durable(n)).toBeNull(); // nothing read yet: no session written
      }
      w.advance(10_000);
      await beatAll();
      w.advance(10_000);
      calls = w.writeCalls();
      const items = clocks.beatWrites.stats.items;
      const paid = await beatAll(); // 20 s read: each post's first Twei, told by its beat once durable
      expect(clocks.beatWrites.stats.items - items).toBe(readers);
      expect(w.writeCalls() - calls).toBeLessThanOrEqual(readers / 4);
      for (const [n, ack] of paid.entries()) {
        const balance = await w.store.read((tx) => tx.ledger.balance(readerAccount(SITE, `u${n}`)));
        expect(ack.result).toEqual({ thread: 't', readMs: 20_000, readEarned: 1, credited: 1, balance });
        expect(balance).toBe(rules.startingGrant + 1);
        // Each beat carries its own reader's wallet update (BEAT-12), no one else's.
        expect(ack.wallets?.map((wallet) => [wallet.userId, wallet.update.balance])).toEqual([[`u${n}`, balance]]);
        expect(await w.durable(n)).toEqual({ readMs: 20_000, credited: 1 });
      }
      await w.addsUp();
    });

    it('[BEAT-22][CAP-2] a write paying many readers counts every credit against one mint shard: the budget holds, the shards add up to the mints', async () => {
      // 8 shards of 3 Twei: 24 a day. Forty readers each owed a first Twei, in groups of at most 32.
      const budgetRules = { ...rules, startingGrant: 0, dailyMintBudget: 24 };
      const w = await world(open, budgetRules);
      const { ctx, clocks } = w.node({ spread: false });
      const readers = 40;
      const beatAll = () => Promise.all(Array.from({ length: readers }, (_, n) => readHeartbeat(ctx, reader(n), { thread: 't' })));
      await beatAll();
      w.advance(10_000);
      await beatAll();
      w.advance(10_000);
      const groups = clocks.beatWrites.stats.groups;
      const paid = await beatAll();
      const wave = clocks.beatWrites.stats.groups - groups;
      const credited = paid.reduce((sum, ack) => sum + ack.result.credited, 0);
      const { transfers, shards } = await w.store.read(async (tx) => ({
        transfers: await tx.ledger.allTransfers(),
        shards: await Promise.all(Array.from({ length: budgetRules.mintShards }, (_, shard) => tx.ledger.mintedOn(SITE, Math.floor(w.now() / 86_400_000), shard))),
      }));
      const minted = transfers.filter((t) => t.category === 'read').reduce((sum, t) => sum + t.amount, 0);
      expect(minted).toBe(credited);
      // One shard per transaction: each group got at most its shard's 3, never more than the day's 24.
      expect(shards.reduce((sum, row) => sum + (row?.amount ?? 0), 0)).toBe(minted);
      for (const row of shards) expect(row?.amount ?? 0).toBeLessThanOrEqual(3);
      // Each of the wave's few transactions paid from its one shard (a shard a reader would pay up to 24).
      expect(wave).toBeLessThan(budgetRules.mintShards);
      expect(credited).toBeGreaterThan(0);
      expect(credited).toBeLessThanOrEqual(3 * wave);
      // A reader the shard's budget cut is told nothing was credited, and is tried again later (PERF-3).
      for (const ack of paid) expect(ack.result.balance).toBe(ack.result.credited);
      await w.addsUp();
    });

    it('[BEAT-19][PERF-2] two nodes holding spans of the same readers, one of them lost (a crash): never more credited than real time', async () => {
      const w = await world(open);
      const a = w.node();
      const b = w.node();
      const readers = 8;
      const started = w.now();
      // Each reader has a tab on each node; the tabs beat in turn, 5 s apart, so each node holds spans of every reader.
      for (let s = 0; s <= 300; s += 5) {
        const on = (s / 5) % 2 === 0 ? a : b;
        await Promise.all(Array.from({ length: readers }, (_, n) => readHeartbeat(on.ctx, reader(n), { thread: 't' }, undefined, true)));
        if (s === 200) {
          // Node b crashes: what it held is gone, never written. Node a writes what it holds as usual.
          b.clocks = new ReadingClocks();
          b.ctx = { ...b.ctx, reading: b.clocks };
        }
        await Promise.all([a.clocks.sweep(a.ctx), b.clocks.sweep(b.ctx)]);
        w.advance(5000);
      }
      await Promise.all([a.clocks.sweep(a.ctx, true), b.clocks.sweep(b.ctx, true)]);
      const elapsed = w.now() - started;
      for (let n = 0; n < readers; n++) {
        const session = await w.durable(n);
        expect(session!.readMs).toBeLessThanOrEqual(elapsed);
        expect(session!.readMs).toBeGreaterThan(0);
        expect(session!.credited).toBeLessThanOrEqual(Math.floor(session!.readMs / rules.readMsPerTwei));
      }
      await w.addsUp();
    });

    it('[BEAT-19] a tick that writes takes along what falls due within ten seconds: readers at ten phases, one write a cycle, not ten', async () => {
      const w = await world(open);
      const { ctx, clocks } = w.node({ spread: false });
      const readers = 10;
      // Reader n beats at second n of every ten (a phase of its own).
      const second = async (s: number) => {
        const beats = [];
        for (let n = 0; n < readers; n++) if (s % 10 === n) beats.push(readHeartbeat(ctx, reader(n), { thread: 't' }, undefined, true));
        await Promise.all(beats);
        await clocks.sweep(ctx);
      };
      let s = 0;
      for (; s < 100; s++, w.advance(1000)) await second(s); // the clocks started, each first Twei written by its beat
      const calls = w.writeCalls();
      const batches = clocks.stats.batches;
      const writes = clocks.stats.writes;
      const waited: number[] = [];
      for (const end = s + 240; s < end; s++, w.advance(1000)) {
        await second(s);
        for (let n = 0; n < readers; n++) waited.push(clocks.waitingMs(readerAccount(SITE, `u${n}`), KEY));
      }
      // Two cycles of 120 s: every reader written twice, all ten in one write a cycle (before BEAT-19:
      // ten, one a phase, each the tick its reader fell due).
      expect(clocks.stats.writes - writes).toBe(2 * readers);
      expect(clocks.stats.batches - batches).toBe(2);
      expect(w.writeCalls() - calls).toBe(2);
      // Never later than before: no reading waits in memory more than a flush cycle and a beat.
      expect(Math.max(...waited)).toBeLessThanOrEqual(120_000 + 10_000);
      await w.addsUp();
    });

    it('[BEAT-20] readers who joined in the same second are written spread over the cycle, none later than the flush; without the spread, all in one tick', async () => {
      const w = await world(open);
      const spread = w.node();
      const exact = w.node({ spread: false, gatherMs: 0 });
      const readers = 40;
      const ticksWithWrites = { spread: new Set<number>(), exact: new Set<number>() };
      // Two sets of readers (one a node), all beating in step from the same second.
      for (let s = 0; s <= 150; s++, w.advance(1000)) {
        for (const [which, n0] of [['spread', 0], ['exact', readers]] as const) {
          const on = which === 'spread' ? spread : exact;
          if (s % 10 === 0) await Promise.all(Array.from({ length: readers }, (_, n) => readHeartbeat(on.ctx, reader(n0 + n), { thread: 't' }, undefined, true)));
          const before = on.clocks.stats.writes;
          await on.clocks.sweep(on.ctx);
          if (on.clocks.stats.writes > before) ticksWithWrites[which].add(s);
          for (let n = 0; n < readers; n++) expect(on.clocks.waitingMs(readerAccount(SITE, `u${n0 + n}`), KEY)).toBeLessThanOrEqual(120_000 + 10_000);
        }
      }
      expect(ticksWithWrites.exact.size).toBe(1);
      expect(ticksWithWrites.spread.size).toBeGreaterThanOrEqual(4);
      for (let n = 0; n < 2 * readers; n++) expect((await w.durable(n))!.readMs).toBeLessThanOrEqual(150_000);
      await w.addsUp();
    });
  });
}
