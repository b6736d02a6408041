/**
 * The moderators' console (SPEC CON-*): the page at `/admin` (packages/console, built like the
 * widget) and its JSON API under `/admin/api/` — documented in packages/server/README.md. Every API
 * call needs the session cookie (console-session.ts); every mutation also its CSRF header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, resolve, sep } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { ErrorCodes, type CommentView, type GateTightenings as Tightenings } from '@parley/protocol';
import { describeIssues, GateTightenings, threadId } from '@parley/protocol/schemas';
import { z } from 'zod';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import { changeThreadGates, readThreadGates } from '../commands/admin-gates.js';
import { deleteComment } from '../commands/delete-comment.js';
import { hideComment } from '../commands/hide-comment.js';
import { requireThreadRecord } from '../commands/thread-gates.js';
import { listSiteThreads, publish, refFor, threadInfo } from '../commands/threads.js';
import { toModeratorView } from '../commands/views.js';
import { threadIdOf } from '../domain/thread-key.js';
import { ParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import { inForce } from '../moderation/bans.js';
import { approveHeld, banReader, rejectHeld, reviewFlags, setPremodPolicy, unbanReader } from '../moderation/decide.js';
import type { ModerationEvent } from '../moderation/events.js';
import { effectivePolicy, SITE_SCOPE, sitePolicy } from '../moderation/policy.js';
import type { Site } from '../sites/site-config.js';
import type { HeldComment } from '../store/mod-queries.js';
import type { CommentRecord, ReadTx } from '../store/types.js';
import {
  clearedCookie,
  csrfOk,
  csrfToken,
  isSecure,
  readSession,
  revocationSubjects,
  SESSION_TTL_MS,
  sessionCookie,
  signedInAt,
  signIn,
  type ConsoleSession,
} from './console-session.js';
import { sendJson } from './http-json.js';
import { requireAdmin, sendAdminError } from './admin-routes.js';
import type { Identity } from '../domain/identity.js';
import { adminKeyIdentity } from '../moderation/audit.js';

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

const MAX_BODY_BYTES = 64 * 1024;
const REVOKE_ROUTE = /^\/admin\/sites\/([^/]+)\/moderators\/([^/]+)\/revoke-console$/;
const MAX_BATCH = 100;
/** A burst of moderation events is counted once, this long after its first (SPEC CON-7). */
const COUNTS_DEBOUNCE_MS = 150;

class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const STATUS: Partial<Record<string, number>> = {
  [ErrorCodes.authRequired]: 401,
  [ErrorCodes.invalidToken]: 401,
  [ErrorCodes.forbidden]: 403,
  [ErrorCodes.notFound]: 404,
  [ErrorCodes.unknownSite]: 404,
  [ErrorCodes.invalidPayload]: 400,
  [ErrorCodes.insufficientFunds]: 409,
  [ErrorCodes.commentDeleted]: 409,
};

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Problem(413, 'payload_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new Problem(400, ErrorCodes.invalidPayload, 'The body is not JSON.');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Problem(400, ErrorCodes.invalidPayload, `${what} is malformed.`, { issues: describeIssues(parsed.error) });
  return parsed.data;
}

const reason = z.string().max(500).nullable().optional();
const userId = z.string().min(1).max(200);
const commentId = z.string().min(1).max(200);

