import type { EconomyState, ReadProgress } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, okData, startTestServer, type ClientSocket } from '../test-helpers.js';

const pause = (ms: number) => new Promise((next) => setTimeout(next, ms));

/** A beat as the widget sends most of them: no callback, so no ack id on the wire. */
function send(socket: ClientSocket, input: unknown): void {
  (socket.emit as (event: string, input: unknown) => void)('read:heartbeat', input);
}

describe('a widget says when reading stops (READ-5)', () => {
  it('[READ-5] a tab hidden for less than two intervals is not paid for the hidden time, and the stop passes no gate', async () => {
    const server = await startTestServer({ economy: { heartbeatMs: 400, readMsPerTwei: 100, readCapPerPost: 1000 } });
    const thread = await server.thread('read-me', { published: true, author: 'staff' });
    const socket = await server.connect(await server.token('ann'));
    okData(await call(socket, 'thread:join', { thread }));
    okData(await call(socket, 'economy:state', { thread }));
    send(socket, { thread });
    await pause(250);
    send(socket, { thread });
    await pause(50);
    // Right after a beat (inside CAP-4's half interval): a stop is still taken, and answered when asked.
    const stopped = okData(await call<ReadProgress>(socket, 'read:heartbeat', { thread, stop: true }));
    expect(stopped.credited).toBe(0);
    await pause(500); // hidden: 550 ms since the last beat, under the two intervals READ-2 forgives
    send(socket, { thread }); // shown again: a new interval starts here
    await pause(50);
    const state = okData(await call<EconomyState>(socket, 'economy:state', { thread }));
    // Only the 250 ms between the first two beats were read; without the stop it would be 800 ms or more.
    expect(state.wallet?.readMs).toBeGreaterThan(0);
    expect(state.wallet?.readMs).toBeLessThan(550);
    expect(stopped.readMs).toBe(state.wallet?.readMs);
  });

  it('[READ-5][READ-1][CAP-4] stops and beats from three tabs as fast as they can earn no more than the time that passed', async () => {
    const server = await startTestServer({ economy: { heartbeatMs: 400, readMsPerTwei: 100, readCapPerPost: 1000 } });
    const thread = await server.thread('read-me', { published: true, author: 'staff' });
    const token = await server.token('ann');
    const tabs = await Promise.all(Array.from({ length: 3 }, () => server.connect(token)));
    okData(await call(tabs[0]!, 'thread:join', { thread }));
    okData(await call(tabs[0]!, 'economy:state', { thread }));
    const started = Date.now();
    for (let round = 0; round < 6; round += 1) {
      for (let n = 0; n < 30; n += 1) send(tabs[n % tabs.length]!, n % 2 === 0 ? { thread } : { thread, stop: true });
      await pause(100);
    }
    await pause(100);
    const elapsed = Date.now() - started;
    const state = okData(await call<EconomyState>(tabs[1]!, 'economy:state', { thread }));
    expect(state.wallet?.readMs ?? 0).toBeLessThanOrEqual(elapsed);
    expect(state.wallet?.readEarned ?? 0).toBeLessThanOrEqual(Math.floor(elapsed / 100));
  });

  it('[READ-5] a stop that is not `true`, or from a guest, is refused with a code and changes nothing', async () => {
    const server = await startTestServer({ economy: { heartbeatMs: 400 } });
    const thread = await server.thread('read-me', { published: true, author: 'staff' });
    const socket = await server.connect(await server.token('ann'));
    okData(await call(socket, 'thread:join', { thread }));
    const wrong = await call(socket, 'read:heartbeat', { thread, stop: false });
    expect(wrong.ok ? null : wrong.error.code).toBe('invalid_payload');
    const guest = await server.connect();
    const refused = await call(guest, 'read:heartbeat', { thread, stop: true });
    expect(refused.ok).toBe(false);
  });
});
