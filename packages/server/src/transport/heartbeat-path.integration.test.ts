/**
 * The heartbeat's path through the transport (SPEC BEAT-2): leaner per beat, and still counted and
 * bounded like before.
 */
import { describe, expect, it, vi } from 'vitest';
import { call, okData, startTestServer } from '../test-helpers.js';

const metric = (text: string, line: RegExp): number => Number(text.match(line)?.[1] ?? Number.NaN);

describe('[BEAT-2] heartbeats through the transport', () => {
  it('[BEAT-2] every event is counted in /metrics in its own series, accepted and refused beats alike', async () => {
    // Rate limits on: heartbeats are bounded by their own gate, not by the read budget (LIMIT-12).
    const server = await startTestServer({ rateLimit: { readsPerUser: { points: 2, duration: 3600 } } });
    const ann = await server.connect(await server.token('ann'));
    const bob = await server.connect(await server.token('bob'));
    okData(await call(ann, 'economy:state', { thread: 't' }));
    okData(await call(ann, 'read:heartbeat', { thread: 't' }));
    for (let i = 0; i < 3; i++) expect(await call(ann, 'read:heartbeat', { thread: 't' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    okData(await call(bob, 'read:heartbeat', { thread: 't' }));
    // Four beats later the reader's read budget (2) is untouched: one more read still passes.
    okData(await call(ann, 'economy:state', { thread: 't' }));
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(metric(text, /^parley_events_total\{event="read:heartbeat"\} (\d+)$/m)).toBe(5);
    expect(metric(text, /^parley_acks_total\{event="read:heartbeat",outcome="ok",code=""\} (\d+)$/m)).toBe(2);
    expect(metric(text, /^parley_acks_total\{event="read:heartbeat",outcome="error",code="rate_limited"\} (\d+)$/m)).toBe(3);
    expect(metric(text, /^parley_event_duration_seconds_count\{event="read:heartbeat"\} (\d+)$/m)).toBe(5);
    expect(metric(text, /^parley_events_total\{event="economy:state"\} (\d+)$/m)).toBe(2);
    expect(metric(text, /^parley_acks_total\{event="economy:state",outcome="ok",code=""\} (\d+)$/m)).toBe(2);
    expect(metric(text, /^parley_store_duration_seconds_count\{kind="read"\} (\d+)$/m)).toBeGreaterThan(0);
  });

  it('[BEAT-2] one listener serves every socket: each socket’s events reach the dispatcher as its own', async () => {
    const server = await startTestServer();
    const sockets = await Promise.all(['ann', 'bob', 'cy'].map(async (name) => server.connect(await server.token(name))));
    const beats = await Promise.all(sockets.map((socket) => call<{ balance: number }>(socket, 'read:heartbeat', { thread: 't' })));
    expect(beats.every((beat) => beat.ok)).toBe(true);
    const states = await Promise.all(sockets.map((socket) => call<{ wallet: { balance: number } | null }>(socket, 'economy:state', { thread: 't' })));
    expect(states.map((state) => (state.ok ? state.data.wallet !== null : false))).toEqual([true, true, true]);
    const listeners = [...server.io.sockets.sockets.values()].map((socket) => socket.listenersAny());
    expect(listeners.every((own) => own.length === 1 && own[0] === listeners[0]![0])).toBe(true);
    expect(await call(sockets[0]!, 'read:heartbeat', { thread: 't' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });
});

describe('[BEAT-10] a join in a storm', () => {
  it('[BEAT-10] joining a thread that exists is one read of the store, snapshot and rejoin alike; a newer host claim still applies first', async () => {
    const server = await startTestServer({ settleEveryMs: 0 });
    const ann = await server.connect(await server.token('ann'));
    const writer = await server.connect(await server.token('bob', { lvl: 20 }));
    okData(await call(writer, 'comment:post', { requestId: `r-${Date.now()}`, thread: 't', body: 'first' }));
    const read = vi.spyOn(server.store, 'read');
    const reads = async (): Promise<number> => read.mock.calls.length;
    const before = await reads();
    const joined = okData(await call<{ mode: string; thread: { seq: number }; page: { comments: unknown[] } }>(ann, 'thread:join', { thread: 't' }));
    expect(joined).toMatchObject({ mode: 'snapshot', thread: { seq: 1 } });
    expect(joined.page.comments).toHaveLength(1);
    expect((await reads()) - before).toBe(1);
    const rejoined = okData(await call<{ mode: string; events: unknown[] }>(ann, 'thread:join', { thread: 't', since: 0 }));
    expect(rejoined).toMatchObject({ mode: 'events' });
    expect(rejoined.events).toHaveLength(1);
    expect((await reads()) - before).toBe(2);
    expect(await call(ann, 'thread:join', { thread: 'no-such-thread' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