const Action = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('approve'), commentId, reason }),
  z.strictObject({ action: z.literal('reject'), commentId, reason }),
  z.strictObject({ action: z.literal('hide'), thread: threadId, commentId, reason }),
  z.strictObject({ action: z.literal('unhide'), thread: threadId, commentId, reason }),
  z.strictObject({ action: z.literal('delete'), thread: threadId, commentId, reason }),
  z.strictObject({ action: z.literal('keep'), thread: threadId, commentId, reason }),
  z.strictObject({
    action: z.literal('ban'),
    userId,
    kind: z.enum(['ban', 'suspend', 'mute']).default('ban'),
    durationMs: z.number().int().min(60_000).max(10 * 365 * 86_400_000).nullable().optional(),
    reason,
  }),
  z.strictObject({ action: z.literal('unban'), userId, reason }),
]);
type ActionInput = z.infer<typeof Action>;
const Batch = z.strictObject({ items: z.array(Action).min(1).max(MAX_BATCH) });
const Revoke = z.strictObject({ moderator: userId.optional() });
const SignIn = z.strictObject({ site: z.string().min(1).max(64).optional(), credential: z.string().min(1).max(8192) });
const Policy = z.strictObject({
  all: z.boolean().optional(),
  belowLevel: z.number().int().min(0).max(1000).optional(),
  firstComments: z.number().int().min(0).max(1000).optional(),
  links: z.boolean().optional(),
});
const SiteSettingsBody = z.strictObject({ premoderation: Policy.nullable() });
const ThreadSettingsBody = z.strictObject({
  premoderation: Policy.nullable().optional(),
  gates: GateTightenings.optional(),
  publish: z.boolean().optional(),
});

/** A held comment as the console shows it. */
function heldItem(held: HeldComment) {
  return {
    kind: 'held' as const,
    id: held.id,
    thread: threadIdOf(held.thread),
    parentId: held.parentId,
    author: held.author,
    body: held.body,
    createdAt: held.createdAt,
    state: held.state,
    reasons: held.reasons,
    tags: held.tags,
  };
}

/** A published comment with what moderators may see: flags and their reasons, the hidden words. */
async function commentItem(tx: ReadTx, comment: CommentRecord) {
  const view: CommentView = toModeratorView(comment);
  const flags = comment.flagCount > 0 ? await tx.listFlags(comment.thread, comment.id) : [];
  const reasons: Record<string, number> = {};
  for (const flag of flags) reasons[flag.reason] = (reasons[flag.reason] ?? 0) + 1;
  const hiddenBody = comment.hiddenAt != null ? await tx.getHiddenBody(comment.thread, comment.id) : null;
  return {
    kind: 'comment' as const,
    ...view,
    thread: threadIdOf(comment.thread),
    flags: comment.flagCount,
    flagReasons: reasons,
    flagNotes: flags.filter((f) => f.note).map((f) => ({ reason: f.reason, note: f.note, at: f.at })),
    ...(hiddenBody !== null && { hiddenBody }),
  };
}

async function commentItems(tx: ReadTx, comments: CommentRecord[]) {
  const items = [];
  for (const comment of comments) items.push(await commentItem(tx, comment));
  return items;
}

export class ConsoleRoutes {
  constructor(private readonly deps: ConsoleDeps) {}

