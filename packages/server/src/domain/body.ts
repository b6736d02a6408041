import { ErrorCodes, Limits } from '@parley/protocol';
import { ParleyError } from '../errors.js';

/**
 * A body is stored exactly as typed minus surrounding whitespace. The length limit is checked
 * after trimming, counted in characters (code points) so an emoji is one, as a person counts.
 */
export function normalizeBody(raw: string, max: number = Limits.maxBodyLength): string {
  const body = raw.trim();
  if (body.length === 0) {
    throw new ParleyError(ErrorCodes.bodyEmpty, 'Write something before posting.');
  }
  // Cheap check first: UTF-16 length is never below the code point count.
  if (body.length > max && [...body].length > max) {
    throw new ParleyError(ErrorCodes.bodyTooLong, `A comment can be at most ${max} characters.`, { max });
  }
  return body;
}
