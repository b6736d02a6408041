/**
 * A client thread of the sustained row (scenarios/sustained-posts.ts): its share of the writers,
 * each on a socket of its own, posting as fast as acks return once the parent says go. One thread
 * of socket.io-client can be what caps the row; several share the client core's idle time instead.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connectClient, request, type ParleySocket } from './clients.js';
import { runClosedLoop } from './closed-loop.js';
import { SampleSet } from './stats.js';

export interface WriterThreadData {
  url: string;
  tokens: string[];
  thread: string;
  seconds: number;
  /** Makes this thread's request ids its own. */
  tag: string;
}

/** What the thread sends back: its loop's figures and every ack latency, for the parent to merge. */
export interface WriterThreadResult {
  completed: number;
  seconds: number;
  errors: Record<string, number>;
  latencies: Float64Array;
}

export type WriterThreadMessage = { kind: 'ready' } | { kind: 'done'; result: WriterThreadResult };

const data = workerData as WriterThreadData;
const port = parentPort;
if (!port) throw new Error('sustained-writer-thread runs as a worker thread');

const sockets: ParleySocket[] = [];
for (const token of data.tokens) sockets.push(await connectClient(data.url, token));
await Promise.all(sockets.map((socket, n) => request(socket, 'comment:post', { requestId: `${data.tag}-warm-${n}`, thread: data.thread, body: 'warm up' })));
port.postMessage({ kind: 'ready' } satisfies WriterThreadMessage);

port.once('message', async () => {
  const latencies = new SampleSet();
  const loop = await runClosedLoop(sockets.length, data.seconds, async (worker, iteration) => {
    const socket = sockets[worker] as ParleySocket;
    const body = `Sustained post ${iteration} from writer ${worker} of ${data.tag}: the store must fsync this before the ack.`;
    const sentAt = performance.now();
    const ack = await request(socket, 'comment:post', { requestId: `${data.tag}-${worker}-${iteration}`, thread: data.thread, body });
    latencies.add(performance.now() - sentAt);
    return ack.ok ? null : ack.error.code;
  });
  for (const socket of sockets) socket.close();
  const result: WriterThreadResult = { completed: loop.completed, seconds: loop.seconds, errors: loop.errors, latencies: latencies.toArray() };
  port.postMessage({ kind: 'done', result } satisfies WriterThreadMessage);
});