  /** True when it answered (the path is the console's). */
  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    if (pathname === '/admin' || pathname === '/admin/' || pathname.startsWith('/admin/assets/')) {
      await this.serveFile(req, res, pathname);
      return true;
    }
    const revokeRoute = REVOKE_ROUTE.exec(pathname);
    if (revokeRoute) {
      await this.revokeByAdmin(req, res, revokeRoute);
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
    const { ctx } = this.deps;
    const method = req.method ?? 'GET';
    if (path === '/session') return this.session(req, res, method);
    const found = await this.findSession(req);
    if (!found) throw new Problem(401, ErrorCodes.authRequired, 'Sign in to the console first.');
    const { site, session } = found;
    const mutation = method !== 'GET' && method !== 'HEAD';
    if (mutation && !csrfOk(req, site, session)) {
      throw new Problem(403, 'csrf', 'This request lacks the console\'s CSRF token (or came from another origin); reload the console.');
    }
    const url = new URL(req.url ?? path, 'http://console.local');
    const limit = Math.min(200, Math.max(1, Number(url.searchParams.get('limit')) || 50));
    const actor = session.identity;

    if (path === '/stream' && method === 'GET') return this.stream(req, res, site, session);
    if (path === '/sessions/revoke' && method === 'POST') {
      const { moderator = actor.id } = parse(Revoke, await readJson(req), 'The revocation');
      // A moderator signs themself out everywhere; only an admin (or the admin key) ends another's sessions.
      if (moderator !== actor.id && actor.role !== 'admin') throw new Problem(403, ErrorCodes.forbidden, 'Only an admin may end another moderator\'s sessions.');
      await this.revoke(site, actor, `mod:${moderator}`, moderator);
      sendJson(res, 200, { revoked: moderator }, moderator === actor.id ? { 'Set-Cookie': clearedCookie(isSecure(req)) } : {});
      return;
    }
    if (path === '/counts' && method === 'GET') {
      sendJson(res, 200, await this.counts(site));
      return;
    }
    if (path === '/actions' && method === 'POST') {
      const { items } = parse(Batch, await readJson(req), 'The actions');
      const results = [];
      // One at a time, in order: each is its own transaction, so one refused item does not undo the others.
      for (const item of items) results.push(await this.act(site, session, item));
      sendJson(res, 200, { results });
      return;
    }
    if (method === 'GET' && path.startsWith('/queue/')) {
      const queue = path.slice('/queue/'.length);
      const body = await ctx.store.read(async (tx) => {
        switch (queue) {
          case 'held':
            return { items: (await tx.mod.listHeld(site.id, 'held', limit)).map(heldItem), total: await tx.mod.countHeld(site.id) };
          case 'flagged':
            return { items: await commentItems(tx, await tx.mod.listFlagged(site.id, limit)) };
          case 'recent':
            return { items: await commentItems(tx, await tx.mod.listRecent(site.id, limit)) };
          case 'readers': {
            const readers = await tx.mod.reportedReaders(site.id, limit);
            const now = ctx.now();
            const items = [];
            for (const reader of readers) items.push({ kind: 'reader' as const, ...reader, ban: inForce(await tx.mod.getBan(site.id, reader.userId), now) });
            return { items };
          }
          case 'bans': {
            const now = ctx.now();
            const bans = (await tx.mod.listBans(site.id, limit)).filter((ban) => inForce(ban, now));
            return { items: bans.map((ban) => ({ kind: 'reader' as const, userId: ban.userId, name: ban.userId, flags: 0, flaggedComments: 0, ban })) };
          }
          default:
            throw new Problem(404, ErrorCodes.notFound, `No queue ${queue}: held, flagged, recent, readers, bans.`);
        }
      });
      sendJson(res, 200, body);
      return;
    }
    if (path === '/log' && method === 'GET') {
      const before = Number(url.searchParams.get('before')) || null;
      const user = url.searchParams.get('user') ?? undefined;
      const entries = await ctx.store.read((tx) => tx.mod.listLog(site.id, before, limit, user ? { userId: user } : {}));
      sendJson(res, 200, { entries, nextBefore: entries.length === limit ? (entries.at(-1)?.id ?? null) : null });
      return;
    }
    if (path === '/threads' && method === 'GET') {
      sendJson(res, 200, await listSiteThreads(ctx, site, url.searchParams.get('cursor'), limit));
      return;
    }
    const readerRoute = /^\/readers\/([^/]+)$/.exec(path);
    if (readerRoute?.[1] && method === 'GET') {
      const reader = decodeURIComponent(readerRoute[1]);
      const body = await ctx.store.read(async (tx) => ({
        userId: reader,
        ban: inForce(await tx.mod.getBan(site.id, reader), ctx.now()),
        comments: await commentItems(tx, await tx.mod.listByAuthor(site.id, reader, limit)),
        log: await tx.mod.listLog(site.id, null, 50, { userId: reader }),
      }));
      sendJson(res, 200, body);
      return;
    }
    const threadRoute = /^\/threads\/([^/]+)(\/settings)?$/.exec(path);
    if (threadRoute?.[1]) {
      const thread = parse(threadId, decodeURIComponent(threadRoute[1]), 'The thread id');
      const ref = refFor(site, thread);
      if (!threadRoute[2] && method === 'GET') {
        const body = await ctx.store.read(async (tx) => {
          const record = await requireThreadRecord(tx, ref);
          const roots = await tx.listRoots(ref.key, 'new', null, limit);
          const comments: CommentRecord[] = [];
          for (const root of roots) comments.push(root, ...(await tx.listReplies(ref.key, root.id, null, 50)));
          const held = (await tx.mod.listHeld(site.id, 'held', 200)).filter((h) => h.thread === ref.key);
          return {
            thread: await threadInfo(tx, site, record),
            comments: await commentItems(tx, comments),
            held: held.map(heldItem),
            premoderation: { thread: await tx.mod.getPolicy(site.id, ref.key), effective: await effectivePolicy(tx, site, ref.key) },
          };
        });
        sendJson(res, 200, { ...body, gates: await readThreadGates(ctx, site, thread) });
        return;
      }
      if (threadRoute[2] && method === 'PUT') {
        const body = parse(ThreadSettingsBody, await readJson(req), 'The thread settings');
        if (body.premoderation !== undefined) await setPremodPolicy(ctx, actor, site, thread, body.premoderation);
        if (body.gates) await this.changeGates(site, session, thread, body.gates);
        if (body.publish) {
          const wallets = await ctx.store.write(async (tx) => {
            await requireThreadRecord(tx, ref);
            return publish(ctx, tx, ref, null, ctx.now());
          });
          this.deps.deliver(site.id, { events: [], wallets });
        }
        this.audit(session, 'settings', { thread, ...body });
        sendJson(res, 200, { ok: true, gates: await readThreadGates(ctx, site, thread) });
        return;
      }
    }
    if (path === '/settings') {
      if (method === 'GET') {
        const body = await ctx.store.read(async (tx) => ({
          site: site.id,
          premoderation: { config: site.premoderation, override: await tx.mod.getPolicy(site.id, SITE_SCOPE), effective: await sitePolicy(tx, site) },
          gates: site.gates,
          economy: site.economy,
          autoCreateThreads: site.autoCreateThreads,
          trustHostLevels: site.trustHostLevels,
        }));
        sendJson(res, 200, body);
        return;
      }
      if (method === 'PUT') {
        const body = parse(SiteSettingsBody, await readJson(req), 'The site settings');
        const done = await setPremodPolicy(ctx, actor, site, null, body.premoderation);
        this.audit(session, 'settings', { premoderation: body.premoderation });
        sendJson(res, 200, done.result);
        return;
      }
    }
    throw new Problem(404, ErrorCodes.notFound, `No console API ${method} ${path}.`);
  }

