/**
 * The console's JSON API behind the session check (console-routes.ts): the queues (held, flagged,
 * recent, reported readers, restricted), a reader's and a thread's pages, the audit log, the
 * threads, the site's and a thread's settings, the batched actions and the live stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes, type GateTightenings as Tightenings } from '@parley/protocol';
import { GateTightenings, threadId } from '@parley/protocol/schemas';
import { z } from 'zod';
import type { CommandOutput } from '../commands/context.js';
import { changeThreadGates, readThreadGates } from '../commands/admin-gates.js';
import { deleteComment } from '../commands/delete-comment.js';
import { hideComment } from '../commands/hide-comment.js';
import { requireThreadRecord } from '../commands/thread-gates.js';
import { listSiteThreads, publish, refFor, threadInfo } from '../commands/threads.js';
import { ParleyError } from '../errors.js';
import { inForce } from '../moderation/bans.js';
import { approveHeld, banReader, rejectHeld, reviewFlags, setPremodPolicy, unbanReader } from '../moderation/decide.js';
import { effectivePolicy, SITE_SCOPE, sitePolicy } from '../moderation/policy.js';
import type { Site } from '../sites/site-config.js';
import type { CommentRecord } from '../store/types.js';
import { parse, Problem, readJson } from './console-http.js';
import { commentItems, heldItem } from './console-items.js';
import type { ConsoleDeps } from './console-routes.js';
import { clearedCookie, isSecure, type ConsoleSession } from './console-session.js';
import { userId, type ConsoleSessions } from './console-sessions.js';
import { openStream, queueCounts } from './console-stream.js';
import { sendJson } from './http-json.js';

const MAX_BATCH = 100;

const reason = z.string().max(500).nullable().optional();
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

export class ConsoleApi {
  constructor(
    private readonly deps: ConsoleDeps,
    private readonly sessions: ConsoleSessions,
  ) {}

  /** `path` under /admin/api, for a signed-in `session` whose mutation carried its CSRF token. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, method: string, site: Site, session: ConsoleSession): Promise<void> {
    const { ctx } = this.deps;
    const url = new URL(req.url ?? path, 'http://console.local');
    const limit = Math.min(200, Math.max(1, Number(url.searchParams.get('limit')) || 50));
    const actor = session.identity;

    if (path === '/stream' && method === 'GET') return openStream(this.deps, req, res, site, session);
    if (path === '/sessions/revoke' && method === 'POST') {
      const { moderator = actor.id } = parse(Revoke, await readJson(req), 'The revocation');
      // A moderator signs themself out everywhere; only an admin (or the admin key) ends another's sessions.
      if (moderator !== actor.id && actor.role !== 'admin') throw new Problem(403, ErrorCodes.forbidden, 'Only an admin may end another moderator\'s sessions.');
      await this.sessions.revoke(site, actor, `mod:${moderator}`, moderator);
      sendJson(res, 200, { revoked: moderator }, moderator === actor.id ? { 'Set-Cookie': clearedCookie(isSecure(req)) } : {});
      return;
    }
    if (path === '/counts' && method === 'GET') {
      sendJson(res, 200, await queueCounts(ctx, site));
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
}
