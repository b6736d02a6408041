/**
 * Level gates on the real demo page in Chromium: the demo site gates commenting and replying at
 * LVL 13, like the reference page. A LVL 4 reader sees why and cannot post, even by hand; a LVL 13
 * reader posts; a page on another origin cannot connect at all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { signToken, type ParleyServer } from '@parley/server';
import { commentByText, composerInput, eventually, launchChromium, openAs, postComment, startDemoForTest, textOf, type Reader } from './harness.js';

const THREAD = 'world/2025/iran-offers-mediation-pakistan-afghanistan';

describe('level gates on the reference page', () => {
  let server: ParleyServer;
  let browser: Browser;
  let nadia: Reader;
  let sam: Reader;

  beforeAll(async () => {
    server = await startDemoForTest();
    browser = await launchChromium();
    sam = await openAs(browser, server.url, 'writer');
    nadia = await openAs(browser, server.url, 'newcomer', { composer: false });
  });

  it('a LVL 4 reader sees "Available from LVL 13" under "Add your comment" instead of a composer', async () => {
    const { page } = nadia;
    await eventually(() => textOf(page.locator('[part~="lock-reason"]'))).toBe('Available from LVL 13');
    await eventually(() => textOf(page.locator('[part~="locked"]'))).toContain('Add your comment');
    expect(await composerInput(page).count()).toBe(0);
    const reply = page.locator('[part~="comment"]').first().locator('button[part~="reply"]');
    expect(await reply.isDisabled()).toBe(true);
    expect(await reply.getAttribute('title')).toBe('Available from LVL 13');
  });

  it('the same reader posting by hand through a crafted socket is refused with level_required', async () => {
    // Straight to the server, as a hostile reader with a hand-written Socket.IO client would.
    const { io } = await import('socket.io-client');
    const token = ((await (await fetch(`${server.url}/demo/token?persona=newcomer`)).json()) as { token: string }).token;
    const socket = io(server.url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
    const ack = (await socket.timeout(5000).emitWithAck('comment:post', {
      requestId: 'crafted-1',
      thread: 'world/2025/iran-offers-mediation-pakistan-afghanistan',
      body: 'I should not be here',
    })) as { ok: boolean; error?: { code: string; required: number; level: number } };
    socket.disconnect();
    expect(ack).toMatchObject({ ok: false, error: { code: 'level_required', required: 13, level: 4 } });
    await eventually(() => commentByText(sam.page, 'I should not be here').count()).toBe(0);
  });

  it('a LVL 13 reader posts, and the locked reader sees it arrive', async () => {
    await postComment(sam.page, 'Level thirteen and allowed to speak.');
    await eventually(() => commentByText(nadia.page, 'Level thirteen and allowed to speak.').count()).toBe(1);
    await eventually(() => textOf(commentByText(nadia.page, 'Level thirteen').locator('[part~="level"]'))).toBe('LVL 13');
  });

  it('a host raising the gate locks the open widget live, and lowering it unlocks it', async () => {
    // As a host's admin script would: an admin token for the demo site, then the admin endpoint.
    const secret = process.env.PARLEY_SECRET ?? 'parley-demo-secret-not-for-production';
    const admin = await signToken(secret, { sub: 'host-admin', role: 'admin' }, { audience: 'demo', expiresIn: '5m' });
    const url = `${server.url}/admin/sites/demo/threads/${encodeURIComponent(THREAD)}/gates`;
    const put = (gates: Record<string, number>) =>
      fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ gates }) });
    expect((await put({ comment: 20, plus: 20, minus: 20 })).status).toBe(200);
    // Sam (LVL 13) had an open composer: it turns into the lock without a reload.
    await eventually(() => textOf(sam.page.locator('[part~="lock-reason"]'))).toBe('Available from LVL 20');
    await eventually(() => composerInput(sam.page).count()).toBe(0);
    await eventually(() => sam.page.locator('button[part~="plus"]').getAttribute('title')).toBe('Available from LVL 20');
    await eventually(() => textOf(sam.page.locator('[part~="vote-lock"]'))).toBe('Available from LVL 20');
    expect((await put({})).status).toBe(200);
    await eventually(() => composerInput(sam.page).count()).toBe(1);
    await eventually(() => sam.page.locator('[part~="vote-lock"]').count()).toBe(0);
    // Nadia (LVL 4) stays behind the site's own gate, which no thread goes below.
    await eventually(() => textOf(nadia.page.locator('[part~="lock-reason"]'))).toBe('Available from LVL 13');
  });

  describe('a page on another origin', () => {
    let foreign: Server;
    let foreignUrl: string;

    beforeAll(async () => {
      // A different port is a different origin: it embeds the widget exactly as a copycat site would.
      foreign = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<!doctype html><script type="module" src="${server.url}/parley.js"></script>
          <parley-thread thread="world/2025/iran-offers-mediation-pakistan-afghanistan"></parley-thread>`);
      });
      await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
      foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => foreign.close(() => resolve())));

    it('is refused: the widget never connects and shows no comments', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const refusals: number[] = [];
      page.on('response', (response) => {
        if (response.url().includes('/socket.io/')) refusals.push(response.status());
      });
      page.on('websocket', (ws) => ws.on('socketerror', () => refusals.push(0)));
      await page.goto(`${foreignUrl}/`);
      await eventually(() => textOf(page.locator('[part~="status"]'))).toMatch(/Offline|Reconnecting|Connecting/);
      await eventually(() => refusals.length).toBeGreaterThan(0);
      // The same handshake from that origin, by hand: refused before any Socket.IO session exists.
      const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: foreignUrl } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      const allowed = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: server.url } });
      expect(allowed.status).toBe(200);
      expect(await page.locator('[part~="comment"]').count()).toBe(0);
      await context.close();
    });
  });

  it('nothing was written to the console as an error on the allowed page', () => {
    expect(sam.errors).toEqual([]);
  });
});