  private async changeGates(site: Site, session: ConsoleSession, thread: string, gates: Tightenings): Promise<void> {
    await changeThreadGates(this.deps.ctx, site, thread, gates);
    this.deps.broadcastGates(site.id, thread);
    await this.deps.ctx.store.write((tx) =>
      tx.mod.appendLog({
        site: site.id,
        at: this.deps.ctx.now(),
        actorId: session.identity.id,
        actorName: session.identity.name,
        actorRole: session.identity.role,
        action: 'settings',
        thread,
        commentId: null,
        userId: null,
        reason: null,
        detail: { gates },
      }),
    );
  }

  /** One console action; a refusal is this item's result, not the batch's. */
  private async act(site: Site, session: ConsoleSession, item: ActionInput): Promise<{ ok: true; data: unknown } | { ok: false; error: { code: string; message: string } }> {
    const { ctx } = this.deps;
    const actor = session.identity;
    const why = item.reason ?? null;
    try {
      let output: CommandOutput<unknown>;
      const requestId = `console-${session.sid}-${ctx.newId()}`;
      switch (item.action) {
        case 'approve':
          output = await approveHeld(ctx, actor, site, item.commentId, why);
          break;
        case 'reject':
          output = await rejectHeld(ctx, actor, site, item.commentId, why);
          break;
        case 'hide':
        case 'unhide':
          output = await hideComment(ctx, actor, { requestId, thread: item.thread, commentId: item.commentId, hidden: item.action === 'hide' }, site.id, { reason: why });
          break;
        case 'delete':
          output = await deleteComment(ctx, actor, { requestId, thread: item.thread, commentId: item.commentId }, site.id, { reason: why });
          break;
        case 'keep':
          output = await reviewFlags(ctx, actor, site, item.thread, item.commentId, why);
          break;
        case 'ban':
          output = await banReader(ctx, actor, site, { userId: item.userId, kind: item.kind, durationMs: item.durationMs ?? null, reason: why });
          break;
        case 'unban':
          output = await unbanReader(ctx, actor, site, item.userId, why);
          break;
      }
      this.deps.deliver(site.id, output);
      this.audit(session, item.action, item);
      return { ok: true, data: output.result };
    } catch (error) {
      if (error instanceof ParleyError) return { ok: false, error: { code: error.code, message: error.message } };
      throw error;
    }
  }

