/**
 * The built-in screeners through a real server and sockets, with the hold mechanism: suspect words,
 * spam heuristics and the hook hold a comment (its author alone sees it, "awaiting review"), the
 * activity log says why, and a signed `comment.held` webhook reaches a local receiver.
 */
import type { CommentView, JoinResult } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import type { SiteOptions } from '../sites/site-config.js';
import { call, okData, rid, startTestServer, TEST_SECRET, TEST_SITE } from '../test-helpers.js';
import { startReceiver } from './test-receiver.js';

const SECRET = 'filters-secret-0123456789abcdef012345678';

function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, ...(fields && { fields }) });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

async function siteWith(extra: Partial<SiteOptions>) {
  const receiver = await startReceiver(SECRET);
  const logger = recordingLogger();
  const server = await startTestServer({
    logger,
    deliveries: { pollMs: 20, baseDelayMs: 20 },
    sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], webhooks: [{ url: receiver.url, secret: SECRET, events: ['comment.held'] }], ...extra }],
  });
  const ann = await server.connect(await server.token('ann', { name: 'Ann' }));
  okData(await call(ann, 'thread:join', { thread: 't' }));
  const bob = await server.connect(await server.token('bob'));
  return { server, receiver, logger, ann, bob };
}

async function expectHeldFor(post: { comment: CommentView; seq: number | null }, bob: Awaited<ReturnType<typeof siteWith>>['bob']) {
  expect(post.seq).toBeNull();
  expect(post.comment.status).toBe('held');
  const seen = okData(await call<JoinResult & { mode: 'snapshot' }>(bob, 'thread:join', { thread: 't' }));
  expect(seen.page.comments.map((c) => c.id)).not.toContain(post.comment.id);
}

describe('[WORDS-6] suspect words hold', () => {
  it('[WORDS-6] a comment with a suspect word is held with the word as its reason; the webhook and the log say so', async () => {
    const { receiver, logger, ann, bob } = await siteWith({ words: { suspect: ['casino'] } });
    const post = okData(await call<{ comment: CommentView; seq: number | null }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Best C4SINO in town' }));
    await expectHeldFor(post, bob);
    const [held] = await receiver.waitFor(1);
    expect(held!.verified).toBe(true);
    expect(held!.json).toMatchObject({ type: 'comment.held', data: { commentId: post.comment.id, authorId: 'ann', reasons: ['suspect words: "casino"'], tags: ['words'] } });
    // [WEBHOOK-5] the delivery is a line of the activity log too.
    await expect.poll(() => logger.lines.some((l) => l.message === 'delivered' && l.fields?.kind === 'comment.held')).toBe(true);
    expect(logger.lines).toContainEqual({
      level: 'info',
      message: 'comment held',
      fields: expect.objectContaining({ commentId: post.comment.id, reasons: ['suspect words: "casino"'], tags: ['words'] }),
    });
  });
});

describe('[SPAM-2] heuristics hold through the server', () => {
  // The typing-speed check is off here (0): these readers are new and post right after joining.
  it('[SPAM-2] a comment with many links is held with the reason and spam tags', async () => {
    const { receiver, ann, bob } = await siteWith({ spam: { maxCharsPerSecond: 0 } });
    const post = okData(await call<{ comment: CommentView; seq: number | null }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'https://a.example https://b.example https://c.example' }));
    await expectHeldFor(post, bob);
    const [held] = await receiver.waitFor(1);
    expect(held!.json.data).toMatchObject({ reasons: ['3 links (the site allows 2)'], tags: ['spam', 'spam:links'] });
  });

  it('[SPAM-1] the same reader posting the same text twice: the second is held', async () => {
    const { ann, bob } = await siteWith({ spam: { maxCharsPerSecond: 0 } });
    const text = 'Everyone should read my blog about this subject';
    const first = okData(await call<{ comment: CommentView; seq: number | null }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: text }));
    expect(first.seq).not.toBeNull();
    const second = okData(await call<{ comment: CommentView; seq: number | null }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: text.toUpperCase() }));
    await expectHeldFor(second, bob);
  });

  it('[SPAM-3] a new reader\'s long first comment posted right after joining, whatever composeMs it claims, is held', async () => {
    const { ann, bob } = await siteWith({ spam: {} });
    const body = 'I have thought about this for a long time and here is my considered view on the matter.';
    const post = okData(await call<{ comment: CommentView; seq: number | null }>(ann, 'comment:post', { requestId: rid(), thread: 't', body, composeMs: 600_000 }));
    await expectHeldFor(post, bob);
  });

  it('[SPAM-6] without spam settings (or spam: false) the heuristics are off', async () => {
    const { ann } = await siteWith({});
    const post = okData(await call<{ comment: CommentView; seq: number | null }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'https://a.example https://b.example https://c.example' }));
    expect(post.seq).not.toBeNull();
  });
});

describe('[HOOK-4] a hook verdict holds through the server', () => {
  it('[HOOK-4] a hook that times out holds the comment (never lost, never published); one that says hold holds with its tags', async () => {
    const hook = await startReceiver(SECRET);
    hook.answer = (request) => ((request.json.comment as { body: string }).body === 'slow' ? { delayMs: 1000 } : { body: JSON.stringify({ action: 'hold', reasons: ['toxicity 0.97'], tags: ['toxicity:0.97'] }) });
    const { receiver, logger, ann, bob } = await siteWith({ spam: false, hook: { url: hook.url, secret: SECRET, timeoutMs: 50 } });
    const slow = okData(await call<{ comment: CommentView; seq: number | null }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'slow' }));
    await expectHeldFor(slow, bob);
    const toxic = okData(await call<{ comment: CommentView; seq: number | null }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'you fool' }));
    await expectHeldFor(toxic, bob);
    const held = await receiver.waitFor(2);
    const byId = new Map(held.map((r) => [(r.json.data as { commentId: string }).commentId, r.json.data]));
    expect(byId.get(slow.comment.id)).toMatchObject({ reasons: ['moderation hook did not answer within 50 ms; held for review'], tags: ['hook'] });
    expect(byId.get(toxic.comment.id)).toMatchObject({ reasons: ['toxicity 0.97'], tags: ['toxicity:0.97'] });
    expect(logger.lines.find((l) => l.message === 'moderation hook failed; comment held')?.fields).toMatchObject({ outcome: 'timeout', site: TEST_SITE, author: 'ann' });
  });
});
