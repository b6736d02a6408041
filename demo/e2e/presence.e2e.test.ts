/**
 * Presence and shared notes on the real demo page in Chromium: two windows see each other reading
 * and typing, co-edit the "Key points", a reader below the notes gate watches them change without
 * being able to edit, and a window closed without goodbye leaves the "reading now" count.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ParleyServer } from '@parley/server';
import { commentByText, composerInput, eventually, launchChromium, openAs, startDemoForTest, textOf, type Reader } from './harness.js';

const readingNow = (page: Page) => textOf(page.locator('[part~="reading-now"]'));
const notesInput = (page: Page) => page.locator('textarea[part~="notes-input"]');
const notesValue = (page: Page) => notesInput(page).inputValue({ timeout: 500 }).catch(() => null);

describe('presence and shared notes, live in several windows', () => {
  let server: ParleyServer;
  let browser: Browser;
  let bella: Reader;
  let manolo: Reader;

  beforeAll(async () => {
    server = await startDemoForTest();
    browser = await launchChromium();
    bella = await openAs(browser, server.url, 'bella');
    manolo = await openAs(browser, server.url, 'manolo');
  });

  it('both windows count two readers', async () => {
    await eventually(() => readingNow(bella.page)).toBe('2 reading now');
    await eventually(() => readingNow(manolo.page)).toBe('2 reading now');
  });

  it('[W-L5] a window reloaded syncs as a rider (PRES-9) and both still count two readers', async () => {
    const sent: string[] = [];
    manolo.page.on('websocket', (ws) => ws.on('framesent', (frame) => void (typeof frame.payload === 'string' && sent.push(frame.payload))));
    await manolo.page.reload();
    await eventually(() => sent.some((f) => f.includes('"presence:sync"') && f.includes('"rides":true'))).toBe(true);
    await eventually(() => readingNow(manolo.page)).toBe('2 reading now');
    await eventually(() => readingNow(bella.page)).toBe('2 reading now');
  });

  it('a reply being typed shows under the comment answered in the other window, and goes when sent', async () => {
    const target = commentByText(bella.page, 'This is a positive diplomatic move.');
    await target.locator('button[part~="reply"]').first().click();
    const box = bella.page.locator('[part~="reply-composer"] textarea[part~="composer-input"]');
    await box.pressSequentially('Oman could host', { delay: 20 });
    const targetId = await target.getAttribute('data-id');
    const typing = manolo.page.locator(`[part~="typing"][data-parent="${targetId}"]`);
    await eventually(() => textOf(typing)).toBe('Bella Ciao is typing a reply…');
    await bella.page.locator('[part~="reply-composer"] button[part~="composer-submit"]').click();
    await eventually(() => typing.count()).toBe(0);
  });

  it('the main composer shows "is typing a comment"', async () => {
    await composerInput(manolo.page).first().pressSequentially('Hmm', { delay: 20 });
    await eventually(() => textOf(bella.page.locator('[part~="typing"][data-parent=""]'))).toBe('Manolo Noriega is typing a comment…');
  });

  it('two editors co-edit the Key points and converge', async () => {
    await notesInput(bella.page).click();
    await bella.page.keyboard.type('Iran offers to mediate.', { delay: 10 });
    await eventually(() => notesValue(manolo.page)).toBe('Iran offers to mediate.');
    // Both type at once, at opposite ends of the text.
    await notesInput(manolo.page).click();
    await manolo.page.keyboard.press('End');
    await notesInput(bella.page).click();
    await bella.page.keyboard.press('Home');
    await Promise.all([
      manolo.page.keyboard.type(' Talks failed in Doha.', { delay: 15 }),
      bella.page.keyboard.type('Summary: ', { delay: 15 }),
    ]);
    const expected = 'Summary: Iran offers to mediate. Talks failed in Doha.';
    await eventually(() => notesValue(bella.page)).toBe(expected);
    await eventually(() => notesValue(manolo.page)).toBe(expected);
  });

  it('a reader below the notes gate sees the notes live, read-only, with the level that unlocks them', async () => {
    const muchacha = await openAs(browser, server.url, 'muchacha');
    await eventually(() => textOf(muchacha.page.locator('[part~="notes-lock"]'))).toBe('Editing available from LVL 15');
    expect(await notesInput(muchacha.page).count()).toBe(0);
    await eventually(() => textOf(muchacha.page.locator('[part~="notes-text"]'))).toBe('Summary: Iran offers to mediate. Talks failed in Doha.');
    await notesInput(bella.page).click();
    await bella.page.keyboard.press('End');
    await bella.page.keyboard.type(' Pakistan is cautious.', { delay: 10 });
    await eventually(() => textOf(muchacha.page.locator('[part~="notes-text"]'))).toContain('Pakistan is cautious.');
    await eventually(() => readingNow(bella.page)).toBe('3 reading now');
    // Closed without a goodbye: the count drops in the others' windows.
    await muchacha.context.close();
    await eventually(() => readingNow(bella.page)).toBe('2 reading now');
    await eventually(() => readingNow(manolo.page)).toBe('2 reading now');
  });

  it('no page errors in either window', () => {
    expect([...bella.errors, ...manolo.errors]).toEqual([]);
  });
});
