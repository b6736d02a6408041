import { InputSchemas } from '@parley/protocol/schemas';
import { describe, expect, it } from 'vitest';
import { defaultRateLimit, resolveConfig, resolveRateLimit, type ResolvedRateLimit } from '../config.js';
import { ParleyError } from '../errors.js';
import { ConfigFileError, parseConfigFile } from '../sites/config-file.js';
import { identity } from '../test-helpers.js';
import { mutatingEvents } from './handlers.js';
import { RateLimits, readEvents, selfLimitedEvents, type RequestSource } from './limits.js';
import { memoryLimiters } from './rate-limit.js';

function limits(overrides: Partial<ResolvedRateLimit> = {}): RateLimits {
  const resolved = resolveRateLimit(overrides);
  if (!resolved) throw new Error('unreachable');
  return new RateLimits(resolved);
}

const guestAt = (ip: string): RequestSource => ({ identity: null, site: 'news', ip, socket: null });

async function refusal(promise: Promise<unknown>): Promise<ParleyError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ParleyError);
  return error as ParleyError;
}

describe('[LIMIT] which budget an event is charged to', () => {
  it('[LIMIT-7] every client event is a mutation, a read or bounded where it is handled — exactly one', () => {
    for (const event of InputSchemas.keys()) {
      const kinds = [mutatingEvents.has(event), readEvents.has(event), selfLimitedEvents.has(event)].filter(Boolean);
      expect({ event, kinds: kinds.length }).toEqual({ event, kinds: 1 });
    }
  });
});

describe('[LIMIT-9] automatic thread creation, per address then per site', () => {
  it('[LIMIT-9] an address is stopped at its budget; a refusal by the site gives back the address’s point and the join’s read', async () => {
    const rate = limits({
      threadCreationsPerIp: { points: 2, duration: 3600 },
      threadCreationsPerSite: { points: 3, duration: 3600 },
      readsPerGuestIp: { points: 100, duration: 3600 },
    });
    const a = () => rate.forRequest(guestAt('198.51.100.1'));
    await a().admitThreadCreation('news');
    await a().admitThreadCreation('news');
    const byAddress = await refusal(a().admitThreadCreation('news'));
    expect(byAddress.toWire()).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/from your network/), retryAfterMs: expect.any(Number) });
    // The address's refusal did not spend the site's budget: one more address still gets the third.
    await rate.forRequest(guestAt('198.51.100.2')).admitThreadCreation('news');
    // The site is full now: a third address is refused by the site, and charged for nothing.
    const request = rate.forRequest(guestAt('198.51.100.3'));
    await request.admitEvent('thread:join', { thread: 'fresh' });
    const bySite = await refusal(request.admitThreadCreation('news'));
    expect(bySite.message).toMatch(/This site is starting new discussions/);
    expect(await rate.threadCreationsPerIp.limiter.get('198.51.100.3')).toMatchObject({ consumedPoints: 0 });
    expect(await rate.readsPerGuestIp.limiter.get('198.51.100.3')).toMatchObject({ consumedPoints: 0 });
    // Another site has its own budget.
    await rate.forRequest(guestAt('198.51.100.4')).admitThreadCreation('blog');
  });

  it('[LIMIT-9] signed-in readers are counted by their address too (squatting ids needs no account)', async () => {
    const rate = limits({ threadCreationsPerIp: { points: 1, duration: 3600 } });
    const reader = (id: string): RequestSource => ({ identity: identity(id), site: 'news', ip: '198.51.100.1', socket: null });
    await rate.forRequest(reader('ann')).admitThreadCreation('news');
    await refusal(rate.forRequest(reader('bob')).admitThreadCreation('news'));
  });
});

describe('[LIMIT-2] budgets are keyed by (site, user)', () => {
  it('[LIMIT-2] the same user id on two sites, or ids that would collide when joined, are different readers', async () => {
    const rate = limits({ mutationsPerUser: { points: 1, duration: 3600 } });
    const as = (site: string, id: string) => rate.forRequest({ identity: identity(id), site, ip: '198.51.100.1', socket: null });
    await as('a', '1001').admitEvent('comment:post', {});
    await refusal(as('a', '1001').admitEvent('comment:post', {}));
    await as('b', '1001').admitEvent('comment:post', {});
    await as('a:1', '001').admitEvent('comment:post', {});
    await as('a', ':1001').admitEvent('comment:post', {});
  });
});

describe('[LIMIT-10] every limit is configurable', () => {
  it('[LIMIT-10] the config file takes every limit and trustProxy, strictly', () => {
    const file = JSON.stringify({
      sites: [{ id: 'news', secret: 's'.repeat(32), origins: ['https://news.example'] }],
      trustProxy: ['10.0.0.0/8', 'loopback'],
      limits: { ...defaultRateLimit, readsPerGuestIp: { points: 5000, duration: 10 } },
    });
    const options = parseConfigFile(file, 'f', {});
    expect(options.trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
    const config = resolveConfig({ ...options, logger: false }, {});
    expect(config.rateLimit).toMatchObject({ ...defaultRateLimit, readsPerGuestIp: { points: 5000, duration: 10 }, store: memoryLimiters });
    expect(parseConfigFile(JSON.stringify({ sites: [{ id: 'a', secret: 'x' }], trustProxy: 2 }), 'f', {}).trustProxy).toBe(2);
  });

  it.each([
    ['a misspelled limit', { limits: { readsPerUsers: { points: 1, duration: 1 } } }, /limits: .*"readsPerUsers"/],
    ['a budget without its window', { limits: { readsPerUser: { points: 10 } } }, /limits\.readsPerUser\.duration/],
    ['a fractional count', { limits: { roomsPerSocket: 2.5 } }, /limits\.roomsPerSocket/],
    ['zero points', { limits: { mutationsPerUser: { points: 0, duration: 10 } } }, /limits\.mutationsPerUser\.points/],
    ['trusting every proxy', { trustProxy: true }, /trustProxy/],
    ['a proxy that is not an address', { trustProxy: ['10.0.0.0/8', 'proxy.internal'] }, /trustProxy\[1\]: expected an IP address, a CIDR range/],
  ])('[LIMIT-10] the config file refuses %s, saying where', (_name, extra, message) => {
    const text = JSON.stringify({ sites: [{ id: 'a', secret: 'x' }], ...extra });
    expect(() => parseConfigFile(text, 'f', {})).toThrow(ConfigFileError);
    expect(() => parseConfigFile(text, 'f', {})).toThrow(message);
  });

  it('[LIMIT-10] options are checked at start too; false disables them all', () => {
    expect(() => resolveRateLimit({ readsPerUser: { points: 0, duration: 1 } })).toThrow(/rateLimit\.readsPerUser/);
    expect(() => resolveRateLimit({ connectionsPerIp: 0 })).toThrow(/rateLimit\.connectionsPerIp/);
    expect(() => resolveConfig({ trustProxy: ['nope'] }, {})).toThrow(/trustProxy\[0\]/);
    expect(resolveRateLimit(false)).toBe(false);
    expect(resolveConfig({}, {}).trustProxy).toBe(false);
  });
});
