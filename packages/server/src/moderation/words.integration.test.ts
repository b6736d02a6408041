/**
 * [WORDS-1] A site's banned words refuse a comment on post and on edit, over a real socket, with
 * the code `banned_words` and a message that names the words; nothing is stored or broadcast.
 */
import type { CommentView, JoinResult } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { parseConfigFile } from '../sites/config-file.js';
import { call, okData, rid, startTestServer, TEST_SECRET, TEST_SITE } from '../test-helpers.js';

async function siteWithWords() {
  const { sites } = parseConfigFile(
    JSON.stringify({ sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], words: { banned: ['viagra'], suspect: ['casino'] } }] }),
    'parley.config.json',
    {},
  );
  const server = await startTestServer({ sites });
  const ann = await server.connect(await server.token('ann'));
  okData(await call(ann, 'thread:join', { thread: 't' }));
  return { server, ann };
}

describe('[WORDS-1] banned words', () => {
  it('[WORDS-1] a post with a banned word, however disguised, is refused with banned_words and stored nowhere', async () => {
    const { server, ann } = await siteWithWords();
    const ack = await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Cheap V 1 @ G R A here' });
    expect(ack).toEqual({
      ok: false,
      error: { code: 'banned_words', words: ['viagra'], message: expect.stringContaining('"viagra"') },
    });
    const bob = await server.connect(await server.token('bob'));
    const joined = okData(await call<JoinResult & { mode: 'snapshot' }>(bob, 'thread:join', { thread: 't' }));
    expect(joined.page.comments).toEqual([]);
    expect(joined.thread.commentCount).toBe(0);
  });

  it('[WORDS-1] an edit that would put a banned word in is refused and the words stay as they were', async () => {
    const { ann } = await siteWithWords();
    const posted = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'A fair point' }));
    const edit = await call(ann, 'comment:edit', { requestId: rid(), thread: 't', commentId: posted.comment.id, body: 'A fair point. Buy viagra' });
    expect(edit).toMatchObject({ ok: false, error: { code: 'banned_words', words: ['viagra'] } });
    const joined = okData(await call<JoinResult & { mode: 'snapshot' }>(ann, 'thread:join', { thread: 't' }));
    expect(joined.page.comments[0]).toMatchObject({ id: posted.comment.id, body: 'A fair point', editedAt: null });
  });

  it('[WORDS-5] the config file refuses an unknown key under words', () => {
    expect(() =>
      parseConfigFile(JSON.stringify({ sites: [{ id: 's', secret: TEST_SECRET, origins: ['same-origin'], words: { blocked: ['x'] } }] }), 'f.json', {}),
    ).toThrowError(/sites\[0\]\.words/);
  });
});
