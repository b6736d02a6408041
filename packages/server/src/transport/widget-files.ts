import send from '@fastify/send';
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sendJson } from './http-json.js';

/** `/parley.js`, `/chunks/yjs-3f2a.js`, `/parley.js.map`: plain path segments only, no `..`. */
const WIDGET_PATH = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.js(?:\.map)?$/;

export const isWidgetPath = (pathname: string): boolean => WIDGET_PATH.test(pathname) && !pathname.includes('..');

/**
 * Everything under `chunks/` is named by its content hash (packages/widget/vite.config.ts), so a
 * browser may keep it for a year without asking. `parley.js` keeps its name across deploys: it is
 * revalidated on every use (a 304 of a few hundred bytes), so each page runs the entry that matches
 * this server and the chunks that exist now.
 */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, max-age=0, must-revalidate';

/** The variants the widget build writes beside each `.js` (`.br`, `.gz`), in the server's order of preference. */
const ENCODINGS = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
] as const;

/** q-values of an Accept-Encoding header (RFC 9110 §12.5.3); `*` stands for any coding not named. */
function acceptedCodings(header: string | undefined): (coding: string) => boolean {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  return (coding) => (q.get(coding) ?? q.get('*') ?? 0) > 0;
}

const fileStat = (path: string): Promise<Stats | null> => stat(path).catch(() => null);

/**
 * The precompressed variant to send: the first the client accepts whose file exists and is not
 * older than the original (a stale `.br` beside a rebuilt `.js` is never sent).
 */
async function pickVariant(file: string, original: Stats, acceptEncoding: string | undefined) {
  if (!file.endsWith('.js')) return null;
  const accepts = acceptedCodings(acceptEncoding);
  for (const encoding of ENCODINGS) {
    if (!accepts(encoding.coding)) continue;
    const info = await fileStat(file + encoding.suffix);
    if (info?.isFile() && info.mtimeMs >= original.mtimeMs) return encoding;
  }
  return null;
}

/**
 * Serves one built widget file from `widgetDir` through `@fastify/send` (ETag, If-None-Match → 304,
 * Range, HEAD), choosing its `.br`/`.gz` variant by Accept-Encoding (br, then gzip, then identity).
 */
export async function serveWidgetFile(
  req: IncomingMessage,
  res: ServerResponse,
  widgetDir: string,
  pathname: string,
): Promise<void> {
  const file = resolve(join(widgetDir, pathname));
  const inside = relative(widgetDir, file);
  if (inside.startsWith('..') || inside.startsWith(sep)) {
    sendJson(res, 404, { error: 'not_found', message: 'No such file.' });
    return;
  }
  const info = await fileStat(file);
  if (!info?.isFile()) {
    const builtAtAll = await fileStat(join(widgetDir, 'parley.js'));
    sendJson(res, 404, {
      error: 'not_found',
      message: builtAtAll
        ? `No widget file ${pathname}.`
        : `The widget is not built yet (looked in ${widgetDir}): run pnpm build.`,
    }, { 'Access-Control-Allow-Origin': '*' });
    return;
  }

  const variant = await pickVariant(file, info, req.headers['accept-encoding']);
  const result = await send(req, pathname + (variant?.suffix ?? ''), {
    root: widgetDir,
    // Cache-Control and Content-Type are ours: the type is the original's, not the variant's.
    cacheControl: false,
    contentType: false,
    // The ETag (size and mtime of the file sent, so each variant has its own) is the one validator.
    lastModified: false,
    index: false,
    dotfiles: 'deny',
  });
  if (result.type !== 'file') {
    // Unreachable through isWidgetPath but for a file that vanished mid-request, a bad Range (416) or If-Match (412).
    if (result.statusCode === 404 || result.statusCode === 403) {
      sendJson(res, 404, { error: 'not_found', message: `No widget file ${pathname}.` }, { 'Access-Control-Allow-Origin': '*' });
      return;
    }
    res.writeHead(result.statusCode, { ...result.headers, 'Access-Control-Allow-Origin': '*' });
    res.end();
    return;
  }

  const headers: Record<string, string | number> = {
    ...result.headers,
    // Any publisher's page loads the widget, so it must be fetchable cross-origin (module scripts use CORS).
    'Access-Control-Allow-Origin': '*',
    'Cache-Control': pathname.startsWith('/chunks/') ? IMMUTABLE : REVALIDATE,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
  };
  if (result.statusCode !== 304) {
    headers['Content-Type'] = pathname.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8';
    if (variant) headers['Content-Encoding'] = variant.coding;
  }
  res.writeHead(result.statusCode, headers);
  await pipeline(result.stream, res).catch(() => res.destroy());
}