  /** One log line per moderator action (SPEC LOG-2), beside the stored audit row. */
  private audit(session: ConsoleSession, action: string, detail: object): void {
    this.deps.logger.info('moderation action', {
      via: 'console',
      action,
      site: session.site,
      moderator: session.identity.id,
      role: session.identity.role,
      ...detail,
    });
  }

  /**
   * `POST /admin/sites/:site/moderators/:user/revoke-console` with the admin key or an admin token
   * (`parley console revoke`): the host's backend ends a moderator's every console session (CON-8).
   */
  private async revokeByAdmin(req: IncomingMessage, res: ServerResponse, route: RegExpExecArray): Promise<void> {
    try {
      if (req.method !== 'POST') throw new Problem(405, 'method_not_allowed', 'Use POST.');
      const site = this.deps.ctx.sites.get(decodeURIComponent(route[1] ?? ''));
      if (!site) throw new Problem(404, ErrorCodes.unknownSite, 'This site is not hosted on this server.');
      const who = await requireAdmin(req, site);
      const moderator = parse(userId, decodeURIComponent(route[2] ?? ''), 'The moderator id');
      const by: Identity = who === 'admin key' ? adminKeyIdentity(site.id) : { id: who, name: who, avatar: null, level: 0, role: 'admin', site: site.id };
      await this.revoke(site, by, `mod:${moderator}`, moderator);
      sendJson(res, 200, { revoked: moderator });
    } catch (error) {
      if (error instanceof Problem) sendJson(res, error.status, { error: error.code, message: error.message });
      else if (error instanceof URIError) sendJson(res, 400, { error: ErrorCodes.invalidPayload, message: 'The path is not valid percent-encoding.' });
      else if (!sendAdminError(res, error)) throw error;
    }
  }

  /** The request's session: signed, unexpired, and not revoked in the store (SPEC CON-8: every node agrees). */
  private async findSession(req: IncomingMessage): Promise<{ site: Site; session: ConsoleSession } | null> {
    const { ctx } = this.deps;
    const found = readSession(req, (id) => ctx.sites.get(id), ctx.now());
    if (!found) return null;
    const revokedAt = await ctx.store.read((tx) => tx.mod.consoleRevokedAt(found.site.id, revocationSubjects(found.session)));
    return revokedAt !== null && revokedAt >= signedInAt(found.session) ? null : found;
  }

  /** Revokes `subject`'s console sessions signed in until now; ending a moderator's sessions is audited (MODLOG-1). */
  private async revoke(site: Site, by: Identity, subject: string, userId: string | null): Promise<void> {
    const { ctx } = this.deps;
    const at = ctx.now();
    const signOut = subject.startsWith('sid:');
    await ctx.store.write(async (tx) => {
      await tx.mod.revokeConsole(site.id, subject, at, at + SESSION_TTL_MS);
      if (signOut) return;
      await tx.mod.appendLog({
        site: site.id,
        at,
        actorId: by.id,
        actorName: by.name,
        actorRole: by.role,
        action: 'revoke-sessions',
        thread: null,
        commentId: null,
        userId,
        reason: null,
        detail: {},
      });
    });
    this.deps.logger.info('moderation action', { via: 'console', action: signOut ? 'sign-out' : 'revoke-sessions', site: site.id, moderator: by.id, role: by.role, userId });
  }

