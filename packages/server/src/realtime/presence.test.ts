import { RealtimeLimits, type JoinResult } from '@parley/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../logger.js';
import { call, identity, okData, startTestServer } from '../test-helpers.js';
import { loneRefreshDue, Presence, refreshDue } from './presence.js';
import { mayWaitToRide, presenceCountGapMs, presenceGapMs, rideGraceMs, ThreadPresence } from './presence-room.js';
import { presenceClient } from './test-clients.js';

const THREAD = 'p1';

describe('presence expiry', () => {
  it('[PRES-5] a presence not renewed within the timeout is counted out and its typing cleared', async () => {
    const server = await startTestServer();
    let clock = Date.now();
    // A second Presence on the same io with a fake clock and a fast sweep: the rule, not the wait.
    const presence = new Presence({ io: server.io, logger: silentLogger, now: () => clock, sweepEveryMs: 10, countEveryMs: 0 });
    onTestFinished(() => presence.close());
    const ann = await server.connect(await server.token('ann'));
    const watcher = presenceClient(await server.connect(), THREAD);
    for (const socket of [ann, watcher.socket]) okData(await call<JoinResult>(socket, 'thread:join', { thread: THREAD }));
    const caller = { identity: identity('ann'), socket: server.io.of('/').sockets.get(ann.id!)!, ip: null, tokenExpiresAt: null, site: null };
    const fromThisNode = (): number => watcher.messages.filter((m) => m.node === presence.node).at(-1)?.readers ?? -1;
    presence.set(caller, { thread: THREAD, typing: { parentId: null } });
    await watcher.until(() => fromThisNode() === 1);

    clock += RealtimeLimits.presenceTimeoutMs - 1;
    presence.set(caller, { thread: THREAD, typing: { parentId: null } });
    clock += RealtimeLimits.presenceTimeoutMs - 1; // renewed in time: still here
    await new Promise((next) => setTimeout(next, 50));
    expect(fromThisNode()).toBe(1);

    clock += 2;
    await watcher.until(() => fromThisNode() === 0);
    expect(watcher.messages.filter((m) => m.node === presence.node).at(-1)).toMatchObject({ typing: { clear: ['u:ann'] } });
  });
});

describe('[PRES-7] a read heartbeat renews presence', () => {
  it('[PRES-7] a tab that only beats stays counted past the timeout; one that neither renews nor beats is counted out', async () => {
    const server = await startTestServer({ presence: { timeoutMs: 600, sweepEveryMs: 25, countEveryMs: 0 } });
    const beating = await server.connect(await server.token('ann'));
    const silent = await server.connect(await server.token('bob'));
    const watcher = presenceClient(await server.connect(), THREAD);
    for (const socket of [beating, silent, watcher.socket]) okData(await call<JoinResult>(socket, 'thread:join', { thread: THREAD }));
    for (const socket of [beating, silent]) okData(await call(socket, 'presence:set', { thread: THREAD, typing: null }));
    const readers = (): number => watcher.view.readers;
    await watcher.until(() => readers() === 2);
    // Ann's widget beats (most beats are refused by the heartbeat bound, CAP-4: they still prove the
    // tab); Bob's sends nothing more. Three timeouts later Ann is still here, Bob is not.
    for (let n = 0; n < 9; n++) {
      await call(beating, 'read:heartbeat', { thread: THREAD });
      await new Promise((next) => setTimeout(next, 200));
    }
    await watcher.until(() => readers() === 1);
    expect(readers()).toBe(1);
    await call(beating, 'read:heartbeat', { thread: THREAD });
    okData(await call(silent, 'presence:set', { thread: THREAD, typing: null }));
    await watcher.until(() => readers() === 2);
  });
});

