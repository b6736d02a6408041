import { ErrorCodes } from '@parley/protocol';
import type { ExtendedError } from 'socket.io';
import type { ResolvedConfig } from '../config.js';
import { InvalidTokenError, verifyToken } from './tokens.js';
import type { ParleySocket } from './types.js';

function refuse(message: string): ExtendedError {
  const error: ExtendedError = new Error(message);
  // The client sees `err.data` in its connect_error handler: a code a program can act on.
  error.data = { code: ErrorCodes.invalidToken, message };
  return error;
}

/**
 * Establishes who a connection is, from `handshake.auth.token`. Runs again on connection-state
 * recovery (`skipMiddlewares: false`), so a recovered session cannot outlive a revoked identity.
 * No token means a guest, who reads but cannot act.
 */
export function socketAuth(config: Pick<ResolvedConfig, 'secret' | 'siteId' | 'logger'>) {
  return async (socket: ParleySocket, next: (error?: ExtendedError) => void): Promise<void> => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    if (token === undefined || token === null || token === '') {
      socket.data.identity = null;
      socket.data.tokenExpiresAt = null;
      return next();
    }
    if (typeof token !== 'string') return next(refuse('The sign-in token must be a string.'));
    try {
      const verified = await verifyToken(token, config.secret, config.siteId);
      socket.data.identity = verified.identity;
      socket.data.tokenExpiresAt = verified.expiresAt;
      next();
    } catch (error) {
      if (error instanceof InvalidTokenError) return next(refuse(error.message));
      config.logger.error('token verification failed unexpectedly', { error });
      next(refuse('The sign-in token could not be verified.'));
    }
  };
}
