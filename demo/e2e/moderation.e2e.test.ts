/**
 * Flags and moderation on the real demo page in Chromium. The demo site gates flagging at LVL 5:
 * Muchacha (LVL 14) flags a comment and Mira Moderator sees the count arrive live, while no reader
 * sees any count; Mira hides a comment, reads its hidden words, and unhides it; Nadia Newcomer
 * (LVL 4) sees the flag lock.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ParleyServer } from '@parley/server';
import { commentByText, eventually, launchChromium, openAs, startDemoForTest, textOf, type Reader } from './harness.js';

const BELLA = 'Any effort to promote dialogue is welcome';
const ONGANIA = 'Unity and brotherhood is the right approach';

describe('flags and moderation on the reference page', () => {
  let server: ParleyServer;
  let browser: Browser;
  let muchacha: Reader;
  let mira: Reader;
  let nadia: Reader;

  beforeAll(async () => {
    server = await startDemoForTest();
    browser = await launchChromium();
    muchacha = await openAs(browser, server.url, 'muchacha');
    mira = await openAs(browser, server.url, 'moderator');
    // Nadia has no composer: she is below the comment gate.
    nadia = await openAs(browser, server.url, 'newcomer', { composer: false });
  });

  it('a LVL 4 reader sees Flag locked: disabled, "Available from LVL 5"', async () => {
    const flag = commentByText(nadia.page, BELLA).locator('button[part~="flag"]');
    await eventually(() => flag.getAttribute('title')).toBe('Available from LVL 5');
    expect(await flag.isDisabled()).toBe(true);
    expect(await flag.getAttribute('aria-label')).toContain('available from LVL 5');
  });

  it('Muchacha flags a comment with a reason; Mira sees the count live, readers never do', async () => {
    const comment = commentByText(muchacha.page, BELLA);
    await comment.locator('button[part~="flag"]').click();
    await comment.locator('button[part~="flag-reason"][data-reason="spam"]').click();
    await eventually(() => textOf(comment.locator('button[part~="flag"]'))).toBe('Flagged — thank you');
    await eventually(() => textOf(commentByText(mira.page, BELLA).locator('[part~="flags"]'))).toBe('1 flag');
    // Muchacha's own comment has no Flag; no reader page shows a count anywhere.
    const own = commentByText(muchacha.page, "This is a positive diplomatic move");
    expect(await own.locator('button[part~="flag"]').count()).toBe(0);
    for (const page of [muchacha.page, nadia.page]) expect(await page.locator('[part~="flags"]').count()).toBe(0);
  });

  it('Mira hides a comment, reads its hidden words, and unhides it', async () => {
    const id = await commentByText(mira.page, ONGANIA).getAttribute('data-id');
    const onMira = mira.page.locator(`[part~="comment"][data-id="${id}"]`);
    const onMuchacha = muchacha.page.locator(`[part~="comment"][data-id="${id}"]`);
    await onMira.locator('button[part~="hide"]').click();
    await eventually(() => textOf(onMuchacha.locator('[part~="tombstone"]'))).toBe('Hidden by a moderator');
    await eventually(() => textOf(onMira.locator('[part~="tombstone"]'))).toBe('Hidden by a moderator');
    expect(await onMuchacha.locator('button[part~="show-hidden"]').count()).toBe(0);
    expect(await muchacha.page.getByText(ONGANIA).count()).toBe(0);

    await onMira.locator('button[part~="show-hidden"]').click();
    await eventually(() => textOf(onMira.locator('[part~="hidden-body"]'))).toContain(ONGANIA);
    await onMira.locator('button[part~="hide"]').click();
    await eventually(() => textOf(onMuchacha.locator('[part~="body"]'))).toContain(ONGANIA);
    await eventually(() => onMira.locator('[part~="hidden-body"]').count()).toBe(0);
  });

  it('nothing was written to the console as an error', () => {
    expect(muchacha.errors).toEqual([]);
    expect(mira.errors).toEqual([]);
  });
});
