import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedConfig } from '../config.js';
import { handleAdminRequest, type AdminDeps } from './admin-routes.js';
import { sendJson } from './http-json.js';
import { isWidgetPath, serveWidgetFile } from './widget-files.js';
import { THREAD_PAGE_PATH } from './thread-page.js';

export interface HttpDeps {
  config: Pick<ResolvedConfig, 'widgetDir' | 'onRequest' | 'logger' | 'siteId'>;
  startedAt: number;
  /** Live figures for /health. */
  stats: () => Record<string, unknown>;
  /** `/metrics` in the Prometheus text format. */
  metrics?: { text(): Promise<string>; contentType: string };
  /** Readiness of what serving needs (the store, Redis when configured): every value must be true. */
  ready?: () => Promise<Record<string, boolean>>;
  /** The admin endpoint (thread gates); absent, `/admin/` is not served. */
  admin?: AdminDeps;
  /** `GET /api/thread-page` (thread-page.ts); absent, it is not served. */
  threadPage?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/**
 * Plain HTTP beside Socket.IO (which answers `/socket.io/` before this is reached). The embedder's
 * `onRequest` goes first so a host can serve its own pages on the same port.
 */
export function createHttpHandler(deps: HttpDeps) {
  const { config } = deps;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (config.onRequest && (await config.onRequest(req, res))) return;
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (deps.admin && pathname.startsWith('/admin/') && (await handleAdminRequest(req, res, pathname, deps.admin))) return;
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    if (readOnly && pathname === '/health') {
      sendJson(res, 200, { ok: true, uptimeMs: Date.now() - deps.startedAt, site: config.siteId, ...deps.stats() });
      return;
    }
    if (readOnly && pathname === '/metrics' && deps.metrics) {
      const body = await deps.metrics.text();
      res.writeHead(200, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    // Readiness for a load balancer: 200 only while the store (and Redis) answer; /health is liveness.
    if (readOnly && pathname === '/ready') {
      const checks = (await deps.ready?.()) ?? {};
      const ok = Object.values(checks).every(Boolean);
      sendJson(res, ok ? 200 : 503, { ok, ...checks });
      return;
    }
    if (readOnly && pathname === THREAD_PAGE_PATH && deps.threadPage) return deps.threadPage(req, res);
    if (readOnly && isWidgetPath(pathname)) {
      await serveWidgetFile(req, res, config.widgetDir, pathname);
      return;
    }
    sendJson(res, 404, { error: 'not_found', message: `Nothing at ${req.method ?? 'GET'} ${pathname}.` });
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((error: unknown) => {
      config.logger.error('HTTP request failed', { url: req.url, error });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: 'Something went wrong on the server.' });
      else res.destroy();
    });
  };
}
