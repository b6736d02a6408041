import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.js';

describe('TokenBuckets', () => {
  it('allows a burst, then answers how long until the next token', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 3, perSecond: 2 }, () => now);
    expect([buckets.take('u'), buckets.take('u'), buckets.take('u')]).toEqual([0, 0, 0]);
    expect(buckets.take('u')).toBe(500);
    now += 250;
    expect(buckets.take('u')).toBe(250);
    now += 250;
    expect(buckets.take('u')).toBe(0);
  });

  it('keeps keys apart and never refills beyond the burst', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 1, perSecond: 1 }, () => now);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('b')).toBe(0);
    expect(buckets.take('a')).toBeGreaterThan(0);
    now += 60_000;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBeGreaterThan(0);
  });

  it('forgets idle keys once there are many, so memory stays bounded', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 1, perSecond: 1 }, () => now);
    for (let i = 0; i < 10_001; i++) buckets.take(`ip-${i}`);
    now += 10_000;
    buckets.take('trigger');
    buckets.take('another');
    expect(buckets.size).toBeLessThan(10);
  });
});