  private async session(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const { ctx } = this.deps;
    const secure = isSecure(req);
    if (method === 'GET') {
      const found = await this.findSession(req);
      if (!found) {
        sendJson(res, 200, { signedIn: false, sites: ctx.sites.sites.map((s) => s.id) });
        return;
      }
      sendJson(res, 200, this.describe(found.site, found.session));
      return;
    }
    if (method === 'POST') {
      const body = parse(SignIn, await readJson(req), 'The sign-in');
      const site = body.site ? ctx.sites.get(body.site) : ctx.sites.only;
      if (!site) throw new Problem(404, ErrorCodes.unknownSite, body.site ? `This server hosts no site ${body.site}.` : 'Name the site to moderate.');
      const signed = await signIn(site, body.credential, ctx.now());
      if ('error' in signed) {
        this.deps.logger.warn('console sign-in refused', { site: site.id, reason: signed.error });
        throw new Problem(signed.error === 'forbidden' ? 403 : 401, signed.error, signed.message);
      }
      this.deps.logger.info('console sign-in', { site: site.id, moderator: signed.identity.id, role: signed.identity.role });
      sendJson(res, 200, this.describe(site, signed), { 'Set-Cookie': sessionCookie(site, signed, secure) });
      return;
    }
    if (method === 'DELETE') {
      // Signing out revokes this session on every node, not only the browser's copy of the cookie.
      const found = await this.findSession(req);
      if (found) await this.revoke(found.site, found.session.identity, `sid:${found.session.sid}`, null);
      sendJson(res, 200, { signedIn: false }, { 'Set-Cookie': clearedCookie(secure) });
      return;
    }
    throw new Problem(405, 'method_not_allowed', 'GET, POST or DELETE /admin/api/session.');
  }

  private describe(site: Site, session: ConsoleSession) {
    const { id, name, role } = session.identity;
    return { signedIn: true, site: site.id, moderator: { id, name, role: id === 'admin-key' ? 'key' : role }, csrf: csrfToken(site, session), expiresAt: session.exp };
  }

  /** How many items each queue holds (SPEC CON-7): one indexed COUNT per queue. */
  private counts(site: Site) {
    return this.deps.ctx.store.read((tx) => tx.mod.countQueues(site.id, this.deps.ctx.now()));
  }

  /**
   * Server-sent events: the site's moderation events as they happen, on every node, and the queue
   * counts (`event: counts`) when the stream opens and after each change — a burst of changes is
   * counted once, {@link COUNTS_DEBOUNCE_MS} after its first.
   */
  private stream(req: IncomingMessage, res: ServerResponse, site: Site, session: ConsoleSession): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': parley console stream\n\n');
    let closed = false;
    let pending: ReturnType<typeof setTimeout> | undefined;
    const sendCounts = (): void => {
      pending = undefined;
      this.counts(site).then(
        (counts) => {
          if (!closed) res.write(`event: counts\ndata: ${JSON.stringify(counts)}\n\n`);
        },
        (error: unknown) => this.deps.logger.warn('console counts failed', { site: site.id, error: String(error) }),
      );
    };
    sendCounts();
    const off = this.deps.subscribe((event) => {
      if (event.payload.site !== site.id) return;
      res.write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
      if (event.name !== 'comment.created') pending ??= setTimeout(sendCounts, COUNTS_DEBOUNCE_MS);
    });
    // Each ping also asks whether the session was revoked meanwhile (CON-8): then the stream ends.
    const ping = setInterval(() => {
      res.write(': ping\n\n');
      this.deps.ctx.store.read((tx) => tx.mod.consoleRevokedAt(site.id, revocationSubjects(session))).then(
        (at) => {
          if (at !== null && at >= signedInAt(session)) res.end();
        },
        () => undefined,
      );
    }, 25_000);
    ping.unref();
    const close = (): void => {
      closed = true;
      clearInterval(ping);
      clearTimeout(pending);
      off();
    };
    req.on('close', close);
    res.on('close', close);
  }
}
