import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config.js';
import { defaultEconomyRules, EconomyDirectory, economyFromEnv } from './rules.js';

describe('economy rules', () => {
  it('are the defaults unless configured, server-wide and then per site', () => {
    const directory = new EconomyDirectory({ startingGrant: 20, amounts: { reports: 2 }, sites: { news: { readCapPerPost: 5 } } });
    expect(directory.rulesFor('other')).toMatchObject({ startingGrant: 20, readCapPerPost: 10, amounts: { reports: 2, likesOwn: 1 } });
    expect(directory.rulesFor('news')).toMatchObject({ startingGrant: 20, readCapPerPost: 5, amounts: { reports: 2 } });
    expect(new EconomyDirectory().rulesFor('x')).toEqual(defaultEconomyRules);
  });

  it('refuse amounts that are not whole numbers ≥ 0, and intervals under 100 ms', () => {
    expect(() => new EconomyDirectory({ amounts: { reports: -1 } })).toThrow(/reports must be a whole number/);
    expect(() => new EconomyDirectory({ startingGrant: 1.5 })).toThrow(/grant/);
    expect(() => new EconomyDirectory({ heartbeatMs: 10 })).toThrow(/heartbeatMs/);
  });

  it('[SETTLE-1][CAP-1] refuse anti-farming rules out of range and names they do not know', () => {
    expect(() => new EconomyDirectory({ settleWindowMs: -1 })).toThrow(/settleWindowMs/);
    expect(() => new EconomyDirectory({ dailyEarnCap: 2.5 })).toThrow(/dailyEarnCap/);
    expect(() => new EconomyDirectory({ pairSchedule: [1, 2] })).toThrow(/pairSchedule/);
    expect(() => new EconomyDirectory({ mintShards: 0 })).toThrow(/mintShards/);
    expect(() => new EconomyDirectory({ publishTributePaidBy: 'host' as 'site' })).toThrow(/publishTributePaidBy/);
    expect(() => new EconomyDirectory({ settleWindow: 5 } as never)).toThrow(/unknown rule "settleWindow"/);
    expect(() => new EconomyDirectory({ sites: { news: { amounts: { likes: 1 } as never } } })).toThrow(/unknown amount "likes"/);
    expect(new EconomyDirectory({ sites: { news: { settleWindowMs: 0 } } }).rulesFor('news').settleWindowMs).toBe(0);
  });

  it('can come from PARLEY_ECONOMY, and a malformed value says so', () => {
    const config = resolveConfig({ logger: false }, { PARLEY_ECONOMY: '{"amounts":{"reports":3}}' });
    expect(config.economy.rulesFor('demo').amounts.reports).toBe(3);
    expect(economyFromEnv(undefined)).toBeUndefined();
    expect(() => economyFromEnv('{oops')).toThrow(/must be JSON/);
    expect(() => economyFromEnv('[1]')).toThrow(/JSON object/);
  });
});
