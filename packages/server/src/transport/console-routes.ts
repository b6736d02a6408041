/**
 * The moderators' console (SPEC CON-*): the page at `/admin` (packages/console, built like the
 * widget) and its JSON API under `/admin/api/` — documented in packages/server/README.md. Every API
 * call needs the session cookie (console-sessions.ts, console-session.ts); every mutation also its
 * CSRF header. The API's routes are console-api.ts's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, resolve, sep } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { ErrorCodes } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import { ParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ModerationEvent } from '../moderation/events.js';
import { ConsoleApi } from './console-api.js';
import { Problem, STATUS } from './console-http.js';
import { csrfOk } from './console-session.js';
import { ConsoleSessions } from './console-sessions.js';
import { sendJson } from './http-json.js';

export interface ConsoleDeps {
  ctx: CommandContext;
  logger: Logger;
  /** Where packages/console was built (index.html, assets/). */
  consoleDir: string;
  /** After-commit delivery of a command's output (the dispatcher's). */
  deliver(site: string, output: Omit<CommandOutput<unknown>, 'result'>): void;
  /** Thread gates changed: open widgets re-lock. */
  broadcastGates(site: string, thread: string): void;
  /** Moderation events of every node (relayed through the cluster adapter). */
  subscribe(listener: (event: ModerationEvent) => void): () => void;
}

const REVOKE_ROUTE = /^\/admin\/sites\/([^/]+)\/moderators\/([^/]+)\/revoke-console$/;

export class ConsoleRoutes {
  private readonly sessions: ConsoleSessions;
  private readonly consoleApi: ConsoleApi;

  constructor(private readonly deps: ConsoleDeps) {
    this.sessions = new ConsoleSessions(deps.ctx, deps.logger);
    this.consoleApi = new ConsoleApi(deps, this.sessions);
  }

  /** True when it answered (the path is the console's). */
  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    if (pathname === '/admin' || pathname === '/admin/' || pathname.startsWith('/admin/assets/')) {
      await this.serveFile(req, res, pathname);
      return true;
    }
    const revokeRoute = REVOKE_ROUTE.exec(pathname);
    if (revokeRoute) {
      await this.sessions.revokeByAdmin(req, res, revokeRoute);
      return true;
    }
    if (!pathname.startsWith('/admin/api/')) return false;
    try {
      await this.api(req, res, pathname.slice('/admin/api'.length));
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return true;
      }
      if (error instanceof Problem) sendJson(res, error.status, { error: error.code, message: error.message, ...error.details });
      else if (error instanceof ParleyError) sendJson(res, STATUS[error.code] ?? 400, { error: error.code, message: error.message, ...error.details });
      else throw error;
    }
    return true;
  }

  private async serveFile(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new Problem(405, 'method_not_allowed', 'Use GET.');
    const dir = this.deps.consoleDir;
    const name = pathname.startsWith('/admin/assets/') ? pathname.slice('/admin/'.length) : 'index.html';
    const file = resolve(join(dir, name));
    const inside = relative(dir, file);
    const info = inside.startsWith('..') || inside.startsWith(sep) || !/^[A-Za-z0-9/._-]+$/.test(name) ? null : await stat(file).catch(() => null);
    if (!info?.isFile()) {
      const built = await stat(join(dir, 'index.html')).catch(() => null);
      sendJson(res, 404, { error: 'not_found', message: built ? `No console file ${pathname}.` : `The console is not built yet (looked in ${dir}): run pnpm build.` });
      return;
    }
    const type = name.endsWith('.js') ? 'text/javascript; charset=utf-8' : name.endsWith('.css') ? 'text/css; charset=utf-8' : name.endsWith('.svg') ? 'image/svg+xml' : 'text/html; charset=utf-8';
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': body.length,
      'Cache-Control': name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // The console runs only its own code: no inline script, no framing (clickjacking a moderator's keystrokes).
      'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private async api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/session') return this.sessions.route(req, res, method);
    const found = await this.sessions.find(req);
    if (!found) throw new Problem(401, ErrorCodes.authRequired, 'Sign in to the console first.');
    const { site, session } = found;
    const mutation = method !== 'GET' && method !== 'HEAD';
    if (mutation && !csrfOk(req, site, session)) {
      throw new Problem(403, 'csrf', 'This request lacks the console\'s CSRF token (or came from another origin); reload the console.');
    }
    return this.consoleApi.handle(req, res, path, method, site, session);
  }
}
