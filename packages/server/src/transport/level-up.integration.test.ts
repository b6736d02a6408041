/**
 * [LVL-1] On a site that computes levels from recorded XP (lifetime Twei earned), a reader whose
 * earnings cross a threshold is told at once (`viewer:update`) and the gate opens without a reload;
 * the token's own `lvl` counts for nothing there.
 */
import type { ViewerSession } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { call, okData, rid, startTestServer, TEST_SECRET, TEST_SITE } from '../test-helpers.js';

describe('[LVL-1] levels from XP', () => {
  it('[LVL-1] earning past a threshold pushes the new level and opens the reply gate', async () => {
    const server = await startTestServer({
      // Level 2 from the first Twei earned, so one rewarded comment is enough.
      sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], trustHostLevels: false, levelCurve: [0, 1, 1_000_000], gates: { reply: 2 } }],
      // The comment reward is paid at once (no settlement window), so the level follows the post.
      economy: { settleWindowMs: 0 },
    });
    const ann = await server.connect(await server.token('ann', { lvl: 50 }));
    const joined = okData(await call<{ viewer: { level: number } }>(ann, 'thread:join', { thread: 't' }));
    expect(joined.viewer.level).toBe(1);
    // Listening before the post: the push follows the commit that credited her.
    const leveled = new Promise<ViewerSession>((resolve) => ann.once('viewer:update', resolve));
    // Posting earns the comment reward (economy rules), her first XP.
    const root = okData(await call<{ comment: { id: string } }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'mine' }));
    expect(await leveled).toMatchObject({ level: 2, user: { id: 'ann', level: 2 } });
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', parentId: root.comment.id, body: 'a reply, now allowed' }));
  });
});
