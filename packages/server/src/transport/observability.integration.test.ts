/**
 * What a host can read: structured, redacted logs and Prometheus metrics (issue 12 item 7).
 * SPEC LOG-1, LOG-2, OPS-1.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonLogger, type Logger } from '../logger.js';
import { call, okData, rid, startTestServer, TEST_SECRET, TEST_SITE } from '../test-helpers.js';
import { ActivityLog } from './activity-log.js';

function captured(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = jsonLogger({ level: 'info', destination });
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('logs and metrics a host can use', () => {
  it('[LOG-1] log lines are JSON with a level and a time, and tokens, claims, secrets and Authorization headers never appear', async () => {
    const { logger, lines } = captured();
    logger.warn('token refused', { token: 'eyJ.secret.part', site: 'news', headers: { authorization: 'Bearer abc' }, nested: { secret: 's3cret', claim: 'eyJ.claim' } });
    await new Promise((next) => setImmediate(next));
    const [line] = lines();
    expect(line).toMatchObject({ level: 40, msg: 'token refused', site: 'news', token: '[redacted]', headers: { authorization: '[redacted]' }, nested: { secret: '[redacted]', claim: '[redacted]' } });
    expect(typeof line?.time).toBe('string');
    expect(JSON.stringify(lines())).not.toMatch(/s3cret|eyJ|Bearer abc/);
  });

  it('[LOG-2] a flood of refusals is one summary line a minute with the busiest addresses; each moderation action is a line', () => {
    const entries: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger: Logger = { info: (message, fields) => entries.push({ message, fields }), warn: (message, fields) => entries.push({ message, fields }), error: () => {} };
    const log = new ActivityLog(logger, 60_000);
    const caller = (ip: string) => ({ identity: null, socket: null, ip, tokenExpiresAt: null, site: 's' });
    for (let i = 0; i < 10_000; i++) log.record(caller(i % 10 ? '203.0.113.9' : '198.51.100.1'), 'comment:post', {}, { ok: false, error: { code: 'rate_limited', message: 'slow down' } });
    const moderator = { identity: { id: 'mo', name: 'Mo', avatar: null, level: 50, role: 'moderator' as const }, socket: null, ip: '192.0.2.1', tokenExpiresAt: null, site: 's' };
    log.record(moderator, 'comment:hide', { thread: 't', commentId: 'c1', hidden: true }, { ok: true, data: {} });
    expect(entries).toEqual([{ message: 'moderation', fields: { action: 'comment:hide', by: 'mo', role: 'moderator', site: 's', thread: 't', commentId: 'c1', hidden: true } }]);
    log.close();
    expect(entries.slice(1)).toEqual([
      { message: 'requests refused', fields: { code: 'rate_limited', event: 'comment:post', count: 10_000, addresses: 2, top: [{ address: '203.0.113.9', count: 9000 }, { address: '198.51.100.1', count: 1000 }] } },
    ]);
  });

  it('[OPS-1] /metrics answers the Prometheus format: connections, events and acks by code, event and store latency', async () => {
    const server = await startTestServer({ rateLimit: { mutationsPerUser: { points: 1, duration: 3600 } } });
    const ann = await server.connect(await server.token('ann'));
    okData(await call(ann, 'thread:join', { thread: 't' }));
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'one' }));
    await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'two' }); // refused: rate_limited
    await call(ann, 'no:such', {});
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^parley_connections 1$/m);
    expect(text).toMatch(/^parley_events_total\{event="comment:post"\} 2$/m);
    expect(text).toMatch(/^parley_acks_total\{event="comment:post",outcome="error",code="rate_limited"\} 1$/m);
    expect(text).toMatch(/^parley_acks_total\{event="unknown",outcome="error",code="unknown_event"\} 1$/m);
    expect(text).toMatch(/^parley_event_duration_seconds_count\{event="thread:join"\} 1$/m);
    expect(text).toMatch(/^parley_store_duration_seconds_count\{kind="write"\} [1-9]/m);
    expect(text).toMatch(/^parley_store_writes_waiting 0$/m);
    expect(text).toMatch(/^parley_process_resident_memory_bytes /m);
  });

  it('[OPS-1] /metrics shows the review queue: held comments by site', async () => {
    const server = await startTestServer({
      threads: [],
      sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], premoderation: { all: true } }],
    });
    const thread = await server.thread('queued');
    const ann = await server.connect(await server.token('ann', { lvl: 20 }));
    okData(await call(ann, 'thread:join', { thread }));
    okData(await call(ann, 'comment:post', { requestId: rid(), thread, body: 'Held for a moderator' }));
    okData(await call(ann, 'comment:post', { requestId: rid(), thread, body: 'And this one too' }));
    const depth = async () => (await (await fetch(`${server.url}/metrics`)).text()).match(/^parley_moderation_queue_depth\{site="test-site"\} (\d+)$/m)?.[1];
    expect(await depth()).toBe('2');
  });
});
