/**
 * [SPAM-4] The widget's `composeMs` is bounded by the server's clock since the connection joined
 * the thread: a forged hour buys nothing; a post without a join has 0. Observed through a screener
 * registered on the real server (what every built-in screener is given).
 */
import { describe, expect, it } from 'vitest';
import { call, okData, rid, startTestServer } from '../test-helpers.js';
import type { ScreenInput } from './verdict.js';

describe('[SPAM-4] compose time', () => {
  it('[SPAM-4] a claimed composeMs is cut to the time since the join; without a join it is 0; in-process it is kept', async () => {
    const server = await startTestServer();
    const seen: (number | undefined)[] = [];
    server.moderation.registerScreener('observer', (input: ScreenInput) => {
      seen.push(input.composeMs);
      return null;
    });
    const ann = await server.connect(await server.token('ann'));
    const before = Date.now();
    okData(await call(ann, 'thread:join', { thread: 't' }));
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'forged hour', composeMs: 3_600_000 }));
    const bound = Date.now() - before;
    expect(seen[0]).toBeGreaterThanOrEqual(0);
    expect(seen[0]).toBeLessThanOrEqual(bound);
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'honest', composeMs: 0 }));
    expect(seen[1]).toBe(0);
    const blind = await server.connect(await server.token('bob'));
    okData(await call(blind, 'comment:post', { requestId: rid(), thread: 't', body: 'never joined', composeMs: 50_000 }));
    expect(seen[2]).toBe(0);
    await server.dispatch({ id: 'seed', name: 'Seed', avatar: null, level: 13, role: 'reader' }, 'comment:post', { requestId: rid(), thread: 't', body: 'seeded', composeMs: 90_000 });
    expect(seen[3]).toBe(90_000);
    expect(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'x', composeMs: -5 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });
});
