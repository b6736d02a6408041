/**
 * Open connections per client address (`connectionsPerIp`, SPEC LIMIT-3), counted for the whole
 * cluster once nodes share a Redis (SPEC CLUSTER-13). A node adds its own connections to a hash per
 * address (`<prefix>:conns:<address>`, one field per node) and keeps a liveness key of its own
 * (`<prefix>:node:<id>`, 30 s, renewed every 10 s); the count is the sum over nodes still alive,
 * so the connections of a node that died stop counting within 30 s (a dead node's fields are
 * dropped by the next count), and a node that shuts down takes its share away at once.
 *
 * Counting and adding are one Lua script, so two connections on two nodes at the same moment
 * see each other. Without Redis the count is this node's, in memory.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface OpenConnections {
  /** Counts one more open connection of `address`; resolves to how many are open now, with it. */
  open(address: string): Promise<number>;
  /** One connection of `address` closed (after its `open` resolved). */
  close(address: string): void;
  /** Stops renewing this node's share and removes it. */
  stop(): Promise<void>;
}

export function memoryOpenConnections(): OpenConnections {
  const open = new Map<string, number>();
  return {
    open(address) {
      const count = (open.get(address) ?? 0) + 1;
      open.set(address, count);
      return Promise.resolve(count);
    },
    close(address) {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    },
    stop: () => Promise.resolve(),
  };
}

/** How long a node counts as alive without renewing its key, and how often it renews it. */
export const NODE_ALIVE_MS = 30_000;
const NODE_RENEW_MS = 10_000;
/** An address's hash outlives its last change by a day at most (a node killed with connections open). */
const ADDRESS_TTL_MS = 86_400_000;

// KEYS[1] the address's hash, KEYS[2] this node's liveness key; ARGV[1] this node's id,
// ARGV[2] the liveness key prefix, ARGV[3] the hash's TTL. Other nodes' liveness keys are read by
// name, which a single Redis (not Redis Cluster) allows.
const OPEN_SCRIPT = `
local fields = redis.call('HGETALL', KEYS[1])
local total = 1
for i = 1, #fields, 2 do
  local node = fields[i]
  if node == ARGV[1] or redis.call('EXISTS', ARGV[2] .. node) == 1 then
    total = total + tonumber(fields[i + 1])
  else
    redis.call('HDEL', KEYS[1], node)
  end
end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return total`;

const CLOSE_SCRIPT = `
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return left`;

export function redisOpenConnections(client: Redis, prefix: string, onError: (error: unknown) => void): OpenConnections {
  const node = randomUUID();
  const nodePrefix = `${prefix}:node:`;
  const nodeKey = `${nodePrefix}${node}`;
  const hash = (address: string) => `${prefix}:conns:${address}`;
  const renew = () => client.set(nodeKey, '1', 'PX', NODE_ALIVE_MS).catch(onError);
  let alive = renew();
  const timer = setInterval(() => void renew(), NODE_RENEW_MS);
  timer.unref();
  return {
    async open(address) {
      await alive;
      return Number(await client.eval(OPEN_SCRIPT, 2, hash(address), nodeKey, node, nodePrefix, ADDRESS_TTL_MS));
    },
    close(address) {
      client.eval(CLOSE_SCRIPT, 1, hash(address), node).catch(onError);
    },
    async stop() {
      clearInterval(timer);
      alive = Promise.resolve();
      await client.del(nodeKey).catch(onError);
    },
  };
}
