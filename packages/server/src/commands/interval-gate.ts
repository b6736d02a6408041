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

/**
 * [BEAT-3] A shared gate (Redis) with this node's memory in front: a claim this node knows is
 * taken — it claimed it itself, or the shared gate said so — is refused from memory, without a
 * round trip; only a claim that may be free is asked of the shared gate. Never stricter than the
 * shared gate alone: memory holds a key only until the end the shared gate reported (or its own
 * claim's end), and is never more lenient, since a claim memory lets through is still the shared
 * gate's to grant. A reader's second tab on the same node costs the cluster nothing.
 */
export function layeredIntervalGate(shared: IntervalGate, now: () => number = Date.now): IntervalGate {
  const until = new Map<string, number>();
  let sweptAt = now();
  return {
    async claim(key, forMs) {
      const at = now();
      if (at - sweptAt > FORGET_AFTER_MS) {
        sweptAt = at;
        for (const [k, end] of until) if (end <= at) until.delete(k);
      }
      const known = until.get(key);
      if (known !== undefined && known > at) return known - at;
      const wait = await shared.claim(key, forMs);
      // What the shared gate said, as of when it answered: taken for `wait` more, or ours for `forMs`.
      until.set(key, at + (wait > 0 ? wait : forMs));
      return wait;
    },
  };
}
