/**
 * Scenario 4: what opening a big thread costs a reader. A thread of 10,000 comments (a share of
 * them replies) is seeded through `dispatch`; then fresh clients, one after another, connect and
 * join it: time with and without the connect, and the size of the join ack on the wire.
 */
import type { BenchConfig } from '../config.js';
import { connectClient, expectOk, request } from '../clients.js';
import type { PinningState } from '../cpu-pinning.js';
import { waitForQuietMachine } from '../machine-load.js';
import type { SeedRequest } from '../parley-child-api.js';
import { median, summarize } from '../stats.js';
import { benchThreads, parley, writerUsers } from '../targets.js';

export interface JoinCostResult {
  threadComments: number;
  seedSeconds: number;
  samples: number;
  joinMsMedian: number | null;
  joinMsP90: number | null;
  connectAndJoinMsMedian: number | null;
  connectAndJoinMsP90: number | null;
  /** `JSON.stringify(ack)` in UTF-8 bytes. */
  ackJsonBytes: number;
  /** The engine.io message carrying the ack: type byte + socket.io packet (before websocket framing). */
  ackPacketBytes: number;
  commentsInAck: number;
}

const thread = benchThreads.big;

export async function runJoinCost(config: BenchConfig, pinning: PinningState, log: (line: string) => void): Promise<JoinCostResult> {
  const server = await parley.start(pinning);
  try {
    log(`  seeding ${config.joinThreadComments} comments through dispatch…`);
    const seed: SeedRequest = { thread, count: config.joinThreadComments, replyShare: 0.3, concurrency: 64 };
    const seeded = await server.call<{ seconds: number }>('seedComments', seed);
    const [token] = await parley.tokens(server, writerUsers('join-reader', 1));

    await waitForQuietMachine(config.waitQuietSeconds, log);
    const joinMs: number[] = [];
    const totalMs: number[] = [];
    let ackJsonBytes = 0;
    let ackPacketBytes = 0;
    let commentsInAck = 0;
    for (let n = 0; n < config.joinSamples; n++) {
      const started = performance.now();
      const socket = await connectClient(server.url, token ?? null);
      let lastMessageBytes = 0;
      // The engine sees each packet before socket.io decodes it: its string is what crossed the wire.
      socket.io.engine.on('packet', (packet) => {
        if (packet.type === 'message' && typeof packet.data === 'string') lastMessageBytes = 1 + Buffer.byteLength(packet.data);
      });
      const connected = performance.now();
      const ack = await request(socket, 'thread:join', { thread });
      const done = performance.now();
      const joined = expectOk(ack, 'thread:join');
      socket.close();
      joinMs.push(done - connected);
      totalMs.push(done - started);
      ackJsonBytes = Buffer.byteLength(JSON.stringify(ack));
      ackPacketBytes = lastMessageBytes;
      commentsInAck = joined.mode === 'snapshot' ? joined.page.comments.length : joined.events.length;
    }
    log(`  ${config.joinSamples} joins measured`);
    return {
      threadComments: config.joinThreadComments,
      seedSeconds: seeded.seconds,
      samples: joinMs.length,
      joinMsMedian: median(joinMs),
      joinMsP90: summarize(joinMs).p90,
      connectAndJoinMsMedian: median(totalMs),
      connectAndJoinMsP90: summarize(totalMs).p90,
      ackJsonBytes,
      ackPacketBytes,
      commentsInAck,
    };
  } finally {
    await server.stop();
  }
}