describe('ThreadPresence', () => {
  it('[PRES-2] the count goes out at most once per interval; typing changes at once; nothing when nothing changed', () => {
    const room = new ThreadPresence('t', 1000);
    room.set('s1', 'u:ann', 'Ann', null, 0);
    expect(room.takeChange('n', 0)).toEqual({ thread: 't', node: 'n', readers: 1 });
    room.set('s2', 'u:bob', 'Bob', { parentId: 'c1' }, 10);
    // Bob's typing goes now; the count (2) waits for its interval.
    expect(room.takeChange('n', 10)).toEqual({ thread: 't', node: 'n', typing: { set: [{ key: 'u:bob', name: 'Bob', parentId: 'c1' }] } });
    expect(room.takeChange('n', 500)).toBeNull();
    expect(room.takeChange('n', 1000)).toEqual({ thread: 't', node: 'n', readers: 2 });
    room.set('s2', 'u:bob', 'Bob', { parentId: 'c1' }, 2000); // a renewal
    room.set('s3', 'u:ann', 'Ann', null, 2000); // ann's second tab: still two people
    expect(room.takeChange('n', 3000)).toBeNull();
    room.remove('s2');
    expect(room.takeChange('n', 4000)).toEqual({ thread: 't', node: 'n', readers: 2 - 1, typing: { clear: ['u:bob'] } });
  });

  it('[PRES-3] a snapshot is the count and the typists readers were told of, at most maxTypistsShown', () => {
    const room = new ThreadPresence('t', 0);
    for (let i = 0; i < RealtimeLimits.maxTypistsShown + 10; i++) room.set(`s${i}`, `u:${i}`, `R${i}`, { parentId: null }, 0);
    room.takeChange('n', 0);
    const snapshot = room.snapshot('n');
    expect(snapshot.readers).toBe(RealtimeLimits.maxTypistsShown + 10);
    expect(snapshot.typing).toHaveLength(RealtimeLimits.maxTypistsShown);
  });

  it('[PERF-4] a big room hears one presence message per gap, count and typists together', () => {
    const room = new ThreadPresence('t', 1000);
    for (let i = 0; i < 4000; i++) room.set(`s${i}`, `u:${i}`, `R${i}`, null, 0);
    expect(presenceGapMs(4000)).toBe(2500);
    expect(presenceCountGapMs(4000, 1000)).toBe(2000);
    expect(room.takeChange('n', 0)).toMatchObject({ readers: 4000 });
    room.set('s1', 'u:1', 'R1', { parentId: null }, 100);
    room.remove('s3999');
    for (let at = 100; at < 2500; at += 100) expect(room.takeChange('n', at)).toBeNull();
    // After the gap: the typist and the new count in one message.
    expect(room.takeChange('n', 2500)).toEqual({ thread: 't', node: 'n', readers: 3999, typing: { set: [{ key: 'u:1', name: 'R1', parentId: null }] } });
    room.set('s2', 'u:2', 'R2', { parentId: 'c' }, 2600);
    room.set('x', 'u:new', 'New', null, 2600);
    expect(room.takeChange('n', 4900)).toBeNull();
    expect(room.takeChange('n', 5000)).toEqual({ thread: 't', node: 'n', readers: 4000, typing: { set: [{ key: 'u:2', name: 'R2', parentId: 'c' }] } });
    room.remove('s5');
    expect(room.takeChange('n', 5100)).toBeNull(); // nothing readers see may go before the gap
    expect(presenceGapMs(50)).toBe(0);
    // 1 ms a reader up to 2 s at 2,000; then a quarter of a millisecond more a reader, at most 4 s.
    expect([presenceGapMs(1000), presenceGapMs(2000), presenceGapMs(6000), presenceGapMs(10_000), presenceGapMs(50_000)]).toEqual([1000, 2000, 3000, 4000, 4000]);
  });

  it('[PERF-4] a room of more than 2,000 readers on the node takes every other full refresh (20 s); smaller rooms every one', () => {
    expect([0, 1, 2, 3].map((lap) => refreshDue(2000, lap))).toEqual([true, true, true, true]);
    expect([0, 1, 2, 3].map((lap) => refreshDue(2001, lap))).toEqual([true, false, true, false]);
    // 20 s between refreshes stays under the 30 s after which a widget forgets a silent node.
    expect(2 * RealtimeLimits.presenceRefreshMs).toBeLessThan(RealtimeLimits.presenceTimeoutMs);
  });

  it('[PRES-8] a lone node refreshes a room only after a refresh interval of silence, so never two intervals silent', () => {
    const refresh = RealtimeLimits.presenceRefreshMs;
    expect(loneRefreshDue(0, 4000, refresh, 100)).toBe(false); // it spoke 4 s ago
    expect(loneRefreshDue(0, refresh - 100, refresh, 100)).toBe(true); // a timer's tick early still counts
    expect(loneRefreshDue(Number.NEGATIVE_INFINITY, 0, refresh, 100)).toBe(true);
    // Skipped once (it spoke just after the last refresh), due at the next: under the widget's 30 s.
    expect(loneRefreshDue(1, refresh, refresh, 100) || loneRefreshDue(1, 2 * refresh, refresh, 100)).toBe(true);
    expect(2 * refresh).toBeLessThan(RealtimeLimits.presenceTimeoutMs);
  });
});

describe('[PRES-10] a cluster node\'s due change waits a little for a thread:events to ride on', () => {
  it('[PRES-10] waits only once due, and at most its gap (a second at most) longer; a small room never waits', () => {
    const readers = 2000; // a gap of 2 s (PERF-4)
    const gap = presenceGapMs(readers);
    expect(rideGraceMs(readers)).toBe(1000);
    expect(mayWaitToRide(readers, 0, gap - 1)).toBe(false); // not due: the tick sends nothing anyway
    expect(mayWaitToRide(readers, 0, gap)).toBe(true);
    expect(mayWaitToRide(readers, 0, gap + 999)).toBe(true);
    expect(mayWaitToRide(readers, 0, gap + 1000)).toBe(false); // the grace is over: it goes alone
    expect(rideGraceMs(500)).toBe(presenceGapMs(500));
    for (const now of [0, 1, 5000]) expect(mayWaitToRide(100, 0, now)).toBe(false); // no gap, no wait
  });
});
