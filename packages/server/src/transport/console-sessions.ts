/**
 * Console sign-in and sessions (SPEC CON-8): `/admin/api/session` (sign in, who am I, sign out),
 * the session check of every API request (signed, unexpired, not revoked in the store), and the
 * host's `revoke-console` route. The cookie and CSRF token themselves are console-session.ts's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes } from '@parley/protocol';
import { z } from 'zod';
import type { CommandContext } from '../commands/context.js';
import type { Identity } from '../domain/identity.js';
import type { Logger } from '../logger.js';
import { adminKeyIdentity } from '../moderation/audit.js';
import type { Site } from '../sites/site-config.js';
import { requireAdmin, sendAdminError } from './admin-routes.js';
import { parse, Problem, readJson } from './console-http.js';
import {
  clearedCookie,
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

export const userId = z.string().min(1).max(200);
const SignIn = z.strictObject({ site: z.string().min(1).max(64).optional(), credential: z.string().min(1).max(8192) });

export class ConsoleSessions {
  constructor(
    private readonly ctx: CommandContext,
    private readonly logger: Logger,
  ) {}

  /**
   * `POST /admin/sites/:site/moderators/:user/revoke-console` with the admin key or an admin token
   * (`parley console revoke`): the host's backend ends a moderator's every console session (CON-8).
   */
  async revokeByAdmin(req: IncomingMessage, res: ServerResponse, route: RegExpExecArray): Promise<void> {
    try {
      if (req.method !== 'POST') throw new Problem(405, 'method_not_allowed', 'Use POST.');
      const site = this.ctx.sites.get(decodeURIComponent(route[1] ?? ''));
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
  async find(req: IncomingMessage): Promise<{ site: Site; session: ConsoleSession } | null> {
    const { ctx } = this;
    const found = readSession(req, (id) => ctx.sites.get(id), ctx.now());
    if (!found) return null;
    const revokedAt = await ctx.store.read((tx) => tx.mod.consoleRevokedAt(found.site.id, revocationSubjects(found.session)));
    return revokedAt !== null && revokedAt >= signedInAt(found.session) ? null : found;
  }

  /** Revokes `subject`'s console sessions signed in until now; ending a moderator's sessions is audited (MODLOG-1). */
  async revoke(site: Site, by: Identity, subject: string, userId: string | null): Promise<void> {
    const { ctx } = this;
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
    this.logger.info('moderation action', { via: 'console', action: signOut ? 'sign-out' : 'revoke-sessions', site: site.id, moderator: by.id, role: by.role, userId });
  }

  /** `/admin/api/session`: GET who is signed in, POST sign in, DELETE sign out. */
  async route(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const { ctx } = this;
    const secure = isSecure(req);
    if (method === 'GET') {
      const found = await this.find(req);
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
        this.logger.warn('console sign-in refused', { site: site.id, reason: signed.error });
        throw new Problem(signed.error === 'forbidden' ? 403 : 401, signed.error, signed.message);
      }
      this.logger.info('console sign-in', { site: site.id, moderator: signed.identity.id, role: signed.identity.role });
      sendJson(res, 200, this.describe(site, signed), { 'Set-Cookie': sessionCookie(site, signed, secure) });
      return;
    }
    if (method === 'DELETE') {
      // Signing out revokes this session on every node, not only the browser's copy of the cookie.
      const found = await this.find(req);
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
}
