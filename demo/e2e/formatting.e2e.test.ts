/**
 * Formatting and permalinks on the real demo page in Chromium: a comment typed with Markdown is
 * drawn as emphasis, a link with its rel, code, a list and a mention, for its writer and live for
 * another reader; a `javascript:` link stays text; a permalink to a comment beyond the first page
 * opens scrolled to it, highlighted and focused. Screenshots (light and dark) go to
 * $PARLEY_SCREENSHOTS when it is set, for a person to look at.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '@parley/server';
import { DEMO_THREAD } from '../src/seed.js';
import { commentByText, eventually, launchChromium, openAs, postComment, startDemoForTest, type Reader } from './harness.js';

const FORMATTED = [
  'Thanks @Bella Ciao, this is *really* **important**: read [the report](https://news.example.com/report)',
  'and run `npm test` first.',
  '',
  '- first point',
  '- second point',
].join('\n');

const shots = process.env.PARLEY_SCREENSHOTS;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe over the widget (its shadow roots included): what is serious or critical. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    interface Violation { id: string; impact: string | null; nodes: { target: unknown[] }[] }
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run({ include: [['parley-thread']] }, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'], resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}

describe('formatting and permalinks on the reference page', () => {
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

  it('[MD-8] [LINK-3] emphasis, a link with its rel, code, a list and a mention render as such, live too', async () => {
    await postComment(writer.page, FORMATTED);
    for (const page of [writer.page, bella.page]) {
      const comment = commentByText(page, 'second point');
      await comment.locator('[part~="body"] li').first().waitFor();
      const body = comment.locator('[part~="body"]');
      expect(await body.locator('em').innerText()).toBe('really');
      expect(await body.locator('strong').innerText()).toBe('important');
      expect(await body.locator('code').innerText()).toBe('npm test');
      expect(await body.locator('li').allInnerTexts()).toEqual(['first point', 'second point']);
      expect(await body.locator('[part~="mention"]').innerText()).toBe('@Bella Ciao');
      const link = body.locator('a[part~="link"]');
      expect(await link.innerText()).toBe('the report');
      expect(await link.getAttribute('href')).toBe('https://news.example.com/report');
      expect(await link.getAttribute('rel')).toBe('nofollow ugc noopener');
      expect(await link.getAttribute('target')).toBe('_blank');
      // The Markdown source is not what readers see.
      expect(await body.innerText()).not.toContain('**');
    }
  });

  it('[LINK-2] a javascript: link does not become a link; the words stay as typed', async () => {
    const evil = 'Click [here](javascript:alert(document.domain)) or <img src=x onerror=alert(1)>';
    await postComment(writer.page, evil);
    for (const page of [writer.page, bella.page]) {
      const body = commentByText(page, 'javascript:alert').locator('[part~="body"]');
      await eventually(() => body.innerText()).toBe(evil);
      expect(await body.locator('a, img').count()).toBe(0);
    }
    expect(writer.errors).toEqual([]);
    expect(bella.errors).toEqual([]);
  });

  it('[LINK-5] a permalink to a comment beyond the first page opens scrolled to it, highlighted and focused', async () => {
    // The demo shows the oldest 20 roots first: 25 more put the newest well beyond that page.
    const authors = ['muchacha', 'ongania', 'manolo', 'eliphas', 'bella'] as const;
    let lastId = '';
    for (let i = 0; i < 25; i++) {
      const who = authors[i % authors.length]!;
      const ack = await server.dispatch({ id: who, name: who, avatar: null, level: 25, role: 'reader' }, 'comment:post', {
        requestId: `filler-${i}`,
        thread: DEMO_THREAD,
        body: `Filler comment number ${i}`,
      });
      if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
      lastId = (ack.data as { comment: { id: string } }).comment.id;
    }
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/?as=muchacha#comment-${lastId}`);
    const linked = page.locator(`[part~="comment"][data-id="${lastId}"]`);
    await linked.waitFor();
    await eventually(() => linked.getAttribute('data-linked')).toBe('');
    await eventually(() => focusedCommentId(page)).toBe(lastId);
    await eventually(() => inViewport(page, lastId)).toBe(true);
    expect(await linked.locator('[part~="body"]').innerText()).toBe('Filler comment number 24');
    // Its permalink is the page's URL with its hash; the first page is still there above it.
    const href = await linked.locator('a[part~="permalink"]').evaluate((a) => (a as unknown as { href: string }).href);
    expect(href).toBe(`${server.url}/?as=muchacha#comment-${lastId}`);
    expect(await page.locator('[part~="comment"]').count()).toBeGreaterThan(20);

    // Following another comment's permalink moves the highlight there.
    const other = page.locator('[part~="comment"]', { hasText: 'Filler comment number 3' }).first();
    const otherId = await other.getAttribute('data-id');
    await other.locator('a[part~="permalink"]').click();
    await eventually(() => other.getAttribute('data-linked')).toBe('');
    await eventually(() => focusedCommentId(page)).toBe(otherId);
    expect(await linked.getAttribute('data-linked')).toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('[LINK-5] [MD-8] light and dark: axe finds no serious violation around a highlighted formatted comment (screenshots when PARLEY_SCREENSHOTS is set)', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(`${server.url}/?as=bella`);
      const comment = commentByText(page, 'second point');
      await comment.locator('[part~="body"] li').first().waitFor();
      const id = await comment.getAttribute('data-id');
      await page.goto(`${server.url}/?as=bella#comment-${id}`);
      await eventually(() => page.locator(`[part~="comment"][data-id="${id}"]`).getAttribute('data-linked')).toBe('');
      // Links, mentions and code stay readable, on the highlight too.
      expect(await seriousViolations(page)).toEqual([]);
      if (shots) await page.screenshot({ path: join(shots, `formatting-${scheme}.png`) });
      await context.close();
    }
  });
});

/** The id of the comment holding focus, through the thread's and the comment's shadow roots. */
function focusedCommentId(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    interface El { shadowRoot: { activeElement: El | null } | null; getAttribute(n: string): string | null; localName: string }
    const doc = globalThis as unknown as { document: { activeElement: El | null } };
    const thread = doc.document.activeElement;
    const comment = thread?.shadowRoot?.activeElement;
    const inner = comment?.shadowRoot?.activeElement;
    return comment?.localName === 'parley-comment' && inner?.localName === 'article' ? comment.getAttribute('data-id') : null;
  });
}

/** Whether the comment's box lies inside the window. */
function inViewport(page: Page, id: string): Promise<boolean> {
  return page.locator(`[part~="comment"][data-id="${id}"]`).evaluate((el) => {
    const box = (el as unknown as { getBoundingClientRect(): { top: number; bottom: number } }).getBoundingClientRect();
    const height = (globalThis as unknown as { innerHeight: number }).innerHeight;
    return box.top >= 0 && box.bottom <= height;
  });
}
