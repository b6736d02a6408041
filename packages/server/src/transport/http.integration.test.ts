import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestServer } from '../test-helpers.js';

function widgetDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-widget-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A built widget as the Vite build leaves it: each `.js` with its `.br` and `.gz` beside it. */
const ENTRY = `export const greeting = ${JSON.stringify('hello, readers '.repeat(200))};\n`;
const CHUNK = `export const later = ${JSON.stringify('loaded after the comments '.repeat(100))};\n`;
function builtWidget(extra: Record<string, string | Buffer> = {}): string {
  const files: Record<string, string | Buffer> = { 'parley.js.map': '{}', ...extra };
  for (const [name, text] of [['parley.js', ENTRY], ['chunks/live-room-Ab12Cd34.js', CHUNK]] as const) {
    files[name] = text;
    files[`${name}.br`] = brotliCompressSync(text);
    files[`${name}.gz`] = gzipSync(text);
  }
  return widgetDir(files);
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as they came off the wire (not decoded). */
  body: Buffer;
}

/**
 * A GET (or HEAD) that, unlike fetch, sends exactly this path (`..` and all) and these headers, and
 * never decodes the body.
 */
function rawGet(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const { origin } = new URL(url);
  const { hostname, port } = new URL(origin);
  const path = url.slice(origin.length);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

const decode = (res: RawResponse): string => {
  const coding = res.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(res.body).toString();
  if (coding === 'gzip') return gunzipSync(res.body).toString();
  return res.body.toString();
};

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

  it('[HTTP-7] sends the precompressed variant the client accepts: brotli, else gzip, else identity, with Vary', async () => {
    const server = await startTestServer({ widgetDir: builtWidget() });
    const cases: [string | undefined, string | undefined][] = [
      ['gzip, deflate, br, zstd', 'br'], // Chromium
      ['br', 'br'],
      ['*', 'br'],
      ['gzip, deflate', 'gzip'],
      ['gzip, br;q=0', 'gzip'],
      ['identity', undefined],
      ['br;q=0, gzip;q=0', undefined],
      [undefined, undefined],
    ];
    for (const path of ['/parley.js', '/chunks/live-room-Ab12Cd34.js']) {
      for (const [accept, coding] of cases) {
        const res = await rawGet(`${server.url}${path}`, accept === undefined ? {} : { 'Accept-Encoding': accept });
        const seen = { path, accept, status: res.status, coding: res.headers['content-encoding'], vary: res.headers.vary };
        expect(seen).toEqual({ path, accept, status: 200, coding, vary: 'Accept-Encoding' });
        expect(res.headers['content-type']).toMatch(/^text\/javascript/);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(Number(res.headers['content-length'])).toBe(res.body.length);
        expect(decode(res)).toBe(path === '/parley.js' ? ENTRY : CHUNK);
      }
    }
    const br = await rawGet(`${server.url}/parley.js`, { 'Accept-Encoding': 'br' });
    expect(br.body.length).toBeLessThan(Buffer.byteLength(ENTRY) / 10);
  });

  it('[HTTP-7] never sends a variant older than the file it stands for, and serves a file without variants as is', async () => {
    const dir = builtWidget({ 'chunks/plain-Zz99.js': '// no variants' });
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, 'parley.js.br'), old, old);
    const server = await startTestServer({ widgetDir: dir });
    const res = await rawGet(`${server.url}/parley.js`, { 'Accept-Encoding': 'gzip, br' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(decode(res)).toBe(ENTRY);
    const plain = await rawGet(`${server.url}/chunks/plain-Zz99.js`, { 'Accept-Encoding': 'gzip, br' });
    expect({ status: plain.status, coding: plain.headers['content-encoding'], body: plain.body.toString() })
      .toEqual({ status: 200, coding: undefined, body: '// no variants' });
  });

  it('[HTTP-8] every widget file has an ETag per encoding; If-None-Match with it answers 304 with no body', async () => {
    const server = await startTestServer({ widgetDir: builtWidget() });
    const etags = new Set<string>();
    for (const path of ['/parley.js', '/chunks/live-room-Ab12Cd34.js']) {
      for (const accept of ['br', 'gzip', 'identity']) {
        const first = await rawGet(`${server.url}${path}`, { 'Accept-Encoding': accept });
        const etag = first.headers.etag;
        expect(etag).toMatch(/^(W\/)?".+"$/);
        etags.add(etag ?? '');
        const again = await rawGet(`${server.url}${path}`, { 'Accept-Encoding': accept, 'If-None-Match': etag ?? '' });
        expect({ path, accept, status: again.status, bytes: again.body.length }).toEqual({ path, accept, status: 304, bytes: 0 });
        expect(again.headers.etag).toBe(etag);
        expect(again.headers['cache-control']).toBe(first.headers['cache-control']);
        expect(again.headers.vary).toBe('Accept-Encoding');
        expect(again.headers['access-control-allow-origin']).toBe('*');
        // A list that holds it matches too; another ETag gets the file.
        expect((await rawGet(`${server.url}${path}`, { 'Accept-Encoding': accept, 'If-None-Match': `"other", ${etag}` })).status).toBe(304);
        expect((await rawGet(`${server.url}${path}`, { 'Accept-Encoding': accept, 'If-None-Match': '"other"' })).status).toBe(200);
      }
    }
    expect(etags.size).toBe(6);
    const head = await rawGet(`${server.url}/parley.js`, { 'Accept-Encoding': 'br' }, 'HEAD');
    expect({ status: head.status, coding: head.headers['content-encoding'], bytes: head.body.length }).toEqual({ status: 200, coding: 'br', bytes: 0 });
  });

  it('[HTTP-9] parley.js is revalidated on every use; hashed chunks are immutable for a year', async () => {
    const server = await startTestServer({ widgetDir: builtWidget() });
    for (const accept of ['br', 'identity']) {
      const entry = await rawGet(`${server.url}/parley.js`, { 'Accept-Encoding': accept });
      expect(entry.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
      const chunk = await rawGet(`${server.url}/chunks/live-room-Ab12Cd34.js`, { 'Accept-Encoding': accept });
      expect(chunk.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await rawGet(`${server.url}/parley.js.map`)).headers['cache-control']).toBe('public, max-age=0, must-revalidate');
  });

  it('[HTTP-10] variants are not served by their own names, nothing outside the widget directory is, unknown files are 404', async () => {
    const parent = widgetDir({
      'secret.js': 'secret', 'secret.js.br': brotliCompressSync('secret'), 'secret.js.gz': gzipSync('secret'),
      'widget/parley.js': 'ok', 'widget/orphan.js.br': brotliCompressSync('orphan'),
    });
    const server = await startTestServer({ widgetDir: join(parent, 'widget') });
    const paths = [
      '/../secret.js', '/%2e%2e/secret.js', '/..%2fsecret.js', '/.%2e/secret.js', '/chunks/..%2f..%2fsecret.js',
      '/%2e%2e%2fsecret.js', '/parley.js.br', '/parley.js.gz', '/orphan.js', '/missing.js', '/chunks/missing-0000.js',
    ];
    for (const path of paths) {
      const res = await rawGet(`${server.url}${path}`, { 'Accept-Encoding': 'gzip, br' });
      expect({ path, status: res.status, coding: res.headers['content-encoding'] }).toEqual({ path, status: 404, coding: undefined });
      expect(res.body.toString()).not.toContain('secret"');
      expect(res.headers['content-type']).toMatch(/json/);
    }
  });
});
