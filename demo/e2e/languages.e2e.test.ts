/**
 * The widget in four languages on the real demo page in Chromium: each renders its own words, its
 * numbers and plurals through Intl, fetches only its own catalog chunk, and Arabic is laid out right
 * to left (a reply indented from the right, the composer's text and button mirrored, the reply arrow
 * turned). A publisher's page under a strict CSP overrides words with a JSON script child. With
 * PARLEY_SCREENSHOTS=<dir> it saves English and Arabic, desktop and mobile, light and dark there.
 * SPEC I18N-1…I18N-7.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signThreadClaim, startParleyServer, type ParleyServer } from '@parley/server';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPOSER_INPUT, composerInput, eventually, launchChromium, startDemoForTest, textOf } from './harness.js';

const shots = process.env.PARLEY_SCREENSHOTS;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe over the widget (shadow roots included): the serious and critical violations, as W-A11Y2 counts them. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    type Violation = { id: string; impact: string | null; nodes: { target: unknown[] }[] };
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run({ include: [['parley-thread']] }, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'], resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}

interface Opened {
  page: Page;
  errors: string[];
  /** The catalog chunks the page fetched (`es`, `fr`, `ar`). */
  chunks: string[];
  close: () => Promise<void>;
}

async function openIn(browser: Browser, url: string, options: BrowserContextOptions = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  const chunks: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('request', (request) => {
    const chunk = /\/chunks\/(es|fr|ar)-[^/]*\.js$/.exec(request.url())?.[1];
    if (chunk) chunks.push(chunk);
  });
  await page.goto(url);
  await page.locator('[part~="status"][data-status="connected"]').waitFor();
  await page.locator('[part~="comment"]').first().waitFor();
  return { page, errors, chunks, close: () => context.close() };
}

type Box = { left: number; right: number; top: number; bottom: number };
/** The element's box in the page (the e2e typecheck has no DOM lib: typed structurally). */
const box = (page: Page, selector: string): Promise<Box> =>
  page.locator(selector).first().evaluate((el: { getBoundingClientRect(): Box }) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  });
type Ranged = { getBoundingClientRect(): Box; ownerDocument: { createRange(): { selectNodeContents(node: object): void; getClientRects(): ArrayLike<Box> } } };
/** How far the last line of the element's text stops short of its left and right edges. */
const lastLine = (page: Page, selector: string): Promise<{ left: number; right: number }> =>
  page.locator(selector).first().evaluate((el: Ranged) => {
    const range = el.ownerDocument.createRange();
    range.selectNodeContents(el);
    const rects = Array.from(range.getClientRects());
    const last = rects[rects.length - 1]!;
    const outer = el.getBoundingClientRect();
    return { left: last.left - outer.left, right: outer.right - last.right };
  });
const style = (page: Page, selector: string, property: string): Promise<string> =>
  page.locator(selector).first().evaluate(
    (el: object, p: string) => (globalThis as unknown as { getComputedStyle(e: object): Record<string, string> }).getComputedStyle(el)[p] ?? '',
    property,
  );

/** What each language must show on the demo thread (5 seeded comments; a 4,500-character draft). */
const expected = {
  en: { count: '5 Comments', live: 'Live', post: 'Post', reply: 'Reply', counter: '4,500 / 5,000', now: 'just now', dir: 'ltr' },
  es: { count: '5 comentarios', live: 'En directo', post: 'Publicar', reply: 'Responder', counter: '4500 / 5000', now: 'ahora mismo', dir: 'ltr' },
  fr: { count: '5 commentaires', live: 'En direct', post: 'Publier', reply: 'Répondre', counter: '4\u202f500 / 5\u202f000', now: 'à l’instant', dir: 'ltr' },
  ar: { count: '5 تعليقات', live: 'مباشر', post: 'نشر', reply: 'ردّ', counter: '4,500 / 5,000', now: 'الآن', dir: 'rtl' },
} as const;

