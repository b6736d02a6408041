/**
 * The external moderation hook against a real HTTP server on 127.0.0.1 (SPEC HOOK-1…5).
 */
import type { CommentView } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { resolveSite } from '../sites/site-config.js';
import { call, okData, rid, startTestServer, TEST_SECRET, TEST_SITE } from '../test-helpers.js';
import { callHook } from './hook.js';
import { startReceiver } from './test-receiver.js';
import type { ScreenInput } from './verdict.js';

const HOOK_SECRET = 'hook-secret-0123456789abcdef0123456789';

function inputFor(url: string, timeoutMs = 2000): ScreenInput & { site: { hook: { url: string; secret: string; timeoutMs: number } } } {
  const site = resolveSite({ id: 'news', secret: TEST_SECRET, origins: ['same-origin'], hook: { url, secret: HOOK_SECRET, timeoutMs } });
  return {
    site: site as typeof site & { hook: { url: string; secret: string; timeoutMs: number } },
    thread: 'world/1',
    author: { id: 'ann', name: 'Ann', avatar: null, level: 7, role: 'reader' },
    body: 'You are all wrong',
    parentId: null,
    at: 1_700_000_000_000,
  };
}

describe('[HOOK-1] the signed request', () => {
  it('[HOOK-1] POSTs the comment and its author, signed over timestamp and body; a wrong secret does not verify', async () => {
    const receiver = await startReceiver(HOOK_SECRET);
    receiver.answer = () => ({ body: '{"action":"publish"}' });
    const input = inputFor(receiver.url);
    const result = await callHook(input.site.hook, input);
    expect(result).toMatchObject({ outcome: 'answered', verdict: { action: 'publish', reasons: [] } });
    const [request] = receiver.requests;
    expect(request!.verified).toBe(true);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['parley-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(request!.json).toEqual({
      type: 'comment.screen',
      id: request!.headers['parley-request-id'],
      site: 'news',
      thread: 'world/1',
      at: input.at,
      comment: { body: 'You are all wrong', parentId: null },
      author: { id: 'ann', name: 'Ann', level: 7, role: 'reader' },
    });
    const impostor = await startReceiver('another-secret-0123456789abcdef01234');
    await callHook({ ...input.site.hook, url: impostor.url }, input);
    expect(impostor.requests[0]!.verified).toBe(false);
  });
});

describe('[HOOK-2] the answer decides', () => {
  it('[HOOK-2] hold and tag, or publish with tags, as the hook says', async () => {
    const receiver = await startReceiver(HOOK_SECRET);
    const input = inputFor(receiver.url);
    receiver.answer = () => ({ body: JSON.stringify({ action: 'hold', reasons: ['toxicity 0.93'], tags: ['toxicity:0.93'] }) });
    expect((await callHook(input.site.hook, input)).verdict).toEqual({ action: 'hold', reasons: ['toxicity 0.93'], tags: ['toxicity:0.93'] });
    receiver.answer = () => ({ body: JSON.stringify({ action: 'publish', tags: ['checked'], extra: 'ignored' }) });
    expect((await callHook(input.site.hook, input)).verdict).toEqual({ action: 'publish', reasons: [], tags: ['checked'] });
  });

  it('[HOOK-2] a reject refuses the post over a real socket with comment_rejected and the hook\'s reason; nothing is stored', async () => {
    const receiver = await startReceiver(HOOK_SECRET);
    receiver.answer = (request) =>
      ({ body: JSON.stringify((request.json.comment as { body: string }).body.includes('buy') ? { action: 'reject', reasons: ['Advertising is not allowed here.'] } : { action: 'publish' }) });
    const server = await startTestServer({ sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], hook: { url: receiver.url, secret: HOOK_SECRET } }] });
    const ann = await server.connect(await server.token('ann', { lvl: 3 }));
    okData(await call(ann, 'thread:join', { thread: 't' }));
    expect(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'buy my stuff' })).toEqual({
      ok: false,
      error: { code: 'comment_rejected', message: 'Advertising is not allowed here.', reasons: ['Advertising is not allowed here.'] },
    });
    const fine = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'a thought' }));
    expect(fine.comment.body).toBe('a thought');
    const joined = okData(await call<{ thread: { commentCount: number } }>(ann, 'thread:join', { thread: 't' }));
    expect(joined.thread.commentCount).toBe(1);
    expect(receiver.requests.map((r) => (r.json.author as { id: string }).id)).toEqual(['ann', 'ann']);
  });

  it('[HOOK-2] a comment the word list refuses never reaches the hook', async () => {
    const receiver = await startReceiver(HOOK_SECRET);
    const server = await startTestServer({
      sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], words: { banned: ['viagra'] }, hook: { url: receiver.url, secret: HOOK_SECRET } }],
    });
    const ann = await server.connect(await server.token('ann'));
    expect(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'viagra' })).toMatchObject({ ok: false, error: { code: 'banned_words' } });
    expect(receiver.requests).toEqual([]);
  });
});

