/**
 * The admin HTTP API of a site (thread ids percent-encoded in paths):
 *
 *   GET  /admin/sites/:site/threads[?cursor=&limit=]   the site's threads, newest first
 *   POST /admin/sites/:site/threads                    create or update one: { id, title?, url?, gates?, author?, published? }
 *   GET  /admin/sites/:site/threads/:thread            one thread
 *   POST /admin/sites/:site/threads/:thread/publish    publish it: { author? }
 *   GET | PUT /admin/sites/:site/threads/:thread/gates read or replace its recorded gates
 *
 * Threads belong to the host (SPEC THREAD-1): this API, the CLI on top of it and signed thread
 * claims are how a thread comes to exist.
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
import { refFor, applyThreadSpec, listSiteThreads, publish, threadInfo, type ThreadInfo } from '../commands/threads.js';
import { requireThreadRecord } from '../commands/thread-gates.js';
import { z } from 'zod';
import { changeThreadGates, readThreadGates } from '../commands/admin-gates.js';
import type { CommandContext } from '../commands/index.js';
import { ParleyError } from '../errors.js';
import type { Site } from '../sites/site-config.js';
import { sendJson } from './http-json.js';
import { InvalidTokenError, verifySiteToken } from './tokens.js';

export interface AdminDeps {
  ctx: CommandContext;
  /** Tells a thread's open widgets (of that site) its gates changed. */
  broadcastGates(site: string, update: ThreadGatesUpdate): void;
}

const ROUTE = /^\/admin\/sites\/([^/]+)\/threads(?:\/(.+?))?(\/gates|\/publish)?$/;
/** A gates body is a few dozen bytes; anything near this is not one. */
const MAX_BODY_BYTES = 16 * 1024;
const PutBody = z.strictObject({ gates: GateTightenings });
const text = (max: number) => z.string().max(max).nullable().optional();
/** What a host says about a thread (commands/threads.ts ThreadSpec). */
export const ThreadSpecBody = z.strictObject({
  id: threadId,
  title: text(300),
  url: text(2000).refine((url) => url == null || /^https?:\/\//.test(url), 'must be an http(s) URL'),
  gates: GateTightenings.optional(),
  author: z.string().min(1).max(200).nullable().optional(),
  published: z.boolean().optional(),
});
const PublishBody = z.strictObject({ author: z.string().min(1).max(200).optional() });

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

export function problem(code: string, message: string, details: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem(code, message, details);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses anyone but an admin of the site; returns who it is (`admin key`, or the token's `sub`), for audit lines. */
export async function requireAdmin(req: IncomingMessage, site: Site): Promise<string> {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw problem(ErrorCodes.authRequired, 'Send "Authorization: Bearer <admin token or admin key>".');
  const credential = match[1];
  if (site.adminKey !== null && sameSecret(credential, site.adminKey)) return 'admin key';
  let role: string;
  let who: string;
  try {
    const { identity } = await verifySiteToken(credential, site);
    role = identity.role;
    who = identity.id;
  } catch (error) {
    if (error instanceof InvalidTokenError) throw problem(ErrorCodes.invalidToken, error.message);
    throw error;
  }
  if (role !== 'admin') throw problem(ErrorCodes.forbidden, `Only an admin of site ${site.id} may do this.`);
  return who;
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

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw problem(ErrorCodes.invalidPayload, `${what} is malformed.`, { issues: describeIssues(parsed.error) });
  return parsed.data;
}

async function answer(req: IncomingMessage, url: URL, route: RegExpExecArray, deps: AdminDeps): Promise<unknown> {
  const [, siteName = '', threadName, action] = route;
  const site = deps.ctx.sites.get(decode(siteName));
  if (!site) throw problem(ErrorCodes.unknownSite, 'This site is not hosted on this server.');
  await requireAdmin(req, site);
  const { ctx } = deps;
  if (threadName === undefined) {
    if (action !== undefined) throw problem(ErrorCodes.notFound, 'No such admin route.');
    if (req.method === 'GET') {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      return listSiteThreads(ctx, site, url.searchParams.get('cursor'), Number.isFinite(limit) ? limit : 50);
    }
    if (req.method !== 'POST') throw problem('method_not_allowed', 'Use GET to list threads or POST to create one.');
    const spec = parse(ThreadSpecBody, await readJson(req), 'The thread');
    const applied = await ctx.store.write(async (tx) => {
      const done = await applyThreadSpec(ctx, tx, site, spec, 'admin', ctx.now());
      return { ...done, info: await threadInfo(tx, site, done.thread) };
    });
    if (applied.gatesChanged) await broadcast(deps, site, spec.id);
    return { created: applied.created, thread: applied.info };
  }
  const thread = parse(threadId, decode(threadName), 'The thread id');
  const ref = refFor(site, thread);
  if (action === '/gates') {
    if (req.method === 'GET') return readThreadGates(ctx, site, thread);
    if (req.method !== 'PUT') throw problem('method_not_allowed', "Use GET to read a thread's gates or PUT to change them.");
    const body = parse(PutBody, await readJson(req), 'The gates');
    const changed = await changeThreadGates(ctx, site, thread, body.gates);
    deps.broadcastGates(site.id, { thread: changed.thread, gates: changed.gates });
    return changed;
  }
  if (action === '/publish') {
    if (req.method !== 'POST') throw problem('method_not_allowed', 'Use POST to publish a thread.');
    const body = parse(PublishBody, await readJson(req), 'The publish request');
    return { thread: await ctx.store.write(async (tx): Promise<ThreadInfo> => {
      await requireThreadRecord(tx, ref);
      await publish(ctx, tx, ref, body.author ?? null, ctx.now());
      return threadInfo(tx, site, await requireThreadRecord(tx, ref));
    }) };
  }
  if (req.method !== 'GET') throw problem('method_not_allowed', 'Use GET to read a thread, POST …/threads to change it.');
  return { thread: await ctx.store.read(async (tx) => threadInfo(tx, site, await requireThreadRecord(tx, ref))) };
}

async function broadcast(deps: AdminDeps, site: Site, thread: string): Promise<void> {
  const view = await readThreadGates(deps.ctx, site, thread);
  deps.broadcastGates(site.id, { thread, gates: view.gates });
}

/** Answers an admin request and returns true, or returns false when the path is not an admin route. */
export async function handleAdminRequest(req: IncomingMessage, res: ServerResponse, pathname: string, deps: AdminDeps): Promise<boolean> {
  const route = ROUTE.exec(pathname);
  if (!route?.[1]) return false;
  try {
    sendJson(res, 200, await answer(req, new URL(req.url ?? pathname, 'http://admin.local'), route, deps));
  } catch (error) {
    if (!sendAdminError(res, error)) throw error;
  }
  return true;
}

/** Answers a refusal of an admin route (`{ error, message }` with its status); false when `error` is not one (a bug: rethrow). */
export function sendAdminError(res: ServerResponse, error: unknown): boolean {
  if (!(error instanceof ParleyError) && !(error instanceof HttpProblem)) return false;
  const { code, message, details } = error;
  const status = STATUS[code] ?? 400;
  sendJson(res, status, { error: code, message, ...details }, status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
  return true;
}