describe('the widget in English, Spanish, French and Arabic', () => {
  let server: ParleyServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startDemoForTest();
    browser = await launchChromium();
  });

  it.each(Object.entries(expected))(
    '[I18N-1] [I18N-2] [I18N-3] lang=%s renders its words, a number and a plural, and fetches only its own catalog',
    async (lang, words) => {
      const { page, errors, chunks, close } = await openIn(browser, `${server.url}/?as=writer&lang=${lang}`);
      const base = page.locator('[part~="base"]');
      expect(await base.getAttribute('lang')).toBe(lang);
      expect(await base.getAttribute('dir')).toBe(words.dir);
      expect(await textOf(page.locator('[part~="count"]'))).toBe(words.count); // the plural form of 5
      expect(await textOf(page.locator('[part~="status"]'))).toBe(words.live);
      expect(await textOf(page.locator('[part~="composer-submit"]'))).toBe(words.post);
      expect(await textOf(page.locator('[part~="comment"]').first().locator('[part~="reply"]'))).toBe(words.reply);
      // A number with thousands, as the locale writes it: the counter of a long draft.
      await composerInput(page).fill('a'.repeat(4500));
      await eventually(() => textOf(page.locator('[part~="counter"]'))).toBe(words.counter);
      await composerInput(page).fill('');
      expect(chunks).toEqual(lang === 'en' ? [] : [lang]);
      expect(errors).toEqual([]);
      await close();
    },
  );

  it('[I18N-7] [I18N-8] Arabic is mirrored: a reply is indented from the right, the composer and the reply arrow turn', async () => {
    const rtl = await openIn(browser, `${server.url}/?as=writer&lang=ar`);
    const ltr = await openIn(browser, `${server.url}/?as=writer&lang=en`);
    // The writer answers the first comment in Arabic; the English page gets it live.
    const { page } = rtl;
    await page.locator('[part~="comment"]').first().locator('button[part~="reply"]').click();
    await page.locator('[part~="reply-composer"] textarea').fill('وساطة إيران خطوة في الاتجاه الصحيح.');
    await page.locator('[part~="reply-composer"] button[part~="composer-submit"]').click();
    const reply = '[part~="comment"][data-depth="1"]';
    await page.locator(`${reply}[data-state="sent"]`).waitFor();
    await ltr.page.locator(reply).waitFor();
    expect(await textOf(page.locator(`${reply} [part~="time"]`))).toBe('الآن');

    const list = await box(page, '[part~="list"]');
    const replyBox = await box(page, reply);
    const root = await box(page, '[part~="comment"][data-depth="0"]');
    expect(list.right - replyBox.right).toBeGreaterThan(16); // indented from the right…
    expect(Math.abs(replyBox.left - list.left)).toBeLessThan(2); // …and reaching the left edge
    expect(Math.abs(root.right - list.right)).toBeLessThan(2);
    const english = await box(ltr.page, '[part~="list"]');
    const englishReply = await box(ltr.page, reply);
    expect(englishReply.left - english.left).toBeGreaterThan(16); // the same reply, left to right
    expect(Math.abs(englishReply.right - english.right)).toBeLessThan(2);

    // The composer: text from the right, its button at the left end of the footer.
    const input = COMPOSER_INPUT;
    expect(await style(page, input, 'direction')).toBe('rtl');
    const field = await box(page, input);
    const submit = await box(page, '[part~="composer-submit"]');
    expect(submit.left - field.left).toBeLessThan(field.right - submit.right);
    const englishSubmit = await box(ltr.page, '[part~="composer-submit"]');
    const englishField = await box(ltr.page, input);
    expect(englishField.right - englishSubmit.right).toBeLessThan(englishSubmit.left - englishField.left);
    // The reply arrow points the other way; the thumbs do not.
    const arrow = '[part~="comment"] [part~="reply"] svg';
    expect(await style(page, arrow, 'transform')).toBe('matrix(-1, 0, 0, 1, 0, 0)');
    expect(await style(ltr.page, arrow, 'transform')).toBe('none');
    expect(await style(page, '[part~="comment"] [part~="like"] svg', 'transform')).toBe('none');
    // [I18N-8] Readers' words keep their own direction: the English comment starts at the left in Arabic,
    // the Arabic reply at the right in English.
    const englishBody = await lastLine(page, '[part~="comment"][data-depth="0"] [part~="body"]');
    expect(englishBody.left).toBeLessThan(2);
    expect(englishBody.right).toBeGreaterThan(40);
    const arabicBody = await lastLine(ltr.page, `${reply} [part~="body"]`);
    expect(arabicBody.right).toBeLessThan(2);
    expect(arabicBody.left).toBeGreaterThan(40);
    expect(rtl.errors).toEqual([]);
    await rtl.close();
    await ltr.close();
  });

  it.each([
    ['ar', 'light'],
    ['ar', 'dark'],
    ['es', 'light'],
    ['fr', 'light'],
  ] as const)('[I18N-3] axe finds no serious violation in %s, %s, desktop and mobile, as a writer and a moderator', async (lang, colorScheme) => {
    const found: string[] = [];
    for (const options of [{ viewport: { width: 1100, height: 1400 } }, { viewport: { width: 390, height: 844 }, isMobile: true }]) {
      for (const persona of ['writer', 'moderator']) {
        const { page, close } = await openIn(browser, `${server.url}/?as=${persona}&lang=${lang}`, { ...options, colorScheme });
        found.push(...(await seriousViolations(page)).map((v) => `${persona}: ${v}`));
        await close();
      }
    }
    expect(found).toEqual([]);
  });

  it('[I18N-1] the demo bar\'s Language control switches the widget without a reload', async () => {
    const { page, chunks, close } = await openIn(browser, `${server.url}/?as=writer&lang=en`);
    await page.locator('#language').selectOption('fr');
    await eventually(() => textOf(page.locator('[part~="count"]'))).toMatch(/^\d+ commentaires$/);
    expect(await textOf(page.locator('[part~="composer-submit"]'))).toBe('Publier');
    await page.locator('#language').selectOption('ar');
    await eventually(() => page.locator('[part~="base"]').getAttribute('dir')).toBe('rtl');
    expect(chunks).toEqual(['fr', 'ar']);
    await close();
  });

  it('screenshots: English and Arabic, desktop and mobile, light and dark (PARLEY_SCREENSHOTS)', async () => {
    if (!shots) return;
    mkdirSync(shots, { recursive: true });
    const variants: [string, BrowserContextOptions][] = [
      ['desktop-light', { viewport: { width: 1100, height: 900 }, colorScheme: 'light' }],
      ['desktop-dark', { viewport: { width: 1100, height: 900 }, colorScheme: 'dark' }],
      ['mobile-light', { viewport: { width: 390, height: 844 }, colorScheme: 'light', deviceScaleFactor: 2, isMobile: true }],
      ['mobile-dark', { viewport: { width: 390, height: 844 }, colorScheme: 'dark', deviceScaleFactor: 2, isMobile: true }],
    ];
    for (const lang of ['en', 'ar']) {
      for (const [name, options] of variants) {
        const { page, close } = await openIn(browser, `${server.url}/?as=writer&lang=${lang}`, { deviceScaleFactor: 2, ...options });
        await page.locator('parley-thread').scrollIntoViewIfNeeded();
        await page.locator('[part~="comment-to-earn"], [part~="count"]').first().waitFor();
        await page.locator('[part~="base"]').screenshot({ path: `${shots}/languages-${lang}-${name}.png` });
        if (name === 'desktop-light') {
          // Close-ups, for a person to check the mirrored details.
          await page.locator('[part~="header"]').screenshot({ path: `${shots}/languages-${lang}-header.png` });
          await page.locator('.compose').screenshot({ path: `${shots}/languages-${lang}-compose.png` });
          await page.locator('[part~="comment"]').first().screenshot({ path: `${shots}/languages-${lang}-comment.png` });
          await page.locator('.demo-bar').screenshot({ path: `${shots}/languages-${lang}-demo-bar.png` });
        }
        await close();
      }
    }
  });
});

