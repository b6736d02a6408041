import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestServer } from '../test-helpers.js';

function widgetDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-widget-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('HTTP routes', () => {
  it('[HTTP-1] GET /health answers 200 JSON with ok and uptime', async () => {
    const server = await startTestServer();
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ ok: true, uptimeMs: expect.any(Number), connections: 0 });
  });

  it('[HTTP-2] serves built widget files as cross-origin JavaScript with a short cache', async () => {
    const dir = widgetDir({ 'parley.js': 'export const x = 1;', 'parley.js.map': '{}', 'chunks/yjs-ab12.js': '// chunk' });
    const server = await startTestServer({ widgetDir: dir });
    const res = await fetch(`${server.url}/parley.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await res.text()).toBe('export const x = 1;');
    expect((await fetch(`${server.url}/chunks/yjs-ab12.js`)).status).toBe(200);
    const map = await fetch(`${server.url}/parley.js.map`);
    expect(map.headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
  });

  it('[HTTP-3] says how to fix it when the widget is not built', async () => {
    const server = await startTestServer({ widgetDir: join(tmpdir(), 'parley-definitely-missing') });
    const res = await fetch(`${server.url}/parley.js`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('pnpm build') });
  });

  it('[HTTP-4] never serves files outside the widget directory', async () => {
    const parent = widgetDir({ 'secret.js': 'secret', 'widget/parley.js': 'ok' });
    const server = await startTestServer({ widgetDir: join(parent, 'widget') });
    for (const path of ['/../secret.js', '/%2e%2e/secret.js', '/..%2fsecret.js', '/.%2e/secret.js']) {
      const res = await fetch(`${server.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(await res.text()).not.toContain('secret"');
    }
  });

  it('[HTTP-5] unknown routes answer 404 JSON', async () => {
    const server = await startTestServer();
    const res = await fetch(`${server.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
    expect((await fetch(`${server.url}/health`, { method: 'POST' })).status).toBe(404);
  });

  it('[HTTP-6] onRequest runs first and may take over any route', async () => {
    const server = await startTestServer({
      onRequest: (req, res) => {
        if (req.url === '/article') {
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end('<h1>Article</h1>');
          return true;
        }
        if (req.url === '/boom') throw new Error('embedder bug');
        return false;
      },
    });
    expect(await (await fetch(`${server.url}/article`)).text()).toBe('<h1>Article</h1>');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/boom`)).status).toBe(500);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
