/**
 * The moderators' console at /admin in Chromium, against the real demo server: Mira Moderator signs
 * in (through the demo's /demo/moderate), sets pre-moderation for readers below LVL 14, Wanda Writer
 * (LVL 13) posts and sees "Awaiting review" while Muchacha sees nothing; Mira approves it from the
 * keyboard and both readers' windows show it appear; Mira bans Muchacha and Muchacha's open widget
 * says so and loses its composer at once; axe finds no serious violation on the console.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ParleyServer } from '@parley/server';
import { DEMO_THREAD } from '../src/seed.js';
import { commentByText, composerInput, eventually, launchChromium, openAs, postComment, startDemoForTest, textOf, type Reader } from './harness.js';

const HELD = 'A first comment from a reader below LVL 14, held for review';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const shots = process.env.PARLEY_SCREENSHOTS;

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as AxeResult;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}

describe('the moderators console', () => {
  let server: ParleyServer;
  let browser: Browser;
  let writer: Reader;
  let muchacha: Reader;
  let console: Page;

  beforeAll(async () => {
    server = await startDemoForTest();
    browser = await launchChromium();
    // bypassCSP: the console's CSP allows no inline script, and axe is injected as one.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    console = await context.newPage();
    await console.goto(`${server.url}/demo/moderate`);
    await console.locator('parley-console textarea#credential').waitFor();
    await console.locator('parley-console button[type="submit"]').click();
    await console.locator('parley-console nav[aria-label="Queues"]').waitFor();
  });

  it('[CON-1] signs in with a moderator token into an HttpOnly, SameSite=Strict session; a mutation without the CSRF header is refused', async () => {
    const cookies = await console.context().cookies();
    const session = cookies.find((c) => c.name === 'parley_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    const status = await console.evaluate(
      `fetch('/admin/api/actions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ items: [{ action: 'unban', userId: 'x' }] }) }).then((r) => r.status)`,
    );
    expect(status).toBe(403);
  });

  it('[PREMOD-4] [CON-3] [CON-5] [CON-7] a held comment shows "Awaiting review" to its author only and counts live in the queue; approved from the keyboard, it appears in both windows', async () => {
    const heldCount = console.locator('parley-console .side .count[data-queue="held"]');
    const held = () => heldCount.textContent({ timeout: 500 }).then((t) => t?.replace(/\s+/g, ' ').trim() ?? null, () => null);
    await eventually(held).toBe('0 items');
    // the shortcut is a key beside the count, not a count
    expect(await textOf(console.locator('parley-console .side a[href="#held"] kbd.key'))).toBe('1');
    expect(await console.locator('parley-console .side a[href="#flagged"]').getAttribute('aria-keyshortcuts')).toBe('2');
    await console.locator('parley-console a[href="#settings"]').click();
    await console.locator('parley-console input#site-below').fill('14');
    await console.locator('parley-console section.card button.primary').first().click();
    await eventually(() => textOf(console.locator('parley-console .toast'))).toBe('Site settings saved');

    writer = await openAs(browser, server.url, 'writer');
    muchacha = await openAs(browser, server.url, 'muchacha');
    await postComment(writer.page, HELD);
    await eventually(() => textOf(commentByText(writer.page, HELD).locator('[part~="awaiting-review"]'))).toBe('Awaiting review');

    await console.locator('parley-console a[href="#held"]').click();
    const item = console.locator('parley-console li.item', { hasText: HELD });
    await item.waitFor();
    expect(await item.textContent()).toContain('below LVL 14');
    expect(await muchacha.page.getByText(HELD).count()).toBe(0);
    await eventually(held).toBe('1 item');

    if (shots) {
      await console.screenshot({ path: `${shots}/console-desktop.png`, fullPage: true });
      await console.setViewportSize({ width: 390, height: 844 });
      await console.screenshot({ path: `${shots}/console-mobile.png`, fullPage: true });
      await console.emulateMedia({ colorScheme: 'dark' });
      await console.setViewportSize({ width: 1280, height: 900 });
      await console.screenshot({ path: `${shots}/console-dark.png`, fullPage: true });
      await console.emulateMedia({ colorScheme: 'light' });
    }

    await console.locator('parley-console main').click({ position: { x: 5, y: 5 } });
    await console.keyboard.press('a');
    await eventually(() => commentByText(muchacha.page, HELD).count()).toBe(1);
    await eventually(() => commentByText(writer.page, HELD).locator('[part~="awaiting-review"]').count()).toBe(0);
    expect(await commentByText(writer.page, HELD).count()).toBe(1);
    await eventually(held).toBe('0 items');
  });

  it('[BAN-4] [CON-4] a ban from the console takes effect in the banned reader\'s open widget at once', async () => {
    await console.goto(`${server.url}/admin/#reader/muchacha`);
    await console.locator('parley-console .toolbar button.danger').click();
    await console.locator('parley-console #ban-reason').fill('spam in three threads');
    await console.locator('parley-console form.dialog button[type="submit"]').click();
    const notice = muchacha.page.locator('[part~="restricted"] [part~="lock-reason"]');
    await eventually(() => textOf(notice)).toBe('You are banned from commenting on this site. Reason: spam in three threads');
    expect(await composerInput(muchacha.page).count()).toBe(0);

    await console.locator('parley-console a[href="#log"]').click();
    const rows = console.locator('parley-console table.log tbody tr');
    await eventually(() => textOf(rows.first())).toContain('ban');
    expect(await textOf(rows.first())).toContain('spam in three threads');
    // The ban may show first (the live stream), the earlier entries once the log's page is read.
    await eventually(() => rows.count()).toBeGreaterThanOrEqual(3); // settings, approve, ban
    if (shots) {
      await console.screenshot({ path: `${shots}/console-log.png`, fullPage: true });
      await console.goto(`${server.url}/admin/#reader/muchacha`);
      await console.locator('parley-console li.item').first().waitFor();
      await console.screenshot({ path: `${shots}/console-reader.png`, fullPage: true });
      await console.locator('parley-console li.item a[href^="#thread/"]').first().click();
      await console.locator('parley-console details.settings').waitFor();
      await console.locator('parley-console details.settings summary').click();
      await console.screenshot({ path: `${shots}/console-thread.png`, fullPage: true });
    }
  });

  it('[CON-6] axe reports no serious or critical violation on the console: queues, log, thread and reader views, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await console.emulateMedia({ colorScheme: scheme });
      for (const view of ['#held', '#flagged', '#log', '#settings', '#reader/muchacha', `#thread/${encodeURIComponent(DEMO_THREAD)}`]) {
        await console.goto(`${server.url}/admin/${view}`);
        await console.locator('parley-console main h1').waitFor();
        await eventually(() => console.getByText('Loading…').count()).toBe(0);
        expect({ view, scheme, violations: await seriousViolations(console) }).toEqual({ view, scheme, violations: [] });
      }
    }
  });

  it('[CON-8] "Sign out" revokes the session on the server: its cookie, replayed, is refused', async () => {
    const cookie = (await console.context().cookies()).find((c) => c.name === 'parley_console')!;
    await console.goto(`${server.url}/admin/#held`);
    await console.locator('parley-console header button', { hasText: 'Sign out' }).click();
    await console.locator('parley-console textarea#credential').waitFor();
    const replayed = await fetch(`${server.url}/admin/api/queue/held`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
    expect(replayed.status).toBe(401);
  });
});
