/**
 * One format, one owner: how a thread of a site is named inside the server.
 *
 * Sites are sealed (SPEC SITE-1): the same thread id on two sites is two threads. Everything the
 * store keys by thread (comments, events, reactions, votes, notes, flags, ledger movements, read
 * sessions, reports) is keyed by the THREAD KEY `<site>:<thread id>`, so no query can reach another
 * site's thread by accident. A site id never contains `:` (sites/site-config.ts), so the split is
 * unambiguous. The wire never carries a key: views and events carry the public thread id.
 */
export type ThreadKey = string;

export function threadKey(site: string, thread: string): ThreadKey {
  return `${site}:${thread}`;
}

/** The public thread id of a key (what readers and hosts call the thread). */
export function threadIdOf(key: ThreadKey): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(colon + 1);
}

/** The site of a key. */
export function siteOfKey(key: ThreadKey): string {
  const colon = key.indexOf(':');
  return colon < 0 ? '' : key.slice(0, colon);
}

/**
 * Who owns a request record: request ids are the client's, so they are scoped by site and user
 * (SPEC SITE-3): a requestId used on site B is a new request on site A.
 */
export function requestOwner(site: string, userId: string): string {
  return `${site}:${userId}`;
}
