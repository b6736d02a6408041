/**
 * Every error a user can cause has a code (stable, for programs) and a message (for people).
 * Errors travel as acks: `{ ok: false, error: { code, message, ...details } }`.
 */

export const ErrorCodes = {
  /** The payload failed its schema: wrong type, missing field, unknown key. `issues` says where. */
  invalidPayload: 'invalid_payload',
  /** The client emitted an event the server does not know. */
  unknownEvent: 'unknown_event',
  /** The action needs a signed-in reader; guests only read. */
  authRequired: 'auth_required',
  /** The token could not be verified (bad signature, expired, wrong audience, malformed). */
  invalidToken: 'invalid_token',
  /** The reader may not do this to this resource (e.g. edit someone else's comment). */
  forbidden: 'forbidden',
  /** The thread or comment does not exist. */
  notFound: 'not_found',
  /** The comment was deleted; it can no longer be edited, replied to or reacted to. */
  commentDeleted: 'comment_deleted',
  /** A comment body is empty after trimming. */
  bodyEmpty: 'body_empty',
  /** A comment body is longer than the limit (`max` in the details). */
  bodyTooLong: 'body_too_long',
  /** The same requestId was used before with different input. */
  requestIdReused: 'request_id_reused',
  /** Too many requests; `retryAfterMs` says when to try again. */
  rateLimited: 'rate_limited',
  /** A cursor could not be decoded. */
  invalidCursor: 'invalid_cursor',
  /** The reader's level is below the action's gate (`required`, `level`). */
  levelRequired: 'level_required',
  /** The reader cannot afford the action (`need`, `balance`). */
  insufficientFunds: 'insufficient_funds',
  /** The page's Origin is not on the site's allowlist; the connection is refused. */
  originNotAllowed: 'origin_not_allowed',
  /** The handshake named a site this server does not host. */
  unknownSite: 'unknown_site',
  /** Presence or notes for a thread the connection has not joined (`thread:join` first). */
  notJoined: 'not_joined',
  /** A Yjs or awareness update could not be decoded, or speaks for another connection. */
  invalidUpdate: 'invalid_update',
  /** The thread's notes reached their stored size limit (`max` bytes); nothing more can be added. */
  notesFull: 'notes_full',
  /** Screening refused the comment (a banned word, a hook's verdict); `reasons` says why. Nothing was stored. */
  commentRejected: 'comment_rejected',
  /** The reader is banned from the site: no change of any kind is accepted. */
  banned: 'banned',
  /** The reader is suspended until `until` (ms since epoch): no change is accepted before then. */
  suspended: 'suspended',
  /** The comment contains words the site refuses (`words` in the details: the terms, as the site wrote them). */
  bannedWords: 'banned_words',
  /** Something went wrong on the server; nothing was changed. */
  internal: 'internal',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface ParleyError {
  code: ErrorCode;
  message: string;
  [detail: string]: unknown;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ParleyError };

export type AckCallback<T> = (ack: Ack<T>) => void;
