import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, resolve, sep } from 'node:path';
import { sendJson } from './http-json.js';

/** `/parley.js`, `/chunks/yjs-3f2a.js`, `/parley.js.map`: plain path segments only, no `..`. */
const WIDGET_PATH = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.js(?:\.map)?$/;

export const isWidgetPath = (pathname: string): boolean => WIDGET_PATH.test(pathname) && !pathname.includes('..');

const headersFor = (pathname: string, size: number): Record<string, string | number> => ({
  'Content-Type': pathname.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8',
  'Content-Length': size,
  // Any publisher's page loads the widget, so it must be fetchable cross-origin (module scripts use CORS).
  'Access-Control-Allow-Origin': '*',
  // Short, because `parley.js` has a stable name: a deploy reaches every page within minutes.
  'Cache-Control': 'public, max-age=300',
  'X-Content-Type-Options': 'nosniff',
});

/** Serves one built widget file from `widgetDir`. */
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
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    const builtAtAll = await stat(join(widgetDir, 'parley.js')).catch(() => null);
    sendJson(res, 404, {
      error: 'not_found',
      message: builtAtAll
        ? `No widget file ${pathname}.`
        : `The widget is not built yet (looked in ${widgetDir}): run pnpm build.`,
    }, { 'Access-Control-Allow-Origin': '*' });
    return;
  }
  res.writeHead(200, headersFor(pathname, info.size));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
