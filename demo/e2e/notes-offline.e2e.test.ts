/**
 * The notes on flaky networks: an editor keeps typing into the "Key points" while offline, another
 * types at the same time online; when the first comes back both texts are everywhere. A reader whose
 * connection drops leaves the others' "reading now" count, and is counted again on return.
 */
import { beforeAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import { attrOf, eventually, openSteadyAndFlaky, textOf, type Reader } from './harness.js';
import type { TcpProxy } from './tcp-proxy.js';

const notesInput = (page: Page) => page.locator('textarea[part~="notes-input"]');
const notesValue = (page: Page) => notesInput(page).inputValue({ timeout: 500 }).catch(() => null);
const readingNow = (page: Page) => textOf(page.locator('[part~="reading-now"]'));

describe('shared notes on flaky connections', () => {
  let proxy: TcpProxy;
  let steady: Reader;
  let flaky: Reader;

  beforeAll(async () => {
    ({ proxy, steady, flaky } = await openSteadyAndFlaky('bella', 'manolo'));
  });

  it('edits typed offline and edits typed meanwhile online both survive the reconnect', async () => {
    await notesInput(steady.page).click();
    await steady.page.keyboard.type('Mediation offered.', { delay: 5 });
    await eventually(() => notesValue(flaky.page)).toBe('Mediation offered.');
    await eventually(() => readingNow(steady.page)).toBe('2 reading now');

    proxy.cut();
    await eventually(() => attrOf(flaky.page.locator('[part~="status"]'), 'data-status')).not.toBe('connected');
    // The dropped reader leaves the count of the one still online.
    await eventually(() => readingNow(steady.page)).toBe('1 reading now');

    await notesInput(flaky.page).click();
    await flaky.page.keyboard.press('End');
    await flaky.page.keyboard.type(' Typed in a tunnel.', { delay: 5 });
    await notesInput(steady.page).click();
    await steady.page.keyboard.press('Home');
    await steady.page.keyboard.type('Live: ', { delay: 5 });

    proxy.restore();
    await eventually(() => attrOf(flaky.page.locator('[part~="status"]'), 'data-status'), 15_000).toBe('connected');
    const expected = 'Live: Mediation offered. Typed in a tunnel.';
    await eventually(() => notesValue(steady.page), 15_000).toBe(expected);
    await eventually(() => notesValue(flaky.page)).toBe(expected);
    await eventually(() => readingNow(steady.page)).toBe('2 reading now');
    await eventually(() => readingNow(flaky.page)).toBe('2 reading now');
  });

  it('a reader who reloads sees the stored notes', async () => {
    await flaky.page.reload();
    await eventually(() => notesValue(flaky.page)).toBe('Live: Mediation offered. Typed in a tunnel.');
  });
});