describe('[HOOK-3] a hook that fails holds, never loses, never publishes', () => {
  it('[HOOK-3] no answer within the timeout holds the comment', async () => {
    const receiver = await startReceiver(HOOK_SECRET);
    receiver.answer = () => ({ delayMs: 1500, body: JSON.stringify({ action: 'publish' }) });
    const input = inputFor(receiver.url, 100);
    const result = await callHook(input.site.hook, input);
    expect(result.outcome).toBe('timeout');
    expect(result.verdict).toEqual({ action: 'hold', reasons: ['moderation hook did not answer within 100 ms; held for review'], tags: ['hook'] });
  });

  it.each([
    ['an HTTP error', { status: 500, body: 'oops' }, 'status', 'moderation hook answered HTTP 500; held for review'],
    ['an answer that is not a verdict', { body: '{"action":"maybe"}' }, 'invalid', 'moderation hook gave no valid verdict; held for review'],
    ['an answer that is not JSON', { body: '<html>' }, 'invalid', 'moderation hook gave no valid verdict; held for review'],
    ['an oversized answer', { body: JSON.stringify({ action: 'publish', pad: 'x'.repeat(70_000) }) }, 'invalid', 'moderation hook gave no valid verdict; held for review'],
  ])('[HOOK-3] %s holds', async (_, answer, outcome, reason) => {
    const receiver = await startReceiver(HOOK_SECRET);
    receiver.answer = () => answer;
    const input = inputFor(receiver.url);
    expect(await callHook(input.site.hook, input)).toMatchObject({ outcome, verdict: { action: 'hold', reasons: [reason] } });
  });

  it('[HOOK-3] a refused connection holds', async () => {
    const receiver = await startReceiver(HOOK_SECRET);
    await receiver.close();
    const input = inputFor(receiver.url);
    expect(await callHook(input.site.hook, input)).toMatchObject({ outcome: 'error', verdict: { action: 'hold', reasons: ['moderation hook unreachable (ECONNREFUSED); held for review'] } });
  });

  it('[HOOK-3] through the server: a timed-out hook answers the registry with a hold, and the post is not refused', async () => {
    const receiver = await startReceiver(HOOK_SECRET);
    receiver.answer = () => ({ delayMs: 1500 });
    const server = await startTestServer({ sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], hook: { url: receiver.url, secret: HOOK_SECRET, timeoutMs: 50 } }] });
    const site = server.moderation;
    const verdict = await site.runScreeners({ ...inputFor(receiver.url), site: resolveSite({ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], hook: { url: receiver.url, secret: HOOK_SECRET, timeoutMs: 50 } }) });
    expect(verdict).toMatchObject({ action: 'hold', reasons: ['moderation hook did not answer within 50 ms; held for review'] });
    const ann = await server.connect(await server.token('ann'));
    okData(await call(ann, 'thread:join', { thread: 't' }));
    expect(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'slow hook day' })).toMatchObject({ ok: true });
  });
});

describe('[HOOK-5] hook settings', () => {
  it('[HOOK-5] a short secret, a bad URL or an absurd timeout is refused at start naming the key', () => {
    const base = { id: 'news', secret: TEST_SECRET, origins: ['same-origin'] };
    expect(() => resolveSite({ ...base, hook: { url: 'http://127.0.0.1:1/h', secret: 'short' } })).toThrowError(/site "news": hook.secret must be at least 32 bytes/);
    expect(() => resolveSite({ ...base, hook: { url: 'ftp://x', secret: HOOK_SECRET } })).toThrowError(/hook.url must be an http\(s\) URL/);
    expect(() => resolveSite({ ...base, hook: { url: 'http://x', secret: HOOK_SECRET, timeoutMs: 0 } })).toThrowError(/hook.timeoutMs/);
    expect(resolveSite({ ...base, hook: { url: 'http://x', secret: HOOK_SECRET } }).hook).toEqual({ url: 'http://x', secret: HOOK_SECRET, timeoutMs: 2000 });
  });
});
