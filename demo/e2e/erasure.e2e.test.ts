/**
 * Readers' rights seen by a live reader (SPEC RIGHTS-4): the host erases Bella through the admin
 * API while Muchacha has the article open; her comment turns into a tombstone signed "Former
 * reader" without a reload, and her name is gone from the page.
 */
import { signToken, type ParleyServer } from '@parley/server';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bodies, eventually, launchChromium, openAs, startDemoForTest } from './harness.js';

const DEMO_SECRET = process.env.PARLEY_SECRET ?? 'parley-demo-secret-not-for-production';
const BELLA_WORDS = 'Any effort to promote dialogue is welcome';

describe('an erased reader, live', () => {
  let server: ParleyServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startDemoForTest();
    browser = await launchChromium();
  });

  it('[RIGHTS-4] the open page shows the erased comments as tombstones, without the name, at once', async () => {
    const { page, context } = await openAs(browser, server.url, 'muchacha');
    const authors = () => page.locator('[part~="comment"] [part~="author-name"]').allInnerTexts();
    const tombstones = () => page.locator('[part~="comment"] [part~="tombstone"]').allInnerTexts();
    await eventually(async () => (await bodies(page)).some((b) => b.includes(BELLA_WORDS))).toBe(true);
    expect(await authors()).toContain('Bella Ciao');

    const admin = await signToken(DEMO_SECRET, { sub: 'newsroom', role: 'admin' }, { audience: 'demo', expiresIn: '5m' });
    const res = await fetch(`${server.url}/admin/sites/demo/readers/bella/erase`, { method: 'POST', headers: { Authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ changed: true, summary: { comments: 1 } });

    await eventually(async () => (await bodies(page)).some((b) => b.includes(BELLA_WORDS))).toBe(false);
    expect(await authors()).not.toContain('Bella Ciao');
    expect(await authors()).toContain('Former reader');
    expect(await tombstones()).toContain('This comment was deleted');
    await context.close();
  });
});