const SECRET = 'languages-secret-0123456789abcdef0123456789';
const THREAD = 'culture/2026/le-musee-rouvre';

describe('a publisher page in French under a strict CSP, with its own words', () => {
  let parley: ParleyServer;
  let site: Server;
  let origin = '';
  let browser: Browser;

  beforeAll(async () => {
    site = createServer((req, res) => {
      void (async () => {
        const claim = await signThreadClaim(SECRET, { thread: THREAD, title: 'Le musée rouvre', url: `${origin}/` }, { audience: 'culture' });
        const p = parley.url;
        const csp = `default-src 'none'; script-src ${p}; style-src 'self'; connect-src ${p} ${p.replace('http', 'ws')}; img-src 'self' data:`;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Le musée rouvre</title>
<script type="module" src="${p}/parley.js"></script></head>
<body><h1>Le musée rouvre</h1>
<parley-thread server="${p}" site="culture" thread="${THREAD}" thread-token="${claim}">
  <script type="application/json" data-parley-strings>{ "signIn": "Identifiez-vous", "emptyTitle": "À vous la parole" }</script>
</parley-thread>
</body></html>`);
      })();
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    parley = await startParleyServer({ port: 0, dbPath: ':memory:', logger: false, sites: [{ id: 'culture', secret: SECRET, origins: [origin] }] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await parley.close();
    await new Promise((done) => site.close(done));
  });

  it('[I18N-1] [I18N-5] follows the page\'s lang="fr" and takes the host\'s words from a JSON script child, with no CSP violation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') errors.push(msg.text());
    });
    await page.goto(`${origin}/`);
    await page.locator('[part~="status"][data-status="connected"]').waitFor();
    await page.locator('[part~="empty"]').waitFor();
    expect(await textOf(page.locator('[part~="sign-in-button"]'))).toBe('Identifiez-vous');
    expect(await textOf(page.locator('[part~="empty"] strong'))).toBe('À vous la parole');
    expect(await textOf(page.locator('[part~="count"]'))).toBe('0 commentaire'); // French: 0 is singular
    expect(await textOf(page.locator('[part~="status"]'))).toBe('En direct');
    // No CSP violation (the first page's 404 for a thread the socket's join then creates is PAINT-13's, not ours).
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await context.close();
  });
});
