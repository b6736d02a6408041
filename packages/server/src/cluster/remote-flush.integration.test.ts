/**
 * [CLUSTER-16] Two real nodes over one PostgreSQL database (a fresh one per run) and one Redis (a
 * fresh key prefix), each holding reactions for a tick far longer than the test: a reaction held on
 * node A must not be overtaken for its readers by node B's comment, and must reach node B's readers
 * without waiting for A's tick — another node's message takes the held ones with it.
 */
import { randomBytes } from 'node:crypto';
import type { CommentView, JoinResult, ThreadEvent } from '@parley/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import { testDatabase } from '../store/postgres/test-database.js';
import { call, okData, rid, startTestServer, type ClientSocket, type TestServer } from '../test-helpers.js';
import { dropRedisPrefixAfterTest, REDIS_URL, untilNodesSee } from './test-nodes.js';

const { url: databaseUrl } = testDatabase('parley_hold');
/** Far beyond the test's timeout: whatever arrives, arrived without the tick. */
const LONG_TICK_MS = 30_000;

async function twoNodes(): Promise<[TestServer, TestServer]> {
  const redisPrefix = `parley-hold-${process.pid}-${randomBytes(3).toString('hex')}`;
  const shared = { dbPath: undefined, databaseUrl, redisUrl: REDIS_URL, redisPrefix, eventTickMs: LONG_TICK_MS };
  const a = await startTestServer({ ...shared, threads: ['hot'] });
  const b = await startTestServer({ ...shared, threads: [] });
  dropRedisPrefixAfterTest(onTestFinished, redisPrefix);
  await untilNodesSee([a, b]);
  return [a, b];
}

/** A joined reader: every seq in the order it arrived, the seqs of each message, and whether it ever saw a gap. */
async function reader(server: TestServer, sub: string): Promise<{ socket: ClientSocket; arrived: number[]; frames: number[][]; gaps: number }> {
  const socket = await server.connect(await server.token(sub, { name: sub, lvl: 20 }));
  const state = { socket, arrived: [] as number[], frames: [] as number[][], gaps: 0 };
  let last = 0;
  socket.on('thread:events', (events: ThreadEvent[]) => {
    state.frames.push(events.map(({ seq }) => seq));
    for (const { seq } of events) {
      state.arrived.push(seq);
      if (seq > last + 1) state.gaps++;
      last = Math.max(last, seq);
    }
  });
  okData(await call<JoinResult>(socket, 'thread:join', { thread: 'hot' }));
  return state;
}

const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((next) => setTimeout(next, 25));
};

/** A reader and a writer on each node, and the writer on A's first comment, seen on both nodes. */
async function firstComment(a: TestServer, b: TestServer) {
  const [onA, onB, writerA, writerB] = [await reader(a, 'ra'), await reader(b, 'rb'), await reader(a, 'wa'), await reader(b, 'wb')];
  const first = okData(await call<{ seq: number; comment: CommentView }>(writerA.socket, 'comment:post', { requestId: rid(), thread: 'hot', body: 'first' }));
  await until(() => onA.arrived.length >= 1 && onB.arrived.length >= 1);
  return { onA, onB, writerA, writerB, first };
}

describe('a reaction held on one node, a comment on another (integration)', () => {
  it('[CLUSTER-16][COAL-2] another node\'s comment takes the held reaction with it: in order on its node, at once on the other', async () => {
    const [a, b] = await twoNodes();
    const { onA, onB, writerA, writerB, first } = await firstComment(a, b);
    expect([onA.arrived, onB.arrived]).toEqual([[1], [1]]);

    // Seq 2 waits on node A for its tick (30 s, COAL-1); seq 3 is a comment, sent by node B at once.
    okData(await call(writerA.socket, 'comment:react', { requestId: rid(), thread: 'hot', commentId: first.comment.id, value: 'like' }));
    okData(await call(writerB.socket, 'comment:post', { requestId: rid(), thread: 'hot', body: 'from B' }));
    await until(() => onA.arrived.length >= 3 && onB.arrived.length >= 3);

    // Node A's held reaction rode in B's comment's message for its own readers (CLUSTER-18): one message, no gap.
    expect(onA.arrived).toEqual([1, 2, 3]);
    expect(onA.frames).toEqual([[1], [2, 3]]);
    expect(onA.gaps).toBe(0);
    // Node B's reader got the reaction long before A's tick: its gap closed by delivery, no rejoin needed.
    expect(onB.arrived).toEqual([1, 3, 2]);
    // The writers are readers too, one on each node: the same.
    expect([writerA.arrived, writerB.arrived]).toEqual([[1, 2, 3], [1, 3, 2]]);
  }, 20_000);

  it('[CLUSTER-16] a message carrying seqs on both sides of a held one takes it too: held 4 goes with 3 and 5', async () => {
    const [a, b] = await twoNodes();
    const { onA, onB, writerA, writerB, first } = await firstComment(a, b);
    const secondA = await reader(a, 'wa2');
    // Seqs 2 and 4 wait on node A (30 s tick), 3 on node B; B's comment (5) leaves at once with 3.
    okData(await call(writerA.socket, 'comment:react', { requestId: rid(), thread: 'hot', commentId: first.comment.id, value: 'like' }));
    okData(await call(writerB.socket, 'comment:react', { requestId: rid(), thread: 'hot', commentId: first.comment.id, value: 'like' }));
    okData(await call(secondA.socket, 'comment:react', { requestId: rid(), thread: 'hot', commentId: first.comment.id, value: 'like' }));
    okData(await call(writerB.socket, 'comment:post', { requestId: rid(), thread: 'hot', body: 'from B' }));
    await until(() => onA.arrived.length >= 5 && onB.arrived.length >= 5);
    // B's message [3, 5] made node A send both 2 and 4, long before its tick: every reader has every seq.
    // (The thread kept its seqs from the test before: 1…5 here are counted from this test's first comment.)
    const from = (seqs: number[]) => seqs.map((seq) => seq - first.seq + 1);
    for (const state of [onA, onB, writerA, writerB]) expect(from(state.arrived).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
    // [CLUSTER-18] On node A, 2 and 4 rode in B's message: its readers got one message, in order.
    expect(onA.frames.map(from)).toEqual([[1], [2, 3, 4, 5]]);
    // Node B's readers got 2 and 4 through Redis, to the other nodes only (never twice).
    expect(from(onB.arrived)).toEqual([1, 3, 5, 2, 4]);
  }, 20_000);
});
