/**
 * The widget on the wire: what a browser downloads to run `parley.js` and its chunks on a first
 * visit, a reload right after, and a visit ten minutes later, from two servers over 127.0.0.1:
 *
 * - before: the widget as `packages/server/src/transport/widget-files.ts` served it before
 *   precompression (identity only, `max-age=300`, no validator), replicated here in a few lines;
 * - after: `parley serve` as it is (`.br`/`.gz` by Accept-Encoding, ETag, immutable chunks).
 *
 * The client is modelled on Chromium: it sends Chromium's Accept-Encoding, follows the static
 * imports of each module (the critical path) and then the lazy `import()`s, keeps an HTTP cache
 * (fresh entries are used without a request, stale ones with an ETag are revalidated, others
 * fetched again) and, like Chromium's reload, revalidates a subresource only when it is stale.
 * Bytes are those of the responses as received: status line, headers and the body undecoded
 * (HTTP/1.1, no TLS). Run alone: `node packages/bench/dist/scenarios/widget-wire.js` after
 * `pnpm build`.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startParleyServer } from '@parley/server';

/** packages/widget/dist, from packages/bench/dist/scenarios/. */
const distDir = fileURLToPath(new URL('../../../widget/dist/', import.meta.url));
const CHROMIUM_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

interface CacheEntry {
  storedAt: number;
  maxAgeMs: number;
  etag?: string;
  text: string;
}

interface Fetched {
  url: string;
  /** 'network' 200, 'revalidated' 304, or 'cache' (no request). */
  how: 'network' | 'revalidated' | 'cache';
  bytes: number;
  encoding: string;
}

export interface PageLoad {
  /** parley.js and everything it imports statically: what runs before the first comment can show. */
  criticalBytes: number;
  /** Every response, lazy chunks included. */
  totalBytes: number;
  requests: number;
  files: Fetched[];
}

export interface WireRun {
  server: string;
  firstVisit: PageLoad;
  reload: PageLoad;
  visitAfter10Min: PageLoad;
}

export type WidgetWireResult = { built: false; path: string } | { built: true; runs: WireRun[] };

function maxAgeMs(cacheControl: string | undefined): number {
  if (!cacheControl || /no-cache|no-store/.test(cacheControl)) return 0;
  const match = /max-age=(\d+)/.exec(cacheControl);
  return match ? Number(match[1]) * 1000 : 0;
}

/** Bytes of a response as it crossed the socket: status line, headers, body (HTTP/1.1 framing). */
function responseBytes(res: IncomingMessage, body: Buffer): number {
  let head = `HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}\r\n`;
  for (let i = 0; i < res.rawHeaders.length; i += 2) head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
  return Buffer.byteLength(`${head}\r\n`) + body.length;
}

function get(url: string, headers: Record<string, string>): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

function decode(body: Buffer, encoding: string): string {
  if (encoding === 'br') return brotliDecompressSync(body).toString();
  if (encoding === 'gzip') return gunzipSync(body).toString();
  return body.toString();
}

/** A browser's HTTP cache and module loader, with a clock the scenario moves. */
class Browser {
  readonly cache = new Map<string, CacheEntry>();
  now = 0;

