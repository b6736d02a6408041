/**
 * `GET /api/thread-page?site=…&thread=…&sort=…&pageSize=…` — the first page of a thread over one
 * cacheable HTTP request, so the widget shows comments before it has loaded Socket.IO (SPEC PAINT-*).
 *
 * It answers what a guest's `thread:join` answers (the same snapshot: thread view with its `seq`, the
 * page, the guest viewer with the thread's gates), plus the site's economy rules as a guest sees them,
 * so the widget can draw everything above the comments where it will stay. Checked exactly like the
 * socket join: the site named (or the only one), the page's Origin against that site's `origins`
 * (SPEC ORIGIN-1, ORIGIN-4), the input against the join's schema, an unknown thread `not_found` (a
 * GET never creates one), and charged to the guest read budget of the client address, as a join is.
 *
 * Caching: `Cache-Control: public, no-cache` with a strong ETag over the (uncompressed) body — every view revalidates
 * (a reload of an unchanged thread costs a 304 with no body) and nothing stale is ever shown.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { ErrorCodes, THREAD_PAGE_PATH, type ThreadPageResponse } from '@parley/protocol';
import { describeIssues, ThreadJoinInput } from '@parley/protocol/schemas';
import type { CommandContext } from '../commands/context.js';
import { joinThread } from '../commands/join-thread.js';
import { economyState } from '../economy/economy-state.js';
import { ParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import { originAllowed, originExplicitlyAllowed, originRefusalMessage } from '../sites/origins.js';
import type { SiteDirectory } from '../sites/site-config.js';
import { addressKey, clientAddress, compileTrust, type TrustProxy } from './client-address.js';
import { Charges, type Limit } from './rate-limit.js';

export { THREAD_PAGE_PATH, type ThreadPageResponse };

export interface ThreadPageDeps {
  ctx: CommandContext;
  sites: SiteDirectory;
  logger: Logger;
  trustProxy: TrustProxy;
  /** The guest read budget per address (the one joins are charged to); null = no rate limits. */
  guestReads: () => Limit | null;
}

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

function fail(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ code, message });
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

const statusOf: Partial<Record<string, number>> = {
  [ErrorCodes.notFound]: 404,
  [ErrorCodes.unknownSite]: 404,
  [ErrorCodes.rateLimited]: 429,
  [ErrorCodes.invalidPayload]: 400,
};

export function threadPageHandler(deps: ThreadPageDeps) {
  const trust = compileTrust(deps.trustProxy);
  return async function serveThreadPage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = first(req.headers.origin);
    const host = first(req.headers.host);
    const siteName = url.searchParams.get('site') ?? '';
    // As the handshake chooses (SPEC SITE-4): the site named, the only one, or the one site that lists this Origin.
    const site = siteName === '' ? deps.sites.implicit(origin, (candidate, from) => originExplicitlyAllowed(candidate, from, host)) : deps.sites.get(siteName);
    if (!site) {
      const shownOrigin = origin === undefined ? '(none sent)' : JSON.stringify(origin.slice(0, 200));
      const message = siteName
        ? `Site ${JSON.stringify(siteName.slice(0, 80))} is not hosted on this server: check the widget's \`site\` attribute against the server's configuration.`
        : `Say which site this page belongs to (the widget's \`site\` attribute): this server hosts several and none of them lists the page's origin ${shownOrigin} alone.`;
      deps.logger.warn('page refused', { reason: ErrorCodes.unknownSite, site: siteName ? siteName.slice(0, 80) : null, origin: origin ?? null });
      return fail(res, 404, ErrorCodes.unknownSite, message, { Vary: 'Origin', ...(origin && { 'Access-Control-Allow-Origin': origin }) });
    }
    // The same rule as the socket handshake: the page's Origin must be one the site lists.
    // The refusal itself is readable by the refused page (CORS), so the widget can say what to fix;
    // it holds nothing but that message.
    const readable: Record<string, string> = origin ? { 'Access-Control-Allow-Origin': origin } : {};
    if (!originAllowed(site, origin, host)) {
      deps.logger.warn('page refused', { reason: ErrorCodes.originNotAllowed, site: site.id, origin: origin ?? null });
      return fail(res, 403, ErrorCodes.originNotAllowed, originRefusalMessage(site, origin), { Vary: 'Origin', ...readable });
    }
    // Allowed: the browser may read the answer (errors included, so the widget can show them).
    const cors: Record<string, string> = { Vary: 'Origin, Accept-Encoding', ...(origin ? { 'Access-Control-Allow-Origin': origin } : {}) };
    const pageSize = url.searchParams.get('pageSize');
    const parsed = ThreadJoinInput.safeParse({
      thread: url.searchParams.get('thread') ?? undefined,
      ...(url.searchParams.has('sort') && { sort: url.searchParams.get('sort') }),
      ...(pageSize !== null && { pageSize: /^\d{1,4}$/.test(pageSize) ? Number(pageSize) : pageSize }),
    });
    if (!parsed.success) {
      const issues = describeIssues(parsed.error);
      return fail(res, 400, ErrorCodes.invalidPayload, `The request is malformed: ${JSON.stringify(issues).slice(0, 300)}`, cors);
    }
    const charges = new Charges();
    try {
      const budget = deps.guestReads();
      if (budget) {
        const address = clientAddress({ address: req.socket.remoteAddress ?? '', headers: req.headers }, trust);
        await charges.take(budget, addressKey(address));
      }
      const { thread, sort, pageSize: size } = parsed.data;
      // No claim and no paste-and-go: a GET only reads; a thread nobody created is `not_found`.
      const joined = await joinThread(deps.ctx, null, { thread, ...(sort && { sort }), ...(size && { pageSize: size }) }, site.id, {});
      const join = joined.result;
      if (join.mode !== 'snapshot') throw new Error('a join without since answered with events');
      const economy = await economyState(deps.ctx, null, { thread }, site.id)
        .then(({ result }) => ({ rules: result.rules, mode: result.mode ?? 'full', author: result.author }))
        .catch(() => null);
      const body: ThreadPageResponse = { site: site.id, join, economy };
      const text = JSON.stringify(body);
      const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
      const headers = { ...cors, 'Cache-Control': 'public, no-cache', ETag: etag };
      const match = first(req.headers['if-none-match']);
      if (match !== undefined && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      // Compressed for the browsers that ask (brotli, else gzip): a page of comments is text that shrinks to a third.
      const accepts = first(req.headers['accept-encoding']) ?? '';
      const coding = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
      const raw = Buffer.from(text);
      const encoded =
        coding === 'br'
          ? brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } })
          : coding === 'gzip'
            ? gzipSync(raw, { level: 6 })
            : raw;
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': encoded.length,
        ...(coding && { 'Content-Encoding': coding }),
      });
      res.end(req.method === 'HEAD' ? undefined : encoded);
    } catch (error) {
      if (!(error instanceof ParleyError)) throw error;
      const retry: Record<string, string> = typeof error.details.retryAfterMs === 'number' ? { 'Retry-After': String(Math.ceil(error.details.retryAfterMs / 1000)) } : {};
      if (error.code !== ErrorCodes.notFound) deps.logger.warn('page refused', { reason: error.code, site: site.id, origin: origin ?? null });
      fail(res, statusOf[error.code] ?? 400, error.code, error.message, { ...cors, ...retry });
    }
  };
}
