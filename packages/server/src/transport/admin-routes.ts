/**
 * The admin HTTP endpoint: `GET | PUT /admin/sites/:site/threads/:thread/gates`.
 *
 * Authenticated by `Authorization: Bearer <token>` — a reader token of that site whose `role` is
 * `admin` (moderators may hide comments but not change gates), or the site's configured `adminKey`.
 * PUT replaces the thread's recorded gates with `{ "gates": { "comment": 15, … } }`; open widgets
 * hear `thread:gates` and re-render their locks at once. Errors are `{ error, message }` with a code
 * a script can act on, like every other Parley error.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes, type ThreadGatesUpdate } from '@parley/protocol';
import { describeIssues, GateTightenings, threadId } from '@parley/protocol/schemas';
import { z } from 'zod';
import { changeThreadGates, readThreadGates } from '../commands/admin-gates.js';
import type { CommandContext } from '../commands/index.js';
import { ParleyError } from '../errors.js';
import type { Site } from '../sites/site-config.js';
import { sendJson } from './http-json.js';
import { InvalidTokenError, verifySiteToken } from './tokens.js';

export interface AdminDeps {
  ctx: CommandContext;
  /** Tells a thread's open widgets its gates changed. */
  broadcastGates(update: ThreadGatesUpdate): void;
}

const ROUTE = /^\/admin\/sites\/([^/]+)\/threads\/(.+)\/gates$/;
/** A gates body is a few dozen bytes; anything near this is not one. */
const MAX_BODY_BYTES = 16 * 1024;
const PutBody = z.strictObject({ gates: GateTightenings });

const STATUS: Partial<Record<string, number>> = {
  [ErrorCodes.authRequired]: 401,
  [ErrorCodes.invalidToken]: 401,
  [ErrorCodes.forbidden]: 403,
  [ErrorCodes.unknownSite]: 404,
  [ErrorCodes.notFound]: 404,
  [ErrorCodes.invalidPayload]: 400,
  method_not_allowed: 405,
  payload_too_large: 413,
};

/** An HTTP-only refusal; codes beyond the protocol's (405, 413) exist only here. */
class HttpProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

function problem(code: string, message: string, details: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem(code, message, details);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function requireAdmin(req: IncomingMessage, site: Site): Promise<void> {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw problem(ErrorCodes.authRequired, 'Send "Authorization: Bearer <admin token or admin key>".');
  const credential = match[1];
  if (site.adminKey !== null && sameSecret(credential, site.adminKey)) return;
  let role: string;
  try {
    role = (await verifySiteToken(credential, site)).identity.role;
  } catch (error) {
    if (error instanceof InvalidTokenError) throw problem(ErrorCodes.invalidToken, error.message);
    throw error;
  }
  if (role !== 'admin') throw problem(ErrorCodes.forbidden, `Only an admin of site ${site.id} may do this.`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw problem('payload_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw problem(ErrorCodes.invalidPayload, 'The body is not JSON. Send {"gates": {"comment": 15}}.');
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw problem(ErrorCodes.invalidPayload, 'The path is not valid percent-encoding.');
  }
}

async function answer(req: IncomingMessage, siteName: string, threadName: string, deps: AdminDeps) {
  const site = deps.ctx.sites.get(decode(siteName));
  if (!site) throw problem(ErrorCodes.unknownSite, 'This site is not hosted on this server.');
  await requireAdmin(req, site);
  const thread = threadId.safeParse(decode(threadName));
  if (!thread.success) throw problem(ErrorCodes.invalidPayload, 'The thread id is not valid.', { issues: describeIssues(thread.error) });
  if (req.method === 'GET') return readThreadGates(deps.ctx, site, thread.data);
  if (req.method !== 'PUT') throw problem('method_not_allowed', 'Use GET to read a thread\'s gates or PUT to change them.');
  const body = PutBody.safeParse(await readJson(req));
  if (!body.success) throw problem(ErrorCodes.invalidPayload, 'The gates are malformed.', { issues: describeIssues(body.error) });
  const changed = await changeThreadGates(deps.ctx, site, thread.data, body.data.gates);
  deps.broadcastGates({ thread: changed.thread, gates: changed.gates });
  return changed;
}

/** Answers an admin request and returns true, or returns false when the path is not an admin route. */
export async function handleAdminRequest(req: IncomingMessage, res: ServerResponse, pathname: string, deps: AdminDeps): Promise<boolean> {
  const route = ROUTE.exec(pathname);
  if (!route?.[1] || !route[2]) return false;
  try {
    sendJson(res, 200, await answer(req, route[1], route[2], deps));
  } catch (error) {
    if (!(error instanceof ParleyError) && !(error instanceof HttpProblem)) throw error;
    const { code, message, details } = error;
    const status = STATUS[code] ?? 400;
    sendJson(res, status, { error: code, message, ...details }, status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
  }
  return true;
}
