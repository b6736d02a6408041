/**
 * Setup errors that explain themselves (issue 13), in Chromium, on a publisher's page on another
 * origin: [PAINT-13] an origin the site does not list, no `site` on a server hosting several, an
 * unreachable server — each a short message in the widget and the fix in the console;
 * [PAINT-14] an expired token reads as a guest.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signToken, startParleyServer, type ParleyServer } from '@parley/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, launchChromium, textOf } from './harness.js';

const SECRET = 'setup-errors-secret-0123456789abcdef0123';
const THREAD = 'culture/setup';

let parley: ParleyServer;
/** A second server whose site lists the publisher's origin. */
let allowed: ParleyServer;
let page: { server: Server; origin: string };
let browser: Browser;
/** The widget's attributes the next page load uses (a query string picks them). */
const pages = new Map<string, string>();

function publisher(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const attributes = pages.get(new URL(req.url ?? '/', 'http://x').pathname) ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Setup</title>
<script type="module" src="${parley.url}/parley.js"></script></head>
<body><parley-thread ${attributes} thread="${THREAD}"></parley-thread></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

beforeAll(async () => {
  parley = await startParleyServer({
    port: 0,
    dbPath: ':memory:',
    logger: false,
    sites: [
      { id: 'culture', secret: SECRET, origins: ['https://culture.example'] },
      { id: 'sport', secret: SECRET, origins: ['https://sport.example'] },
    ],
  });
  await parley.upsertThread({ id: THREAD }, 'culture');
  page = await publisher();
  allowed = await startParleyServer({ port: 0, dbPath: ':memory:', logger: false, sites: [{ id: 'culture', secret: SECRET, origins: [page.origin] }] });
  await allowed.upsertThread({ id: THREAD });
  browser = await launchChromium();
});

afterAll(async () => {
  page.server.close();
  await parley.close();
  await allowed.close();
});

async function open(path: string, attributes: string): Promise<{ page: Page; warnings: string[] }> {
  pages.set(path, attributes);
  const context = await browser.newContext();
  const tab = await context.newPage();
  const warnings: string[] = [];
  tab.on('console', (msg) => {
    if (msg.type() === 'warning') warnings.push(msg.text());
  });
  await tab.goto(`${page.origin}${path}`);
  return { page: tab, warnings };
}

describe('setup errors', () => {
  it('[PAINT-13] a page on an origin the site does not list says so in the widget, and the console says what to add', async () => {
    const { page: tab, warnings } = await open('/disallowed', `server="${parley.url}" site="culture"`);
    const problem = tab.locator('[part~="problem"]');
    await eventually(() => textOf(problem)).toContain('This discussion cannot be shown here');
    expect(await textOf(problem)).toContain(`add ${JSON.stringify(page.origin)} to that site's "origins"`);
    await eventually(() => warnings.join('\n')).toContain(`add ${JSON.stringify(page.origin)} to that site's "origins"`);
    await tab.context().close();
  });

  it('[PAINT-13] no site on a server hosting several, none of which lists the page: the widget asks for the site attribute', async () => {
    const { page: tab, warnings } = await open('/no-site', `server="${parley.url}"`);
    await eventually(() => textOf(tab.locator('[part~="problem"]'))).toContain("widget's `site` attribute");
    await eventually(() => warnings.join('\n')).toContain('this server hosts several');
    await tab.context().close();
  });

  it('[PAINT-13] a thread id that is not one: the widget names it, the console says what a thread id is', async () => {
    // On a server whose site lists the page (the first attribute of a name wins in HTML).
    const { page: tab, warnings } = await open('/bad-thread', `server="${allowed.url}" site="culture" thread="not a thread id!"`);
    await eventually(() => textOf(tab.locator('[part~="problem"]'))).toContain('thread id "not a thread id!" is not valid');
    await eventually(() => warnings.join('\n')).toContain('use letters, digits and . _ : / - only');
    await tab.context().close();
  });

  it('[PAINT-13] an unreachable server: the widget says it is trying again, the console names the server and the attribute to check', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    closed.close();
    const { page: tab, warnings } = await open('/unreachable', `server="${dead}" site="culture"`);
    await eventually(() => textOf(tab.locator('[part~="problem"]'))).toContain('could not be reached');
    await eventually(() => warnings.join('\n')).toContain(`the Parley server at ${dead} could not be reached`);
    await tab.context().close();
  });

  it('[PAINT-14] an expired token reads as a guest: the comments show, live, with a word on why and the fix in the console', async () => {
    {
      await allowed.dispatch({ id: 'ana', name: 'Ana', avatar: null, level: 5, role: 'reader' }, 'comment:post', { requestId: 'setup-1', thread: THREAD, body: 'Still readable.' });
      const expired = await signToken(SECRET, { sub: 'ana', name: 'Ana' }, { audience: 'culture', expiresIn: -60 });
      const { page: tab, warnings } = await open('/expired', `server="${allowed.url}" site="culture" token="${expired}"`);
      await tab.locator('[part~="status"][data-status="connected"]').waitFor();
      await eventually(() => textOf(tab.locator('[part~="comment"] [part~="body"]'))).toBe('Still readable.');
      expect(await tab.locator('[part~="sign-in"]').count()).toBe(1);
      await eventually(() => textOf(tab.locator('[part~="problem"]'))).toContain('reading as a guest');
      await eventually(() => warnings.join('\n')).toContain("refused the reader's token");
      await tab.context().close();
    }
  });
});