  async fetchModule(url: string): Promise<{ fetched: Fetched; text: string }> {
    const cached = this.cache.get(url);
    if (cached && this.now - cached.storedAt < cached.maxAgeMs) {
      return { fetched: { url, how: 'cache', bytes: 0, encoding: '-' }, text: cached.text };
    }
    const headers: Record<string, string> = { 'Accept-Encoding': CHROMIUM_ACCEPT_ENCODING, Origin: 'https://publisher.example' };
    if (cached?.etag) headers['If-None-Match'] = cached.etag;
    const { res, body } = await get(url, headers);
    const bytes = responseBytes(res, body);
    const cacheControl = res.headers['cache-control'];
    if (res.statusCode === 304 && cached) {
      Object.assign(cached, { storedAt: this.now, maxAgeMs: maxAgeMs(cacheControl) });
      return { fetched: { url, how: 'revalidated', bytes, encoding: '-' }, text: cached.text };
    }
    if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode ?? 0}`);
    const encoding = res.headers['content-encoding'] ?? 'identity';
    const text = decode(body, encoding);
    this.cache.set(url, { storedAt: this.now, maxAgeMs: maxAgeMs(cacheControl), ...(res.headers.etag && { etag: res.headers.etag }), text });
    return { fetched: { url, how: 'network', bytes, encoding }, text };
  }

  /** Loads `entry` and its static imports, then the lazy ones (as the widget does after first paint). */
  async loadPage(entry: string): Promise<PageLoad> {
    const files: Fetched[] = [];
    const seen = new Set<string>();
    const lazy: string[] = [];
    const load = async (url: string): Promise<void> => {
      if (seen.has(url)) return;
      seen.add(url);
      const { fetched, text } = await this.fetchModule(url);
      files.push(fetched);
      for (const match of text.matchAll(/import\(\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g)) lazy.push(new URL(match[1] ?? '', url).href);
      const statics = [...text.matchAll(/(?:\bfrom|\bimport)\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g)];
      for (const match of statics) await load(new URL(match[1] ?? '', url).href);
    };
    await load(entry);
    const criticalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
    while (lazy.length > 0) await load(lazy.shift() ?? '');
    return { criticalBytes, totalBytes: files.reduce((sum, file) => sum + file.bytes, 0), requests: files.filter((f) => f.how !== 'cache').length, files };
  }
}

/** The widget files as served before precompression: identity, `max-age=300`, no ETag. */
function startBeforeServer(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = join(dir, pathname);
    if (!pathname.endsWith('.js') || pathname.includes('..')) return void res.writeHead(404).end();
    void Promise.all([stat(file), readFile(file)]).then(
      ([info, body]) => {
        res.writeHead(200, {
          'Content-Type': 'text/javascript; charset=utf-8',
          'Content-Length': info.size,
          'Access-Control-Allow-Origin': '*',
          'Cache-Control': 'public, max-age=300',
          'X-Content-Type-Options': 'nosniff',
        });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function visits(server: string, origin: string): Promise<WireRun> {
  const browser = new Browser();
  const entry = `${origin}/parley.js`;
  const firstVisit = await browser.loadPage(entry);
  browser.now += 1_000;
  const reload = await browser.loadPage(entry);
  browser.now += 10 * 60_000;
  const visitAfter10Min = await browser.loadPage(entry);
  return { server, firstVisit, reload, visitAfter10Min };
}

export async function measureWidgetWire(dir = distDir): Promise<WidgetWireResult> {
  const path = join(dir, 'parley.js');
  if (!(await stat(path).catch(() => null))) return { built: false, path };
  const runs: WireRun[] = [];

  const before = await startBeforeServer(dir);
  try {
    runs.push(await visits('before: identity, max-age=300, no ETag', `http://127.0.0.1:${(before.address() as AddressInfo).port}`));
  } finally {
    await new Promise((resolve) => before.close(resolve));
  }

  const parley = await startParleyServer({
    port: 0, host: '127.0.0.1', dbPath: ':memory:', secret: 'bench-widget-wire-secret-0123456789abcdef',
    siteId: 'bench', rateLimit: false, logger: false, widgetDir: dir,
  });
  try {
    runs.push(await visits('after: parley serve (br/gzip, ETag, immutable chunks)', parley.url));
  } finally {
    await parley.close();
  }
  return { built: true, runs };
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export function widgetWireSection(result: WidgetWireResult): string {
  if (!result.built) return `Widget on the wire: not built (${result.path}); run pnpm build.`;
  const lines = ['Widget on the wire (Chromium-like client over 127.0.0.1; response bytes incl. headers; critical = parley.js + static imports)'];
  const row = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(56) : cell.padStart(31))).join('');
  lines.push(row(['', 'first visit', 'reload (1 s later)', 'visit 10 min later']));
  for (const run of result.runs) {
    const cell = (load: PageLoad) => `${kb(load.criticalBytes)} / ${kb(load.totalBytes)} (${load.requests} req)`;
    lines.push(row([run.server, cell(run.firstVisit), cell(run.reload), cell(run.visitAfter10Min)]));
  }
  lines.push('  each cell: critical path / everything, lazy chunks included (requests sent)');
  for (const run of result.runs) {
    lines.push(`  ${run.server}, first visit:`);
    for (const file of run.firstVisit.files) lines.push(`    ${new URL(file.url).pathname.padEnd(40)} ${file.encoding.padEnd(9)} ${String(file.bytes).padStart(8)} B`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await measureWidgetWire(process.argv[2] ?? distDir);
  console.log(widgetWireSection(result));
  console.log(JSON.stringify(result.built ? result.runs.map(({ server, firstVisit, reload, visitAfter10Min }) => ({
    server,
    firstVisit: { criticalBytes: firstVisit.criticalBytes, totalBytes: firstVisit.totalBytes },
    reload: { totalBytes: reload.totalBytes, requests: reload.requests },
    visitAfter10Min: { totalBytes: visitAfter10Min.totalBytes, requests: visitAfter10Min.requests },
  })) : result));
}
