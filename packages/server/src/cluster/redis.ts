/**
 * Several nodes joined by Redis (issue 11): `PARLEY_REDIS_URL=redis://host:6379/2` (its database
 * number honoured) with a key prefix so two clusters can share one Redis (`PARLEY_REDIS_PREFIX`,
 * default `parley`). One ioredis client gives:
 *
 * - the Socket.IO adapter, `@socket.io/redis-streams-adapter`: room broadcasts, `serverSideEmit`
 *   and `fetchSockets()` span every node. It counts nodes by their Redis subscriptions (PUBSUB
 *   NUMSUB; version 0.3 has no heartbeats — its heartbeat options are ignored): a killed node
 *   leaves the count as soon as Redis sees its connection close, but a frozen or cut-off node stays
 *   counted until its TCP connection dies, and anything that awaits every node (fetchSockets,
 *   serverSideEmitWithAck) would wait for it up to that call's timeout. So Parley awaits no node:
 *   presence asks and level refreshes are sent, and each node answers on its own (CLUSTER-7);
 * - the rate limiters over Redis (`RateLimiterRedis`), so a reader's budgets and an address's
 *   budgets are cluster-wide (SPEC LIMIT-*): a flooder gains nothing by reaching several nodes;
 * - the interval gate (`SET key NX PX`): the read-heartbeat bound per reader is cluster-wide too.
 *
 * Thread events cross Redis once, as each node's committed events (`parley:thread-events`); each
 * node paces the cluster's events for its own readers (CLUSTER-19, thread-stream.ts).
 *
 * A Redis that cannot be reached at start is a start-up error with the URL (password hidden), not
 * a server that seems up and delivers nothing.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { ServerOptions } from 'socket.io';
import type { Logger } from '../logger.js';
import type { LimiterFactory } from '../transport/rate-limit.js';
import type { IntervalGate } from '../commands/interval-gate.js';
import { redactUrl } from '../store/open-store.js';
import { redisOpenConnections, type OpenConnections } from './open-connections.js';


export interface RedisCluster {
  adapter: NonNullable<ServerOptions['adapter']>;
  limiters: LimiterFactory;
  /** Cluster-wide "once per interval" (read heartbeats, CLUSTER-8). */
  gate: IntervalGate;
  /** Open connections per address for the whole cluster (CLUSTER-13). */
  openConnections: OpenConnections;
  /** Readiness: Redis answers PING. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export async function connectRedis(url: string, prefix: string, logger: Logger): Promise<RedisCluster> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true });
  client.on('error', (error: Error) => logger.error('redis error', { error: error.message }));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${(error as Error).message}. Check PARLEY_REDIS_URL (or --redis-url).`, { cause: error });
  }
  const adapter = createAdapter(client, {
    streamName: `${prefix}:socket.io`,
    channelPrefix: `${prefix}:socket.io`,
    sessionKeyPrefix: `${prefix}:sio:session:`,
  });
  const openConnections = redisOpenConnections(client, prefix, (error) =>
    logger.error('redis open-connection count failed', { error: (error as Error).message }),
  );
  return {
    adapter,
    openConnections,
    limiters: (name, budget) =>
      new RateLimiterRedis({ storeClient: client, keyPrefix: `${prefix}:limit:${name}`, points: budget.points, duration: budget.duration }),
    gate: {
      async claim(key, forMs) {
        if (forMs <= 0) return 0;
        const name = `${prefix}:gate:${key}`;
        if ((await client.set(name, '1', 'PX', forMs, 'NX')) === 'OK') return 0;
        // Taken: how long until it frees (at least 1 ms; a key that just expired is free next time).
        return Math.max(1, await client.pttl(name));
      },
    },
    async ready() {
      try {
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await openConnections.stop();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
