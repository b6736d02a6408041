import { ErrorCodes, type Sort } from '@parley/protocol';
import { ParleyError } from '../errors.js';

/**
 * The position after the last item a reader has seen. `score` only matters for `top`, whose order
 * is (score desc, seq desc); `new` and `old` order by seq alone. Seq is unique per thread, so every
 * position is exact and paging never repeats or skips a comment that did not move.
 */
export type RootPosition = { sort: 'top'; score: number; seq: number } | { sort: 'new' | 'old'; seq: number };

/** Position inside one root's replies, which are always oldest first. */
export type ReplyPosition = { rootId: string; seq: number };

// Cursors are opaque to clients: base64url JSON with a kind tag, so a cursor from one list
// (or one sort) is refused by another instead of silently paging the wrong list.
type CursorJson = { k: Sort; s?: number; q: number } | { k: 'replies'; r: string; q: number };

const encode = (value: CursorJson): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function invalidCursor(): ParleyError {
  return new ParleyError(ErrorCodes.invalidCursor, 'This cursor is not valid; reload the comments.');
}

function decode(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw invalidCursor();
  }
}

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isScore = (v: unknown): v is number => Number.isSafeInteger(v);

export function encodeRootCursor(position: RootPosition): string {
  return position.sort === 'top'
    ? encode({ k: 'top', s: position.score, q: position.seq })
    : encode({ k: position.sort, q: position.seq });
}

export function decodeRootCursor(cursor: string, sort: Sort): RootPosition {
  const value = decode(cursor);
  if (typeof value !== 'object' || value === null) throw invalidCursor();
  const { k, s, q } = value as Record<string, unknown>;
  if (k !== sort || !isSeq(q)) throw invalidCursor();
  if (sort === 'top') {
    if (!isScore(s)) throw invalidCursor();
    return { sort, score: s, seq: q };
  }
  return { sort, seq: q };
}

export function encodeReplyCursor(position: ReplyPosition): string {
  return encode({ k: 'replies', r: position.rootId, q: position.seq });
}

export function decodeReplyCursor(cursor: string, rootId: string): ReplyPosition {
  const value = decode(cursor);
  if (typeof value !== 'object' || value === null) throw invalidCursor();
  const { k, r, q } = value as Record<string, unknown>;
  if (k !== 'replies' || r !== rootId || !isSeq(q)) throw invalidCursor();
  return { rootId, seq: q };
}
