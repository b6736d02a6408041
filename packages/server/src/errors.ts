import { ErrorCodes, type ErrorCode, type ParleyError as WireError } from '@parley/protocol';

/**
 * The one error a command or rule throws on purpose. Transport turns it into an ack
 * `{ ok: false, error: { code, message, ...details } }`; anything else thrown is a bug and becomes
 * `internal` (logged, never shown to the reader in detail).
 */
export class ParleyError extends Error {
  override readonly name = 'ParleyError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  toWire(): WireError {
    // Details first so a detail can never overwrite the code or the message.
    return { ...this.details, code: this.code, message: this.message };
  }
}

export const notFound = (what: string): ParleyError =>
  new ParleyError(ErrorCodes.notFound, `${what} does not exist in this thread.`);

export const commentDeleted = (): ParleyError =>
  new ParleyError(ErrorCodes.commentDeleted, 'This comment was deleted.');

export const forbidden = (message: string): ParleyError => new ParleyError(ErrorCodes.forbidden, message);
