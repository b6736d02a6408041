import type { EconomyState, ReadProgress, WalletUpdate } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, okData, startTestServer, type ClientSocket } from '../test-helpers.js';

const pause = (ms: number) => new Promise((next) => setTimeout(next, ms));

/** Socket.IO packets of type ACK (3) the client received: an answer to a request. */
function countAcks(socket: ClientSocket): { acks: number } {
  const seen = { acks: 0 };
  socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
    if (packet.type === 'message' && typeof packet.data === 'string' && packet.data.startsWith('3')) seen.acks += 1;
  });
  return seen;
}

/** A beat as the widget sends most of them: no callback, so no ack id on the wire. */
function beatUnanswered(socket: ClientSocket, thread: string): void {
  (socket.emit as (event: string, input: unknown) => void)('read:heartbeat', { thread });
}

describe('read heartbeats sent without an ack id (BEAT-17)', () => {
  it('[BEAT-17] are credited like answered ones, the Twei told by wallet:update, and the server sends no answer back', async () => {
    // A Twei per 100 ms of reading; a beat every 400 ms allowed each 200 ms (CAP-4).
    const server = await startTestServer({ economy: { heartbeatMs: 400, readMsPerTwei: 100, readCapPerPost: 100 } });
    const thread = await server.thread('read-me', { published: true, author: 'staff' });
    const socket = await server.connect(await server.token('ann'));
    okData(await call(socket, 'thread:join', { thread }));
    const before = okData(await call<EconomyState>(socket, 'economy:state', { thread })).wallet;
    const seen = countAcks(socket);
    const credits: WalletUpdate[] = [];
    socket.on('wallet:update', (update: WalletUpdate) => credits.push(update));
    for (let n = 0; n < 4; n += 1) {
      beatUnanswered(socket, thread);
      await pause(250);
    }
    await pause(100);
    expect(seen.acks).toBe(0);
    // The post's first Twei is written by its beat and told at once (PERF-1), answer or not.
    expect(credits.at(0)).toMatchObject({ thread, readEarned: expect.any(Number) as number });
    expect(credits[0]!.readEarned).toBeGreaterThanOrEqual(1);
    expect(credits[0]!.balance - (before?.balance ?? 0)).toBe(credits[0]!.readEarned);
    // The reading the unanswered beats proved shows in the wallet (PERF-1: waiting in memory too).
    const state = okData(await call<EconomyState>(socket, 'economy:state', { thread }));
    expect(state.wallet?.readMs).toBeGreaterThanOrEqual(500);
    // A beat that asks (an older widget, or the widget once a minute) is answered as always.
    await pause(250);
    const progress = okData(await call<ReadProgress>(socket, 'read:heartbeat', { thread }));
    expect(progress.readMs).toBeGreaterThan(state.wallet?.readMs ?? 0);
    expect(seen.acks).toBe(2); // economy:state and that beat
  });

  it('[BEAT-17][CAP-4][READ-1] five tabs beating without an ack id as fast as they can earn no more than the time that passed', async () => {
    const server = await startTestServer({ economy: { heartbeatMs: 400, readMsPerTwei: 100, readCapPerPost: 1000 } });
    const thread = await server.thread('read-me', { published: true, author: 'staff' });
    const token = await server.token('ann');
    const tabs = await Promise.all(Array.from({ length: 5 }, () => server.connect(token)));
    okData(await call(tabs[0]!, 'thread:join', { thread }));
    okData(await call(tabs[0]!, 'economy:state', { thread }));
    const started = Date.now();
    for (let round = 0; round < 6; round += 1) {
      for (let n = 0; n < 50; n += 1) beatUnanswered(tabs[n % tabs.length]!, thread);
      await pause(100);
    }
    await pause(250);
    const last = await call<ReadProgress>(tabs[1]!, 'read:heartbeat', { thread });
    const elapsed = Date.now() - started;
    const state = okData(await call<EconomyState>(tabs[2]!, 'economy:state', { thread }));
    // One clock for the reader: whatever was accepted, never more than real time (and the answered beat
    // may itself be refused by the gate; the wallet then tells what the unanswered ones proved).
    const readMs = last.ok ? last.data.readMs : (state.wallet?.readMs ?? 0);
    expect(readMs).toBeGreaterThan(0);
    expect(readMs).toBeLessThanOrEqual(elapsed);
    expect(state.wallet?.readMs).toBeLessThanOrEqual(elapsed);
  });
});
