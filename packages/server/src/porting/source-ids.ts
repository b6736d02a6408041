/**
 * How another system's ids become Parley's (IMPORT-2): thread ids a host can embed, reader ids
 * namespaced by source so they never meet the host's own (`disqus:<username>`).
 */
import { createHash } from 'node:crypto';
import { Limits } from '@parley/protocol';

const THREAD_ID = /^[A-Za-z0-9._:/-]+$/;

export const isThreadId = (id: string): boolean => id.length > 0 && id.length <= Limits.maxIdLength && THREAD_ID.test(id);

/**
 * A thread id from a page URL: its path and query, `/` kept, anything else outside the allowed set
 * becoming `-` (`http://example.tld/?p=4` → `p-4`, `…/2014/test/` → `2014/test`); the host name
 * when the path is empty. Null when there is nothing usable.
 */
export function threadIdFromUrl(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  const raw = decodeURIComponent(`${url.pathname}${url.search}`).replace(/^[/?]+|[/?]+$/g, '');
  const id = (raw || url.hostname)
    .replace(/[^A-Za-z0-9._:/-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, Limits.maxIdLength);
  return isThreadId(id) ? id : null;
}

/** A guest without an account elsewhere: a stable id from what the source knew (email, else name), never the email itself. */
export function guestId(source: string, email: string | null, name: string): string {
  const hash = createHash('sha256').update((email ?? name).trim().toLowerCase()).digest('hex').slice(0, 16);
  return `${source}:guest-${hash}`;
}

/** `disqus:<username>`, cut to the id limit. */
export const namespaced = (source: string, id: string): string => `${source}:${id}`.slice(0, 200);

/** An ISO 8601 instant (`2013-10-10T19:20:29Z`), or null when it is not one. */
export function isoTime(value: string | null): number | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : null;
}

/** A WordPress `YYYY-MM-DD HH:MM:SS`, read as UTC; null when absent, zero (`0000-…`) or malformed. */
export function wordpressTime(value: string | null): number | null {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value) : null;
  if (!match || match[1] === '0000') return null;
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6]));
  return Number.isFinite(at) ? at : null;
}
