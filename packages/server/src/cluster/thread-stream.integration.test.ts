/**
 * [CLUSTER-19] Two real nodes over one PostgreSQL database (a fresh one per run) and one Redis (a
 * fresh key prefix), each holding reactions for a tick far longer than the test: each node paces the
 * whole cluster's events for its own readers, so a reaction held on node A is not overtaken by node
 * B's comment for anyone, and every reader gets the messages one node would send.
 */
import { randomBytes } from 'node:crypto';
import type { CommentView, JoinResult, ThreadEvent } from '@parley/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import { testDatabase } from '../store/postgres/test-database.js';
import { call, okData, rid, startTestServer, TEST_SITE, type ClientSocket, type TestServer } from '../test-helpers.js';
import type { Logger } from '../logger.js';
import { dropRedisPrefixAfterTest, REDIS_URL, untilNodesSee } from './test-nodes.js';

const { url: databaseUrl } = testDatabase('parley_stream');
/** Far beyond the test's timeout: whatever arrives, arrived without the tick. */
const LONG_TICK_MS = 30_000;

async function twoNodes(loggerOfB?: Logger): Promise<[TestServer, TestServer]> {
  const redisPrefix = `parley-stream-${process.pid}-${randomBytes(3).toString('hex')}`;
  const shared = { dbPath: undefined, databaseUrl, redisUrl: REDIS_URL, redisPrefix, eventTickMs: LONG_TICK_MS };
  const a = await startTestServer({ ...shared, threads: ['hot'] });
  const b = await startTestServer({ ...shared, threads: [], ...(loggerOfB && { logger: loggerOfB }) });
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
      // The thread keeps its seqs from test to test: the first one heard starts the count.
      if (last > 0 && seq > last + 1) state.gaps++;
      last = Math.max(last, seq);
    }
  });
  okData(await call<JoinResult>(socket, 'thread:join', { thread: 'hot' }));
  return state;
}

const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((next) => setTimeout(next, 25));
};

/**
 * The seqs `node` has heard from the other nodes (`parley:thread-events`). Listening after the
 * server's own listener, so a seq seen here is in that node's outbox already.
 */
function handedTo(node: TestServer): number[] {
  const seqs: number[] = [];
  node.io.on('parley:thread-events', (_site, events) => {
    for (const event of events as ThreadEvent[]) seqs.push(event.seq);
  });
  return seqs;
}

/** A reader and a writer on each node, and the writer on A's first comment, seen on both nodes. */
async function firstComment(a: TestServer, b: TestServer) {
  const [onA, onB, writerA, writerB] = [await reader(a, 'ra'), await reader(b, 'rb'), await reader(a, 'wa'), await reader(b, 'wb')];
  const first = okData(await call<{ seq: number; comment: CommentView }>(writerA.socket, 'comment:post', { requestId: rid(), thread: 'hot', body: 'first' }));
  await until(() => onA.arrived.length >= 1 && onB.arrived.length >= 1);
  return { onA, onB, writerA, writerB, first };
}

describe('one paced stream of a thread per node (integration)', () => {
  it('[CLUSTER-19][CLUSTER-16][CLUSTER-18][COAL-2] a reaction held on node A and node B\'s comment: one message, in order, on both nodes', async () => {
    const [a, b] = await twoNodes();
    const heardOnB = handedTo(b);
    const { onA, onB, writerA, writerB, first } = await firstComment(a, b);
    expect([onA.arrived, onB.arrived]).toEqual([[1], [1]]);

    // Seq 2 waits on both nodes for the tick (30 s, COAL-1): node A's own, and handed to node B at once.
    const reaction = okData(await call<{ seq: number }>(writerA.socket, 'comment:react', { requestId: rid(), thread: 'hot', commentId: first.comment.id, value: 'like' }));
    await until(() => heardOnB.includes(reaction.seq));
    expect(heardOnB).toContain(reaction.seq);
    // Seq 3 is a comment on node B: it leaves at once, with the held reaction ahead of it, on both nodes.
    okData(await call(writerB.socket, 'comment:post', { requestId: rid(), thread: 'hot', body: 'from B' }));
    await until(() => onA.arrived.length >= 3 && onB.arrived.length >= 3);

    for (const state of [onA, onB, writerA, writerB]) {
      expect(state.frames).toEqual([[1], [2, 3]]);
      expect(state.gaps).toBe(0);
    }
  }, 20_000);

  it('[CLUSTER-19][CLUSTER-16] reactions held on both nodes, then a comment: every reader gets them all in the comment\'s message', async () => {
    const [a, b] = await twoNodes();
    const [heardOnA, heardOnB] = [handedTo(a), handedTo(b)];
    const { onA, onB, writerA, writerB, first } = await firstComment(a, b);
    const secondA = await reader(a, 'wa2');
    // Seqs 2 and 4 are node A's reactions, 3 node B's; node B's comment (5) takes them all.
    const react = async (socket: ClientSocket) =>
      okData(await call<{ seq: number }>(socket, 'comment:react', { requestId: rid(), thread: 'hot', commentId: first.comment.id, value: 'like' })).seq;
    const seqs = [await react(writerA.socket), await react(writerB.socket), await react(secondA.socket)];
    await until(() => heardOnB.includes(seqs[0]!) && heardOnB.includes(seqs[2]!) && heardOnA.includes(seqs[1]!));
    okData(await call(writerB.socket, 'comment:post', { requestId: rid(), thread: 'hot', body: 'from B' }));
    await until(() => onA.arrived.length >= 5 && onB.arrived.length >= 5);
    // (The thread kept its seqs from the test before: 1…5 here are counted from this test's first comment.)
    const from = (arrived: number[]) => arrived.map((seq) => seq - first.seq + 1);
    for (const state of [onA, onB, writerA, writerB, secondA]) {
      expect(state.frames.map(from).slice(-1)).toEqual([[2, 3, 4, 5]]);
      expect(state.gaps).toBe(0);
    }
    expect([onA.frames.length, onB.frames.length]).toEqual([2, 2]);
  }, 20_000);

  it('[CLUSTER-19] another node\'s message of a shape this release does not know is logged and ignored; the stream goes on', async () => {
    const errors: string[] = [];
    const [a, b] = await twoNodes({ info: () => {}, warn: () => {}, error: (message) => void errors.push(message) });
    const { onB, writerA, first } = await firstComment(a, b);
    // A seq missing, a site that is not a string: neither reaches node B's outbox.
    a.io.serverSideEmit('parley:thread-events', TEST_SITE, [{ type: 'comment.reacted', thread: 'hot' }]);
    a.io.serverSideEmit('parley:thread-events', 42, [{ ...first.comment, seq: first.seq + 1 }]);
    okData(await call(writerA.socket, 'comment:post', { requestId: rid(), thread: 'hot', body: 'after the noise' }));
    await until(() => onB.arrived.length >= 2);
    expect(onB.arrived).toEqual([first.seq, first.seq + 1]);
    expect(onB.gaps).toBe(0);
    expect(errors.filter((message) => message.includes('malformed'))).toHaveLength(2);
  }, 20_000);
});
