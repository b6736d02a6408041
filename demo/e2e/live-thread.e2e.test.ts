/**
 * Two readers on the real demo page in Chromium see each other's changes live, without reloading.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ParleyServer } from '@parley/server';
import { attrOf, bodies, commentByText, eventually, launchChromium, openAs, postComment, startDemoForTest, textOf, type Reader } from './harness.js';

const referenceAuthors = ['Muchacha', 'Bella Ciao', 'Ongania', 'Manolo Noriega', 'eliphas'];

describe('the reference page, live in two windows', () => {
  let server: ParleyServer;
  let browser: Browser;
  let writer: Reader;
  let bella: Reader;

  beforeAll(async () => {
    server = await startDemoForTest();
    browser = await launchChromium();
    writer = await openAs(browser, server.url, 'writer');
    bella = await openAs(browser, server.url, 'bella');
  });

  it('shows the article and its five seeded comments in page order', async () => {
    const { page } = writer;
    await eventually(() => textOf(page.locator('h1'))).toMatch(/Iran Offers Mediation/);
    await eventually(() => textOf(page.locator('[part~="count"]'))).toBe('5 Comments');
    const authors = await page.locator('[part~="comment"] [part~="author-name"]').allInnerTexts();
    expect(authors.map((a) => a.trim())).toEqual(referenceAuthors);
    expect((await bodies(page))[0]).toContain('This is a positive diplomatic move.');
  });

  it('a comment posted in one window appears in the other', async () => {
    await postComment(writer.page, 'A neutral venue matters more than the mediator.');
    const seen = commentByText(bella.page, 'A neutral venue matters more than the mediator.');
    await eventually(() => textOf(seen.locator('[part~="author-name"]'))).toBe('Sam Writer');
    await eventually(() => textOf(seen.locator('[part~="level"]'))).toBe('LVL 13');
    await eventually(() => textOf(bella.page.locator('[part~="count"]'))).toBe('6 Comments');
    await eventually(() => attrOf(commentByText(writer.page, 'A neutral venue'), 'data-state')).toBe('sent');
  });

  it('a reply appears nested under its parent in the other window', async () => {
    const parent = commentByText(bella.page, 'A neutral venue matters');
    await parent.locator('button[part~="reply"]').first().click();
    const composer = bella.page.locator('[part~="reply-composer"]');
    await composer.locator('textarea[part~="composer-input"]').fill('Oman has played that role before.');
    await composer.locator('button[part~="composer-submit"]').click();
    const reply = commentByText(writer.page, 'Oman has played that role before.');
    await eventually(() => attrOf(reply, 'data-depth')).toBe('1');
    await eventually(() => textOf(reply.locator('[part~="author-name"]'))).toBe('Bella Ciao');
  });

  it('likes and dislikes update the counts live', async () => {
    const target = commentByText(bella.page, 'A neutral venue matters');
    await target.locator('button[part~="like"]').first().click();
    await eventually(() => attrOf(target.locator('button[part~="like"]').first(), 'aria-pressed')).toBe('true');
    const mirrored = commentByText(writer.page, 'A neutral venue matters');
    await eventually(() => textOf(mirrored.locator('button[part~="like"]').first())).toContain('1');
    // Toggle off: the count returns to zero everywhere.
    await target.locator('button[part~="like"]').first().click();
    await eventually(() => textOf(mirrored.locator('button[part~="like"]').first())).not.toContain('1');
    await commentByText(writer.page, 'Oman has played').locator('button[part~="dislike"]').first().click();
    await eventually(() => textOf(commentByText(bella.page, 'Oman has played').locator('button[part~="dislike"]').first())).toContain('1');
  });

  it('the post plus/minus counts update live', async () => {
    await writer.page.locator('button[part~="plus"]').click();
    await eventually(() => attrOf(writer.page.locator('button[part~="plus"]'), 'aria-pressed')).toBe('true');
    await eventually(() => textOf(bella.page.locator('button[part~="plus"]'))).toContain('1');
  });

  it('an edit appears in the other window', async () => {
    const own = commentByText(writer.page, 'A neutral venue matters');
    await own.locator('button[part~="edit"]').first().click();
    await writer.page.locator('textarea[part~="edit-input"]').fill('A neutral venue matters more than the mediator, I think.');
    await writer.page.locator('button[part~="edit-save"]').click();
    await eventually(() => commentByText(bella.page, 'more than the mediator, I think.').count()).toBe(1);
  });

  it('a delete leaves a tombstone that keeps its replies, in both windows', async () => {
    const own = commentByText(writer.page, 'more than the mediator, I think.');
    const id = await own.getAttribute('data-id');
    await own.locator('button[part~="delete"]').first().click();
    await writer.page.locator('button[part~="delete-confirm"]').click();
    const tombstone = bella.page.locator(`[part~="comment"][data-id="${id}"]`);
    await eventually(() => attrOf(tombstone, 'data-deleted')).toBe('true');
    await eventually(() => commentByText(bella.page, 'Oman has played that role before.').count()).toBe(1);
    await eventually(() => textOf(bella.page.locator('[part~="count"]'))).toBe('6 Comments');
  });

  it('nothing was written to the console as an error', () => {
    expect([...writer.errors, ...bella.errors]).toEqual([]);
  });
});
