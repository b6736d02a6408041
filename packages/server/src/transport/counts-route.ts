/**
 * Comment counts for listing pages (SPEC COUNT-1…COUNT-6): many `<parley-count>` elements on a page
 * are served by ONE request.
 *
 *   GET /counts?site=news&threads=world/1,world/2,…
 *   → 200 { "site": "news", "threads": { "world/1": { "comments": 12, "plus": 3, "minus": 0 } }, "unknown": ["world/2"] }
 *
 * - At most {@link MAX_THREADS} distinct ids a request (the element splits longer lists); ids are
 *   comma-separated (a thread id never holds a comma). An id that names no thread of the site — or
 *   is not a thread id at all — is listed in `unknown`, so one bad id does not blank a page.
 * - `site` may be left out when the server hosts one site, or one site allows the page's Origin.
 * - Origin rules are the widget's (sites/origins.ts): an Origin the site does not allow is refused
 *   (403 `origin_not_allowed`); a request without Origin passes for a site listing `same-origin`.
 *   The answer names the allowed Origin in `Access-Control-Allow-Origin`, with `Vary: Origin`.
 * - Cacheable: `Cache-Control: public, max-age=15, stale-while-revalidate=60` and a strong ETag of
 *   the body; `If-None-Match` with it answers 304. Counts may be 15 s old in a cache: a listing
 *   page is not the thread.
 * - Charged to the client address's guest read budget (`readsPerGuestIp`, cluster-wide with Redis),
 *   as the thread page is (COUNT-7): a script polling counts is refused with 429 and `Retry-After`
 *   while real listing pages (one request per 100 threads, cached 15 s) never come near it.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes } from '@parley/protocol';
import { threadKey, threadIdOf } from '../domain/thread-key.js';
import type { CommandContext } from '../commands/context.js';
import { originAllowed } from '../sites/origins.js';
import type { Site } from '../sites/site-config.js';
import { ParleyError } from '../errors.js';
import { addressKey, clientAddress, compileTrust, type TrustFn } from './client-address.js';
import { sendJson } from './http-json.js';
import { Charges, type Limit } from './rate-limit.js';

/** Ids per request: a listing page of 100 articles in one request; beyond it the element asks again. */
export const MAX_THREADS = 100;
export const COUNTS_CACHE_CONTROL = 'public, max-age=15, stale-while-revalidate=60';
const THREAD_ID = /^[A-Za-z0-9._:/-]{1,128}$/;

export interface CountsDeps {
  ctx: CommandContext;
  /** The guest read budget per client address (null: rate limits off). */
  guestReads?: () => Limit | null;
  /** Which proxies' `X-Forwarded-For` to believe (`compileTrust` of the server's `trustProxy`). */
  trust?: TrustFn;
}

export interface ThreadCount {
  comments: number;
  plus: number;
  minus: number;
}

function refuse(res: ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, message }, headers);
}

function chooseSite(ctx: CommandContext, named: string | null, origin: string | undefined, host: string | undefined): Site | string {
  if (named !== null) return ctx.sites.get(named) ?? `This server hosts no site "${named}".`;
  const only = ctx.sites.only;
  if (only) return only;
  const allowing = ctx.sites.sites.filter((site) => originAllowed(site, origin, host));
  if (allowing.length === 1 && allowing[0]) return allowing[0];
  return `This server hosts several sites (${ctx.sites.sites.map((s) => s.id).join(', ')}): add site=<id> (the site attribute of <parley-count>).`;
}

export async function handleCountsRequest(req: IncomingMessage, res: ServerResponse, url: URL, deps: CountsDeps): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    refuse(res, 405, 'method_not_allowed', 'Use GET /counts?site=<id>&threads=<id>,<id>…', { Allow: 'GET, HEAD' });
    return;
  }
  const origin = req.headers.origin;
  const host = req.headers.host;
  const site = chooseSite(deps.ctx, url.searchParams.get('site'), origin, host);
  if (typeof site === 'string') {
    refuse(res, url.searchParams.get('site') === null ? 400 : 404, url.searchParams.get('site') === null ? ErrorCodes.invalidPayload : ErrorCodes.unknownSite, site);
    return;
  }
  if (!originAllowed(site, origin, host)) {
    refuse(res, 403, ErrorCodes.originNotAllowed, `The page origin ${origin ?? '(none)'} is not allowed for site ${site.id}: add it to the site's "origins" in parley.config.json.`, { Vary: 'Origin' });
    return;
  }
  const cors: Record<string, string> = origin === undefined ? { Vary: 'Origin' } : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  const raw = url.searchParams.getAll('threads').join(',');
  const ids = [...new Set(raw.split(',').filter((id) => id !== ''))];
  if (ids.length === 0) {
    refuse(res, 400, ErrorCodes.invalidPayload, 'Name the threads: /counts?site=<id>&threads=<id>,<id>…', cors);
    return;
  }
  if (ids.length > MAX_THREADS) {
    refuse(res, 400, ErrorCodes.invalidPayload, `At most ${MAX_THREADS} threads per request (got ${ids.length}); ask in several requests.`, cors);
    return;
  }
  const budget = deps.guestReads?.();
  if (budget) {
    try {
      await new Charges().take(budget, addressKey(clientAddress({ address: req.socket.remoteAddress ?? '', headers: req.headers }, deps.trust ?? compileTrust(false))));
    } catch (error) {
      if (!(error instanceof ParleyError) || typeof error.details.retryAfterMs !== 'number') throw error;
      refuse(res, 429, error.code, error.message, { ...cors, 'Retry-After': String(Math.ceil(error.details.retryAfterMs / 1000)) });
      return;
    }
  }
  const valid = ids.filter((id) => THREAD_ID.test(id));
  const found = await deps.ctx.store.read((tx) => tx.porting.getThreads(valid.map((id) => threadKey(site.id, id))));
  const byId = new Map(found.map((t) => [threadIdOf(t.id), t]));
  const threads: Record<string, ThreadCount> = Object.create(null) as Record<string, ThreadCount>;
  const unknown: string[] = [];
  for (const id of ids) {
    const thread = byId.get(id);
    if (thread) threads[id] = { comments: thread.commentCount, plus: thread.plus, minus: thread.minus };
    else unknown.push(id);
  }
  const body = JSON.stringify({ site: site.id, threads, unknown });
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = { ...cors, 'Cache-Control': COUNTS_CACHE_CONTROL, ETag: etag };
  const match = req.headers['if-none-match'];
  if (match !== undefined && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}
