import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LazyCount, LazyHistogram } from './lazy-metrics.js';
import { ServerMetrics } from './metrics.js';

const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const seconds = [0.0004, 0.001, 0.0011, 0.003, 0.2, 0.2, 2.5, 3, 7.25];

describe('[BEAT-15] metrics counted in plain numbers', () => {
  it('[BEAT-15] a histogram and a counter kept lazily read as prom-client’s own, line for line', async () => {
    const theirs = new Registry();
    const histogram = new Histogram({ name: 'h_seconds', help: 'A histogram.', labelNames: ['event'], buckets, registers: [theirs] });
    const counter = new Counter({ name: 'c_total', help: 'A counter.', labelNames: ['event'], registers: [theirs] });
    for (const value of seconds) histogram.observe({ event: 'read:heartbeat' }, value);
    histogram.observe({ event: 'thread:join' }, 0.02);
    counter.inc({ event: 'read:heartbeat' }, 3);

    const ours = new Registry();
    const lazy = new LazyHistogram('h_seconds', 'A histogram.', 'event', buckets, ours);
    const pending: LazyCount[] = [];
    const lazyCounter = new Counter({
      name: 'c_total',
      help: 'A counter.',
      labelNames: ['event'],
      registers: [ours],
      collect() {
        for (const count of pending) count.drain();
      },
    });
    const beats = lazy.labels('read:heartbeat');
    for (const value of seconds) beats.observe(value);
    lazy.labels('thread:join').observe(0.02);
    const count = new LazyCount(lazyCounter, { event: 'read:heartbeat' });
    pending.push(count);
    for (let i = 0; i < 3; i++) count.inc();

    expect(await ours.metrics()).toBe(await theirs.metrics());
    // Read again, nothing is counted twice.
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('[BEAT-15][OPS-1] the server’s figures add up after many events, read at any time', async () => {
    const metrics = new ServerMetrics({ connections: () => 0 });
    for (let i = 0; i < 1000; i++) metrics.observe('read:heartbeat', 0.0003, i % 10 === 0 ? 'rate_limited' : null);
    const first = await metrics.text();
    expect(first).toMatch(/^parley_events_total\{event="read:heartbeat"\} 1000$/m);
    expect(first).toMatch(/^parley_acks_total\{event="read:heartbeat",outcome="ok",code=""\} 900$/m);
    expect(first).toMatch(/^parley_acks_total\{event="read:heartbeat",outcome="error",code="rate_limited"\} 100$/m);
    expect(first).toMatch(/^parley_event_duration_seconds_bucket\{le="0.001",event="read:heartbeat"\} 1000$/m);
    expect(first).toMatch(/^parley_event_duration_seconds_count\{event="read:heartbeat"\} 1000$/m);
    metrics.observe('read:heartbeat', 0.5, null);
    const second = await metrics.text();
    expect(second).toMatch(/^parley_events_total\{event="read:heartbeat"\} 1001$/m);
    expect(second).toMatch(/^parley_acks_total\{event="read:heartbeat",outcome="ok",code=""\} 901$/m);
    expect(second).toMatch(/^parley_event_duration_seconds_bucket\{le="0.5",event="read:heartbeat"\} 1001$/m);
    expect(second).toMatch(/^parley_event_duration_seconds_bucket\{le="0.25",event="read:heartbeat"\} 1000$/m);
  });
});
