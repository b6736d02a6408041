/**
 * "At most once per interval" for a key, cluster-wide when the cluster shares it. The read-heartbeat
 * bound (CAP-4) is one: with several nodes, a reader's tabs spread over them share one gate
 * (CLUSTER-8) — the Redis gate (cluster/redis.ts) claims with `SET key NX PX`.
 */
export interface IntervalGate {
  /** Claims `key` for `forMs`: 0 when it was free (it is now claimed), else the ms until it frees. */
  claim(key: string, forMs: number): Promise<number>;
}

/** Entries older than this cannot refuse anything any more (every claim is shorter). */
const FORGET_AFTER_MS = 10 * 60 * 1000;

/** One process's gate (one node): claims kept in memory, forgotten once they cannot refuse. */
export function memoryIntervalGate(now: () => number = Date.now): IntervalGate {
  const until = new Map<string, number>();
  let sweptAt = now();
  return {
    claim(key, forMs) {
      const at = now();
      if (at - sweptAt > FORGET_AFTER_MS) {
        sweptAt = at;
        for (const [k, end] of until) if (end <= at) until.delete(k);
      }
      const end = until.get(key);
      if (end !== undefined && end > at) return Promise.resolve(end - at);
      until.set(key, at + forMs);
      return Promise.resolve(0);
    },
  };
}
