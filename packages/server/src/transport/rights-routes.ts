/**
 * Readers' rights over the admin HTTP API (SPEC RIGHTS-1…RIGHTS-7), for the host's backend:
 *
 *   GET  /admin/sites/:site/readers/:user         everything Parley holds about the reader (one JSON)
 *   POST /admin/sites/:site/readers/:user/erase   erase the reader (idempotent), → { changed, summary, erasure }
 *
 * `:user` is the reader id (`sub`) percent-encoded. Authenticated like every admin route
 * (`Authorization: Bearer <admin token | adminKey>`, admin-routes.ts). An erasure's tombstones go to
 * the open widgets of each thread at once, and the erasure is logged (who, whom, what changed).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes, type ThreadEvent } from '@parley/protocol';
import type { CommandContext } from '../commands/context.js';
import type { Logger } from '../logger.js';
import { exportReader } from '../rights/reader-export.js';
import { eraseReader } from '../rights/erase-reader.js';
import { problem, requireAdmin, sendAdminError } from './admin-routes.js';
import { sendJson } from './http-json.js';

export interface RightsDeps {
  ctx: CommandContext;
  logger: Pick<Logger, 'info'>;
  /** Sends one thread's events to its open widgets (site, public thread id). */
  broadcastEvents(site: string, thread: string, events: ThreadEvent[]): void;
}

const ROUTE = /^\/admin\/sites\/([^/]+)\/readers\/([^/]+)(\/erase)?$/;
const MAX_USER_ID = 200;

function decode(segment: string, what: string): string {
  let value: string;
  try {
    value = decodeURIComponent(segment);
  } catch {
    throw problem(ErrorCodes.invalidPayload, `The ${what} in the path is not valid percent-encoding.`);
  }
  if (value.length === 0 || value.length > MAX_USER_ID) throw problem(ErrorCodes.invalidPayload, `The ${what} must be 1–${MAX_USER_ID} characters.`);
  return value;
}

async function answer(req: IncomingMessage, route: RegExpExecArray, deps: RightsDeps): Promise<unknown> {
  const [, siteName = '', userName = '', erase] = route;
  const site = deps.ctx.sites.get(decode(siteName, 'site'));
  if (!site) throw problem(ErrorCodes.unknownSite, 'This site is not hosted on this server.');
  const by = await requireAdmin(req, site);
  const user = decode(userName, 'reader id');
  if (!erase) {
    if (req.method !== 'GET') throw problem('method_not_allowed', "Use GET to export a reader's data, POST …/erase to erase them.");
    return exportReader(deps.ctx, site, user);
  }
  if (req.method !== 'POST') throw problem('method_not_allowed', 'Use POST to erase a reader.');
  // Drain (and ignore) a body: the erasure takes no options.
  for await (const _chunk of req as AsyncIterable<Buffer>) void _chunk;
  const { result, events } = await eraseReader(deps.ctx, site, user, by);
  const byThread = new Map<string, ThreadEvent[]>();
  for (const event of events) byThread.set(event.thread, [...(byThread.get(event.thread) ?? []), event]);
  for (const [thread, list] of byThread) deps.broadcastEvents(site.id, thread, list);
  deps.logger.info('reader erased', { site: site.id, user, by, changed: result.changed, ...result.summary });
  return result;
}

/** Answers a readers' rights request and returns true, or returns false when the path is not one. */
export async function handleRightsRequest(req: IncomingMessage, res: ServerResponse, pathname: string, deps: RightsDeps): Promise<boolean> {
  const route = ROUTE.exec(pathname);
  if (!route) return false;
  try {
    sendJson(res, 200, await answer(req, route, deps));
  } catch (error) {
    if (!sendAdminError(res, error)) throw error;
  }
  return true;
}
