/**
 * Where budgets are counted, and how one request is charged. rate-limiter-flexible does the
 * counting: one API over memory, Redis, PostgreSQL and other stores, so the limiters built here in
 * memory can be built over Redis (`RateLimiterRedis`, same options) when several nodes must share
 * budgets — only the factory changes. Its calls are asynchronous for that reason.
 */
import { ErrorCodes } from '@parley/protocol';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Budget } from '../config.js';
import { ParleyError } from '../errors.js';

/** Builds one limiter; `name` keeps limiters sharing a store apart (`keyPrefix`). */
export type LimiterFactory = (name: string, budget: Budget) => RateLimiterAbstract;

/** One node's memory: each key is forgotten when its window ends, so memory follows live keys. */
export const memoryLimiters: LimiterFactory = (name, budget) =>
  new RateLimiterMemory({ keyPrefix: `parley:${name}`, points: budget.points, duration: budget.duration });

/** A limiter and what a person is told when it refuses (`{s}` = seconds to wait). */
export interface Limit {
  limiter: RateLimiterAbstract;
  /** e.g. "Too many actions in a short time; try again in {s} s." */
  message: string;
}

export function rateLimited(message: string, retryAfterMs: number, details: Record<string, unknown> = {}): ParleyError {
  const wait = Math.max(1, Math.ceil(retryAfterMs));
  return new ParleyError(ErrorCodes.rateLimited, message.replace('{s}', String(Math.ceil(wait / 1000))), {
    ...details,
    retryAfterMs: wait,
  });
}

/**
 * What one request has been charged. Limits are taken in order; when one refuses, every point
 * taken before it for the same request is given back, so a request refused by one limit is never
 * charged to another (a reader's refused request does not spend their network's budget, a refused
 * thread creation does not spend the join's read).
 */
export class Charges {
  private readonly taken: { limiter: RateLimiterAbstract; key: string }[] = [];

  /** Takes one point of `limit` for `key`, or throws `rate_limited` having given back the rest. */
  async take(limit: Limit, key: string): Promise<void> {
    try {
      await limit.limiter.consume(key);
    } catch (refusal) {
      // A store failure (not a refusal) is a server error: it surfaces as `internal`, logged.
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      await this.giveBack();
      throw rateLimited(limit.message, refusal.msBeforeNext);
    }
    this.taken.push({ limiter: limit.limiter, key });
  }

  /** Gives back every point taken so far. */
  async giveBack(): Promise<void> {
    const taken = this.taken.splice(0);
    await Promise.all(taken.map(({ limiter, key }) => limiter.reward(key, 1)));
  }
}


/** A token bucket: `burst` calls at once, refilled at `perSecond`. */
export interface BucketOptions {
  burst: number;
  perSecond: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets kept before idle (full) ones are swept, so a flood of distinct keys cannot grow memory. */
const SWEEP_ABOVE = 10_000;

/**
 * A token bucket per key, synchronous and in this process: the small fixed throttles of presence
 * and notes updates (realtime/), per socket or per reader, which need no shared store. `take`
 * answers 0 when allowed, else ms until it would be.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: BucketOptions,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): number {
    const now = this.now();
    const bucket = this.refill(this.buckets.get(key), now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(key, bucket);
      if (this.buckets.size > SWEEP_ABOVE) this.sweep(now);
      return 0;
    }
    this.buckets.set(key, bucket);
    return Math.ceil(((1 - bucket.tokens) / this.options.perSecond) * 1000);
  }

  private refill(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.options.burst, updatedAt: now };
    const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
    return { tokens: Math.min(this.options.burst, bucket.tokens + elapsed * this.options.perSecond), updatedAt: now };
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refill(bucket, now).tokens >= this.options.burst) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
