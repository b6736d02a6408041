/**
 * Which page origins may open a connection. Origin only protects readers' browsers (a script
 * outside a browser can send any Origin, and its token is what limits it), so a request WITHOUT an
 * Origin header — a server-side client — is let through, while a browser page on a site that is not
 * on the allowlist is refused on the handshake, on the WebSocket upgrade and on every poll.
 */
import type { Site, SiteDirectory } from './site-config.js';

function normalise(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

export function originAllowed(site: Pick<Site, 'origins'>, origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  const normalised = normalise(origin);
  for (const allowed of site.origins) {
    if (allowed === '*') return true;
    if (normalised === null) continue;
    if (allowed === 'same-origin') {
      if (host !== undefined && new URL(normalised).host === host.toLowerCase()) return true;
    } else if (normalise(allowed) === normalised) return true;
  }
  return false;
}

/** Before the handshake names a site: does ANY hosted site accept this origin? */
export function someSiteAllows(sites: SiteDirectory, origin: string | undefined, host: string | undefined): boolean {
  return sites.sites.some((site) => originAllowed(site, origin, host));
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Engine.IO hooks: `allowRequest` (the handshake) and a middleware (every request, upgrades too). */
export function originGuards(sites: SiteDirectory) {
  type Req = { headers: Record<string, string | string[] | undefined> };
  const allowed = (req: Req) => someSiteAllows(sites, header(req.headers.origin), header(req.headers.host));
  return {
    allowRequest(req: Req, callback: (error: string | null | undefined, success: boolean) => void): void {
      if (allowed(req)) callback(null, true);
      else callback('origin_not_allowed: this page may not connect to this discussion server', false);
    },
    middleware(req: Req, _res: unknown, next: (error?: Error) => void): void {
      if (allowed(req)) next();
      else next(new Error('origin_not_allowed'));
    },
    /** CORS for polling: reflect an allowed origin, never `*` with a list configured. */
    cors(origin: string | undefined, callback: (error: Error | null, allow?: boolean) => void): void {
      callback(null, origin === undefined || sites.sites.some((site) => originAllowed(site, origin, undefined)));
    },
  };
}
