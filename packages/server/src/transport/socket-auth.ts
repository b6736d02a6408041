import { ErrorCodes, type ErrorCode } from '@parley/protocol';
import type { ExtendedError } from 'socket.io';
import type { Logger } from '../logger.js';
import { authenticate } from '../sites/authenticate.js';
import { originAllowed } from '../sites/origins.js';
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
}

/**
 * Establishes who a connection is, from `handshake.auth`: `{ site?, token? }`. The site must be
 * hosted here and accept the page's Origin; the token must verify for THAT site. Runs again on
 * connection-state recovery (`skipMiddlewares: false`), so a recovered session cannot outlive a
 * revoked identity. No token means a guest, who reads but cannot act.
 */
export function socketAuth(deps: SocketAuthDeps) {
  return async (socket: ParleySocket, next: (error?: ExtendedError) => void): Promise<void> => {
    const auth: unknown = socket.handshake.auth;
    const { site: siteName, token } = (typeof auth === 'object' && auth !== null ? auth : {}) as { site?: unknown; token?: unknown };
    if (siteName !== undefined && typeof siteName !== 'string') {
      return next(refuse(ErrorCodes.unknownSite, 'The site must be a string.'));
    }
    const site = siteName === undefined || siteName === '' ? deps.sites.only : deps.sites.get(siteName);
    if (!site) {
      const message = siteName ? 'This site is not hosted on this server.' : 'Say which site this page belongs to (the `site` attribute).';
      return next(refuse(ErrorCodes.unknownSite, message));
    }
    const headers = socket.handshake.headers;
    if (!originAllowed(site, headers.origin, headers.host)) {
      return next(refuse(ErrorCodes.originNotAllowed, 'This page is not allowed to connect to this discussion.'));
    }
    if (token !== undefined && token !== null && token !== '' && typeof token !== 'string') {
      return next(refuse(ErrorCodes.invalidToken, 'The sign-in token must be a string.'));
    }
    try {
      const session = await authenticate(site, deps.store, typeof token === 'string' && token !== '' ? token : null);
      socket.data.site = site.id;
      socket.data.identity = session.identity;
      socket.data.tokenExpiresAt = session.expiresAt;
      next();
    } catch (error) {
      if (error instanceof InvalidTokenError) return next(refuse(ErrorCodes.invalidToken, error.message));
      deps.logger.error('token verification failed unexpectedly', { error });
      next(refuse(ErrorCodes.invalidToken, 'The sign-in token could not be verified.'));
    }
  };
}
