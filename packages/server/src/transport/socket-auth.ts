import { ErrorCodes, type ErrorCode } from '@parley/protocol';
import type { ExtendedError } from 'socket.io';
import type { Logger } from '../logger.js';
import { authenticate } from '../sites/authenticate.js';
import { originExplicitlyAllowed, type OriginGuards } from '../sites/origins.js';
import type { SiteDirectory } from '../sites/site-config.js';
import type { Store } from '../store/types.js';
import { InvalidTokenError } from './tokens.js';
import type { ParleySocket } from './types.js';

function refuse(code: ErrorCode, message: string): ExtendedError {
  const error: ExtendedError = new Error(message);
  // The client sees `err.data` in its connect_error handler: a code a program can act on.
  error.data = { code, message };
  return error;
}

export interface SocketAuthDeps {
  sites: SiteDirectory;
  store: Store;
  logger: Logger;
  /** Binds the Engine.IO session to the accepted site, so its later polls and upgrades are checked against it. */
  origins: Pick<OriginGuards, 'bind'>;
}

const quoted = (text: string): string => JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);

/**
 * Establishes who a connection is, from `handshake.auth`: `{ site?, token? }`. The site must be
 * hosted here and accept every Origin the session's requests carried (the session is then bound to
 * it: see sites/origins.ts); the token must verify for THAT site. Runs again on connection-state
 * recovery (`skipMiddlewares: false`), so a recovered session cannot outlive a revoked identity. No
 * token means a guest, who reads but cannot act. Each refusal is logged at warn (never the token).
 */
export function socketAuth(deps: SocketAuthDeps) {
  return async (socket: ParleySocket, next: (error?: ExtendedError) => void): Promise<void> => {
    const origin = socket.handshake.headers.origin;
    const refused = (code: ErrorCode, message: string, site: string | null, detail: Record<string, unknown> = {}): void => {
      deps.logger.warn('connection refused', { reason: code, site, origin: origin ?? null, ...detail });
      next(refuse(code, message));
    };
    const auth: unknown = socket.handshake.auth;
    const { site: siteName, token } = (typeof auth === 'object' && auth !== null ? auth : {}) as { site?: unknown; token?: unknown };
    if (siteName !== undefined && typeof siteName !== 'string') {
      return refused(ErrorCodes.unknownSite, 'The site must be a string.', null);
    }
    const site = siteName === undefined || siteName === ''
      ? deps.sites.implicit(origin, (candidate, from) => originExplicitlyAllowed(candidate, from, socket.handshake.headers.host))
      : deps.sites.get(siteName);
    if (!site) {
      const message = siteName
        ? `Site ${quoted(siteName)} is not hosted on this server: check the widget's \`site\` attribute against the server's configuration.`
        : `Say which site this page belongs to (the widget's \`site\` attribute): this server hosts several and none of them lists the page's origin ${origin === undefined ? '(none sent)' : quoted(origin)} alone.`;
      return refused(ErrorCodes.unknownSite, message, siteName ? quoted(siteName) : null);
    }
    const originRefusal = deps.origins.bind(socket.conn, site);
    if (originRefusal) {
      deps.logger.warn('connection refused', { reason: ErrorCodes.originNotAllowed, site: site.id, origin: originRefusal.origin ?? null });
      return next(refuse(ErrorCodes.originNotAllowed, originRefusal.message));
    }
    if (token !== undefined && token !== null && token !== '' && typeof token !== 'string') {
      return refused(ErrorCodes.invalidToken, 'The sign-in token must be a string.', site.id);
    }
    try {
      const session = await authenticate(site, deps.store, typeof token === 'string' && token !== '' ? token : null);
      socket.data.site = site.id;
      socket.data.identity = session.identity;
      socket.data.tokenExpiresAt = session.expiresAt;
      // Verified: the token is not kept in the handshake for the connection's life (BEAT-5) — a
      // reconnect sends its own, and nothing reads it again.
      socket.handshake.auth = { site: site.id };
      next();
    } catch (error) {
      if (error instanceof InvalidTokenError) return refused(ErrorCodes.invalidToken, error.message, site.id);
      deps.logger.error('token verification failed unexpectedly', { error });
      next(refuse(ErrorCodes.invalidToken, 'The sign-in token could not be verified.'));
    }
  };
}
