/** Shared set-up for browser tests: a demo server on port 0 with its own database, and Chromium. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import type { ParleyServer } from '@parley/server';
import { startDemo } from '../src/serve.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const chromiumPath = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts the demo on port 0 against a fresh SQLite file; closed (and deleted) after the file's tests. */
export async function startDemoForTest(): Promise<ParleyServer> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const server = await startDemo({ port: 0, dbPath: join(dir, 'parley.db') });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
  afterAll(async () => {
    await browser.close();
  });
  return browser;
}

export interface Reader {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/**
 * Opens the demo page as a persona in a fresh browser context and waits for the thread to render,
 * and for the composer unless `composer: false` (a guest, or a reader below the comment gate).
 */
export async function openAs(
  browser: Browser,
  baseUrl: string,
  persona: string,
  { composer = persona !== 'guest' }: { composer?: boolean } = {},
): Promise<Reader> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  await page.goto(`${baseUrl}/?as=${persona}`);
  await page.locator('[part~="status"][data-status="connected"]').waitFor();
  await page.locator('[part~="comment"]').first().waitFor();
  if (composer) await page.locator('textarea[part~="composer-input"]').first().waitFor();
  return { context, page, errors };
}

/** The comment elements' bodies, in page order. */
export async function bodies(page: Page): Promise<string[]> {
  return page.locator('[part~="comment"] [part~="body"]').allInnerTexts();
}

/** The selector of the page's composer's text box (none while the reader may not comment). */
export const COMPOSER_INPUT = '[part~="composer"] textarea[part~="composer-input"]';

export function composerInput(page: Page): Locator {
  return page.locator(COMPOSER_INPUT);
}

export async function postComment(page: Page, text: string): Promise<void> {
  const composer = page.locator('[part~="composer"]').first();
  await composer.locator('textarea[part~="composer-input"]').fill(text);
  await composer.locator('button[part~="composer-submit"]').click();
}

export function commentByText(page: Page, text: string) {
  return page.locator('[part~="comment"]', { has: page.locator('[part~="body"]', { hasText: text }) }).last();
}

/** A retrying assertion: polls until the matcher passes or the timeout runs out. */
export function eventually<T>(read: () => Promise<T> | T, timeout = 10_000) {
  return expect.poll(read, { timeout, interval: 50 });
}

/** The trimmed text of the first match, or null while there is none (never waits long). */
export function textOf(locator: Locator): Promise<string | null> {
  return locator
    .first()
    .innerText({ timeout: 500 })
    .then((t) => t.trim())
    .catch(() => null);
}

export function attrOf(locator: Locator, name: string): Promise<string | null> {
  return locator
    .first()
    .getAttribute(name, { timeout: 500 })
    .catch(() => null);
}

export interface FlakyPair {
  server: ParleyServer;
  browser: Browser;
  /** Between the flaky reader and the server: `cut()`, `restore()`, `cutOnReply()`. */
  proxy: TcpProxy;
  steady: Reader;
  flaky: Reader;
}

/**
 * A demo server with two readers of the thread: one connected directly, one through a TCP proxy the
 * test can cut. Everything is closed after the file's tests.
 */
export async function openSteadyAndFlaky(steadyPersona: string, flakyPersona: string): Promise<FlakyPair> {
  const server = await startDemoForTest();
  const browser = await launchChromium();
  const proxy = await startTcpProxy(server.port);
  afterAll(() => proxy.close());
  const steady = await openAs(browser, server.url, steadyPersona);
  const flaky = await openAs(browser, proxy.url, flakyPersona);
  return { server, browser, proxy, steady, flaky };
}
