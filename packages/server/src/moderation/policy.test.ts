import { describe, expect, it } from 'vitest';
import { postComment } from '../commands/post-comment.js';
import { contextWithThread, identity, rid } from '../test-helpers.js';
import { hasLink, tighten } from './policy.js';
import { setPremodPolicy } from './decide.js';

const admin = identity('boss', { role: 'admin' });

describe('pre-moderation policy', () => {
  it('[PREMOD-3] links are what a reader calls a link: a scheme, www., or a domain with a common ending', () => {
    for (const text of ['see https://x.test/a', 'www.example.org', 'buy at cheap-pills.com now', 'EXAMPLE.IO']) expect(hasLink(text)).toBe(true);
    for (const text of ['e.g. this', 'the U.S. and the U.K.', 'version 1.2.3', 'no link here']) expect(hasLink(text)).toBe(false);
  });

  it('[PREMOD-3] a thread tightens the site: it holds more, never less', () => {
    expect(tighten({ belowLevel: 14, links: true }, { belowLevel: 5, all: true, firstComments: 2 })).toEqual({ all: true, links: true, belowLevel: 14, firstComments: 2 });
    expect(tighten({}, {})).toEqual({});
  });

  it('[PREMOD-3] a new reader\'s first N published comments are held; moderators never are', async () => {
    const ctx = await contextWithThread('t');
    const site = ctx.sites.only!;
    await setPremodPolicy(ctx, admin, site, null, { firstComments: 1 });
    const ann = identity('ann');
    const post = (who: typeof ann, body: string) => postComment(ctx, who, { requestId: rid(), thread: 't', body });
    expect((await post(ann, 'first')).result.comment.status).toBe('held');
    expect((await post(identity('mo', { role: 'moderator' }), 'a moderator')).result.seq).toBe(1);
    // Held comments are not published ones: still the first.
    expect((await post(ann, 'second')).result.comment.status).toBe('held');
    const log = await ctx.store.read((tx) => tx.mod.listLog(site.id, null, 10));
    expect(log).toEqual([expect.objectContaining({ action: 'settings', actorId: 'boss', actorRole: 'admin', detail: { premoderation: { firstComments: 1 } } })]);
  });
});
