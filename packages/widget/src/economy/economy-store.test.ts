import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY_MS } from '@parley/protocol';
import { EconomyStore } from './economy-store.js';
import { WalletFakeConnection, report, state } from './testing.js';

function setup() {
  const connection = new WalletFakeConnection();
  let n = 0;
  const clock = { now: 1_000_000 };
  const store = new EconomyStore(connection, { thread: 't', makeRequestId: () => `req-${++n}`, now: () => clock.now });
  connection.setStatus('connected');
  /** The clock moves on until the next beat asks for its answer ([W-E16]). */
  const untilProgress = (): void => void (clock.now += PROGRESS_EVERY_MS);
  return { connection, store, clock, untilProgress };
}

describe('EconomyStore', () => {
  it('[W-E1] fetches economy:state on every connect', () => {
    const { connection, store } = setup();
    connection.answer('economy:state', state());
    expect(store.wallet?.balance).toBe(10);
    connection.setStatus('reconnecting');
    connection.setStatus('connected');
    expect(connection.requests('economy:state')).toHaveLength(2);
  });

  it('[W-E2] wallet:update sets the balance, and read earnings only for this thread', () => {
    const { connection, store } = setup();
    connection.answer('economy:state', state());
    connection.deliverWallet({ balance: 13, thread: 't', readEarned: 3 });
    expect(store.wallet).toMatchObject({ balance: 13, readEarned: 3 });
    connection.deliverWallet({ balance: 15, thread: 'other', readEarned: 9 });
    expect(store.wallet).toMatchObject({ balance: 15, readEarned: 3 });
    connection.deliverWallet({ balance: 15, thread: null, readEarned: null, debt: 1, earnedToday: 12, dailyEarnCap: 60, pending: 3 });
    expect(store.wallet).toMatchObject({ balance: 15, readEarned: 3, debt: 1, earnedToday: 12, dailyEarnCap: 60, pending: 3 });
  });

  it('a heartbeat’s answer updates reading time, earnings and balance; guests send none', () => {
    const { connection, store, untilProgress } = setup();
    store.heartbeat();
    expect(connection.requests('read:heartbeat')).toHaveLength(0); // no wallet yet
    connection.answer('economy:state', state());
    untilProgress();
    store.heartbeat();
    connection.answer('read:heartbeat', { thread: 't', readMs: 40_000, readEarned: 2, credited: 2, balance: 12 });
    expect(store.wallet).toEqual({ balance: 12, readEarned: 2, readMs: 40_000 });
  });

  it('[W-E3] a purchase interrupted by a reconnect is resent with the same requestId, once', () => {
    const { connection, store } = setup();
    connection.answer('economy:state', state());
    store.buyReport();
    store.buyReport(); // a double click buys once
    expect(connection.requests('report:buy').map((r) => r.input.requestId)).toEqual(['req-1']);
    connection.setStatus('reconnecting');
    connection.setStatus('connected');
    const sent = connection.requests('report:buy');
    expect(sent.map((r) => r.input.requestId)).toEqual(['req-1', 'req-1']);
    sent[1]!.answer({ ok: true, data: report('r1', 5) });
    sent[0]!.answer({ ok: true, data: report('r1', 5) }); // the lost ack arriving late changes nothing
    expect(store.reports.map((r) => r.id)).toEqual(['r1']);
    expect(store.buying).toBe(false);
  });

  it('[W-E4] a refused purchase shows the server’s message and leaves the reports as they were', () => {
    const { connection, store } = setup();
    connection.answer('economy:state', state({ reports: [report('old', 1)] }));
    store.buyReport();
    connection.refuse('report:buy', { code: 'insufficient_funds', message: 'This needs 1 Twei and you have 0.', need: 1, balance: 0 });
    expect(store.error?.code).toBe('insufficient_funds');
    expect(store.reports.map((r) => r.id)).toEqual(['old']);
    expect(store.buying).toBe(false);
  });

  it('shows the newest report, or the one the reader picked', () => {
    const { connection, store } = setup();
    connection.answer('economy:state', state({ reports: [report('new', 2), report('old', 1)] }));
    expect(store.shownReport?.id).toBe('new');
    store.showReport('old');
    expect(store.shownReport?.id).toBe('old');
  });

  it('[W-E7] after a purchase the report is up to date: its own charge is not a change, read credits and other posts are not', () => {
    const { connection, store } = setup();
    connection.answer('economy:state', state());
    expect(store.freshness).toEqual({ kind: 'none' });
    store.buyReport();
    connection.answer('report:buy', report('r1', 5));
    connection.deliverWallet({ balance: 9, thread: 't', readEarned: null }); // the purchase's own charge
    connection.deliverWallet({ balance: 10, thread: 't', readEarned: 1 }); // reading: not in the report
    connection.deliverWallet({ balance: 13, thread: 'other', readEarned: null }); // another post
    expect(store.freshness).toEqual({ kind: 'current' });
    expect(store.shownReport?.id).toBe('r1');
  });

  it('[W-E7] each movement on this post after the purchase counts, and a new purchase starts again from zero', () => {
    const { connection, store } = setup();
    connection.answer('economy:state', state());
    store.buyReport();
    connection.answer('report:buy', report('r1', 5));
    connection.deliverWallet({ balance: 9, thread: 't', readEarned: null });
    connection.deliverWallet({ balance: 10, thread: 't', readEarned: null }); // a like on the reader's comment
    connection.deliverWallet({ balance: 12, thread: 't', readEarned: null }); // a comment: tribute and reward
    expect(store.freshness).toEqual({ kind: 'changed', movements: 2 });
    store.buyReport();
    connection.answer('report:buy', report('r2', 6, 2));
    connection.deliverWallet({ balance: 11, thread: 't', readEarned: null });
    expect(store.freshness).toEqual({ kind: 'current' });
    expect(store.reports.map((r) => r.id)).toEqual(['r2', 'r1']);
  });

  it('[W-E7] a movement that arrives instead of the charge (a replayed purchase) is counted, not swallowed', () => {
    const { connection, store } = setup();
    connection.answer('economy:state', state());
    store.buyReport();
    connection.answer('report:buy', report('r1', 5));
    connection.deliverWallet({ balance: 12, thread: 't', readEarned: null }); // not the charge's 9
    expect(store.freshness).toEqual({ kind: 'changed', movements: 1 });
  });

  it('[W-E8] a report from before this page opened, or one bought in another tab, is offered again as "from before"', () => {
    const { connection, store } = setup();
    connection.answer('economy:state', state({ reports: [report('old', 1)] }));
    expect(store.freshness).toEqual({ kind: 'unknown' });
    store.buyReport();
    connection.answer('report:buy', report('r1', 5));
    expect(store.freshness).toEqual({ kind: 'current' });
    store.refresh(); // e.g. a re-authentication; another tab bought r2 meanwhile
    connection.answer('economy:state', state({ wallet: { balance: 9, readEarned: 0, readMs: 0 }, reports: [report('r2', 7), report('r1', 5)] }));
    expect(store.freshness).toEqual({ kind: 'unknown' });
  });

  it('[W-E8] after a reconnect, read credits keep the report up to date; any other change of balance makes it unknown', () => {
    const { connection, store } = setup();
    connection.answer('economy:state', state());
    store.buyReport();
    connection.answer('report:buy', report('r1', 5));
    connection.deliverWallet({ balance: 9, thread: 't', readEarned: null });
    connection.setStatus('reconnecting');
    connection.setStatus('connected');
    connection.answer('economy:state', state({ wallet: { balance: 11, readEarned: 2, readMs: 40_000 }, reports: [report('r1', 5)] }));
    expect(store.freshness).toEqual({ kind: 'current' });
    connection.setStatus('reconnecting');
    connection.setStatus('connected');
    connection.answer('economy:state', state({ wallet: { balance: 14, readEarned: 2, readMs: 40_000 }, reports: [report('r1', 5)] }));
    expect(store.freshness).toEqual({ kind: 'unknown' });
  });

  it('[W-E8] a heartbeat that pays more than its read credit (a reward fell due) makes the report unknown', () => {
    const { connection, store, untilProgress } = setup();
    connection.answer('economy:state', state());
    store.buyReport();
    connection.answer('report:buy', report('r1', 5));
    connection.deliverWallet({ balance: 9, thread: 't', readEarned: null });
    untilProgress();
    store.heartbeat();
    connection.answer('read:heartbeat', { thread: 't', readMs: 20_000, readEarned: 1, credited: 1, balance: 10 }); // reading alone
    connection.deliverWallet({ balance: 10, thread: 't', readEarned: 1 });
    expect(store.freshness).toEqual({ kind: 'current' });
    untilProgress();
    store.heartbeat();
    connection.answer('read:heartbeat', { thread: 't', readMs: 40_000, readEarned: 2, credited: 1, balance: 14 }); // + a reward of 3
    expect(store.freshness).toEqual({ kind: 'unknown' });
  });

  it('[W-E16] beats go without an ack id but one a PROGRESS_EVERY_MS, whose answer refreshes the reading time; credits come as wallet:update', () => {
    const { connection, store, clock } = setup();
    connection.answer('economy:state', state({ wallet: { balance: 10, readEarned: 0, readMs: 5_000 } }));
    const beatsPerAnswer = PROGRESS_EVERY_MS / 10_000;
    for (let n = 0; n < 2 * beatsPerAnswer; n += 1) {
      store.heartbeat();
      clock.now += 10_000;
    }
    const beats = connection.requests('read:heartbeat');
    expect(beats).toHaveLength(2 * beatsPerAnswer);
    // The economy:state answer told the reading time: the first beat to ask is a minute later.
    expect(beats.map((b) => b.wantsAck)).toEqual([...Array(2 * beatsPerAnswer).keys()].map((n) => n % beatsPerAnswer === 0 && n > 0));
    expect(() => connection.answer('read:heartbeat', { thread: 't', readMs: 65_000, readEarned: 3, credited: 0, balance: 13 })).not.toThrow();
    expect(store.wallet).toMatchObject({ readMs: 65_000, readEarned: 3, balance: 13 });
    connection.deliverWallet({ balance: 14, thread: 't', readEarned: 4 }); // a credit between answers
    expect(store.wallet).toMatchObject({ readMs: 65_000, readEarned: 4, balance: 14 });
  });

  it('[W-E16] a connection that cannot send without an ack asks for every answer, as before', () => {
    const connection = new WalletFakeConnection();
    Object.defineProperty(connection, 'send', { value: undefined });
    const store = new EconomyStore(connection, { thread: 't' });
    connection.setStatus('connected');
    connection.answer('economy:state', state());
    store.heartbeat();
    store.heartbeat();
    expect(connection.requests('read:heartbeat').map((b) => b.wantsAck)).toEqual([true, true]);
  });

  it('[W-E17] a stop goes without an ack id, names the thread, and is not sent for a guest or while disconnected', () => {
    const { connection, store } = setup();
    store.stopReading(); // no wallet yet: nothing to stop
    expect(connection.requests('read:heartbeat')).toHaveLength(0);
    connection.answer('economy:state', state());
    store.stopReading();
    const sent = connection.requests('read:heartbeat');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ input: { thread: 't', stop: true }, wantsAck: false });
    connection.setStatus('reconnecting');
    store.stopReading();
    expect(connection.requests('read:heartbeat')).toHaveLength(1);
  });
});
