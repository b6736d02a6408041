import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExpiryWheel } from './expiry-wheel.js';

describe('[BEAT-4] token expiries on one timer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('[BEAT-4] a thousand items wait on one timer, each due at its own time and never before', () => {
    const due: [string, number][] = [];
    const wheel = new ExpiryWheel<string>((item, at) => due.push([item, at]), () => Date.now());
    const start = Date.now();
    for (let n = 0; n < 1000; n++) wheel.add(`s${n}`, start + 1000 * (1 + (n % 10)));
    expect(vi.getTimerCount()).toBe(1);
    expect(wheel.size).toBe(1000);

    vi.advanceTimersByTime(999);
    expect(due).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(due.length).toBe(100);
    expect(due.every(([, at]) => at === start + 1000)).toBe(true);
    expect(vi.getTimerCount()).toBe(1);

    vi.advanceTimersByTime(9000);
    expect(due.length).toBe(1000);
    // Each came due exactly at (never before) its time, in time order.
    expect(due.map(([, at]) => at)).toEqual([...due.map(([, at]) => at)].sort((a, b) => a - b));
    expect(wheel.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('[BEAT-4] a removed item never comes due; one added again moves to its new time', () => {
    const due: string[] = [];
    const wheel = new ExpiryWheel<string>((item) => due.push(item), () => Date.now());
    const start = Date.now();
    wheel.add('closed', start + 1000);
    wheel.add('refreshed', start + 1000);
    wheel.add('kept', start + 2000);
    wheel.remove('closed');
    wheel.add('refreshed', start + 5000);
    vi.advanceTimersByTime(2000);
    expect(due).toEqual(['kept']);
    vi.advanceTimersByTime(2999);
    expect(due).toEqual(['kept']);
    vi.advanceTimersByTime(1);
    expect(due).toEqual(['kept', 'refreshed']);
  });

  it('[BEAT-4] an item earlier than all others re-arms the one timer for it', () => {
    const due: string[] = [];
    const wheel = new ExpiryWheel<string>((item) => due.push(item), () => Date.now());
    const start = Date.now();
    wheel.add('late', start + 60_000);
    wheel.add('early', start + 500);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(500);
    expect(due).toEqual(['early']);
    vi.advanceTimersByTime(59_500);
    expect(due).toEqual(['early', 'late']);
  });

  it('[BEAT-4] a time beyond what one timer can wait (~24.8 days) is still reached, in steps', () => {
    const due: string[] = [];
    const wheel = new ExpiryWheel<string>((item) => due.push(item), () => Date.now());
    const thirtyDays = 30 * 24 * 3600 * 1000;
    wheel.add('far', Date.now() + thirtyDays);
    vi.advanceTimersByTime(thirtyDays - 1);
    expect(due).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(due).toEqual(['far']);
  });
});
