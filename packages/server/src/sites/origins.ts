/**
 * Which page origins may use a connection. Every request of an Engine.IO session — the handshake,
 * each poll and the WebSocket upgrade — must carry an Origin allowed for THAT session's site:
 *
 * - Before the handshake names a site (the Engine.IO handshake, then the requests carrying the
 *   Socket.IO CONNECT), a request passes when some hosted site allows its origin, and the origins
 *   seen are remembered.
 * - socketAuth learns the site and binds the session to it (`bind`): the handshake's origin and
 *   every origin seen so far must be allowed by that site, or the connection is refused.
 * - From then on each request is checked against the bound site's own allowlist, so a session of
 *   site A cannot be polled or upgraded with site B's Origin.
 *
 * A request without Origin passes only for a site that lists `same-origin` (browsers omit Origin on
 * same-origin GET polls) or `*` (development); a site listing only explicit origins refuses it.
 * Origin protects readers' browsers and keeps the rule simple for publishers: a script outside a
 * browser can send any Origin, and its token is what limits it.
 */
import { ServerResponse, type IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../logger.js';
import type { Site, SiteDirectory } from './site-config.js';

function normalise(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * Paste-and-go (SPEC THREAD-3): is `url` a page of `origin`? Only then may a join from that origin
 * create a thread for it, so a script cannot mint threads for pages that do not exist.
 */
export function urlOnOrigin(url: string, origin: string): boolean {
  const page = normalise(url);
  return page !== null && page === normalise(origin);
}

/** Does `site` accept a request with this Origin header (undefined = none) and Host header? */
export function originAllowed(site: Pick<Site, 'origins'>, origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return site.origins.includes('same-origin') || site.origins.includes('*');
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

/**
 * Is this Origin one the site names — a listed origin, or this server's own under `same-origin` —
 * rather than one `*` lets through? For what a site opts into per origin (automatic thread creation).
 */
export function originExplicitlyAllowed(site: Pick<Site, 'origins'>, origin: string, host: string | undefined): boolean {
  return originAllowed({ origins: site.origins.filter((allowed) => allowed !== '*') }, origin, host);
}

/** Before the handshake names a site: does ANY hosted site accept this request? */
export function someSiteAllows(sites: SiteDirectory, origin: string | undefined, host: string | undefined): boolean {
  return sites.sites.some((site) => originAllowed(site, origin, host));
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** How an origin shows in messages and logs: quoted, and cut short, since a client chose it. */
const shown = (origin: string | undefined): string => (origin === undefined ? 'no Origin' : JSON.stringify(origin.length > 200 ? `${origin.slice(0, 200)}…` : origin));

/** What a publisher reads when `site` refuses `origin`: which origin, which site, what to add. */
export function originRefusalMessage(site: Pick<Site, 'id'>, origin: string | undefined): string {
  if (origin === undefined) {
    return (
      `A request without an Origin header may not connect to site "${site.id}", which accepts only the page origins it lists. ` +
      'Send the page\'s Origin, or add "same-origin" to the site\'s "origins" when this server serves the page itself.'
    );
  }
  const normalised = normalise(origin);
  if (normalised === null) {
    return `The page origin ${shown(origin)} may not connect to site "${site.id}": only http(s) page origins can be allowed (a sandboxed iframe or a file:// page sends "null").`;
  }
  return `The page origin ${shown(origin)} may not connect to site "${site.id}". To allow it, add ${shown(normalised)} to that site's "origins" in the Parley configuration.`;
}

function noSiteMessage(origin: string | undefined): string {
  if (origin === undefined) {
    return 'A request without an Origin header may not connect: no site hosted here lists "same-origin". Send the page\'s Origin.';
  }
  return `The page origin ${shown(origin)} is not allowed by any site hosted here. To allow it, add it to the "origins" of the site whose pages embed this discussion.`;
}

/** An Engine.IO session's connection (`socket.conn`): its handshake request, and its end. */
export interface EngineConnection {
  request: { headers: IncomingHttpHeaders };
}

/**
 * The session id, the `sid` every later request of the session names. engine.io types it private
 * (it must never reach another client), so it is read here, and only here, where it binds requests.
 */
function sessionIdOf(conn: EngineConnection): string {
  const id: unknown = Reflect.get(conn, 'id');
  if (typeof id !== 'string') throw new TypeError('an Engine.IO connection without a session id');
  return id;
}

interface EngineLike {
  use(middleware: (req: EngineRequest, res: unknown, next: (error?: Error) => void) => void): void;
  on(event: 'connection', listener: (conn: EngineConnection) => void): unknown;
}

interface EngineRequest {
  url?: string;
  headers: IncomingHttpHeaders;
}

/** A session's site once socketAuth accepted it; until then, the (origin, host) pairs its requests carried. */
interface SessionOrigins {
  site: Site | null;
  /** Made on the first request that needs it and dropped once bound: most sessions never need one (BEAT-5). */
  seen: Map<string, { origin: string | undefined; host: string | undefined }> | null;
}

/**
 * Honest browsers send one or two (origin, host) pairs before the site is known (a same-origin GET
 * without Origin, and the rest with it); more is a client trying origins, and is refused.
 */
const MAX_ORIGINS_BEFORE_SITE = 4;
/** How often closed sessions are forgotten. */
const SESSION_SWEEP_MS = 10_000;

/** Why a connection was refused, for socketAuth to answer and log. */
export interface OriginRefusal {
  origin: string | undefined;
  message: string;
}

/** Engine.IO hooks: `allowRequest` (the handshake), `attach` (a middleware on every request) and `bind` (from socketAuth). */
export function originGuards(sites: SiteDirectory, logger: Logger) {
  // By Engine.IO session id, from the engine's `connection` until the session closes.
  const sessions = new Map<string, SessionOrigins>();
  let sweeper: ReturnType<typeof setInterval> | undefined;

  const refuse = (res: unknown, next: (error?: Error) => void, refusal: { site: string | null; origin: string | undefined; message: string }, phase: string): void => {
    logger.warn('connection refused', { reason: 'origin_not_allowed', site: refusal.site, origin: refusal.origin ?? null, phase });
    const body = JSON.stringify({ code: 'origin_not_allowed', message: refusal.message });
    if (res instanceof ServerResponse) {
      res.writeHead(403, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      // A WebSocket upgrade: Engine.IO hands over a stand-in response holding the raw socket.
      const socket = (res as { socket?: { writable: boolean; write(data: string): void; destroy(): void } }).socket;
      if (socket?.writable) {
        socket.write(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }
      socket?.destroy();
    }
    next(new Error('origin_not_allowed'));
  };

  const check = (req: EngineRequest, res: unknown, next: (error?: Error) => void): void => {
    const origin = header(req.headers.origin);
    const host = header(req.headers.host);
    const sid = new URL(req.url ?? '/', 'http://engine.invalid').searchParams.get('sid');
    const phase = header(req.headers.upgrade)?.toLowerCase() === 'websocket' ? 'upgrade' : sid === null ? 'handshake' : 'poll';
    const session = sid === null ? undefined : sessions.get(sid);
    if (session?.site) {
      if (originAllowed(session.site, origin, host)) return next();
      return refuse(res, next, { site: session.site.id, origin, message: originRefusalMessage(session.site, origin) }, phase);
    }
    if (!someSiteAllows(sites, origin, host)) return refuse(res, next, { site: null, origin, message: noSiteMessage(origin) }, phase);
    // An unknown sid is Engine.IO's to refuse; a known one remembers what it carried until bound.
    if (session) {
      const key = `${origin ?? ''}\n${host ?? ''}`;
      const seen = (session.seen ??= new Map());
      if (!seen.has(key) && seen.size >= MAX_ORIGINS_BEFORE_SITE) {
        return refuse(res, next, { site: null, origin, message: 'This connection has sent too many different origins.' }, phase);
      }
      seen.set(key, { origin, host });
    }
    next();
  };

  return {
    /** The Engine.IO handshake (the middleware checks it too; this keeps the check if it is ever removed). */
    allowRequest(req: EngineRequest, callback: (error: string | null | undefined, success: boolean) => void): void {
      const origin = header(req.headers.origin);
      if (someSiteAllows(sites, origin, header(req.headers.host))) callback(null, true);
      else callback(`origin_not_allowed: ${noSiteMessage(origin)}`, false);
    },

    /** Guards every request of `engine` (handshakes, polls, upgrades): call once, on `io.engine`. */
    attach(engine: EngineLike): void {
      engine.on('connection', (conn) => {
        sessions.set(sessionIdOf(conn), { site: null, seen: null });
      });
      // Closed sessions are forgotten by a sweep, not by a `close` listener on each: one more
      // listener grows every connection's listener array by a hundred-odd bytes (BEAT-5). Until
      // swept, a closed session's id is refused by Engine.IO itself, whatever it is remembered as.
      // Engine.IO's open sessions by id (typed protected, public at run time): it deletes an entry
      // when its session closes.
      const open = (engine as unknown as { clients: Record<string, unknown> }).clients;
      clearInterval(sweeper);
      sweeper = setInterval(() => {
        for (const sid of sessions.keys()) if (!(sid in open)) sessions.delete(sid);
      }, SESSION_SWEEP_MS);
      sweeper.unref();
      engine.use(check);
    },

    /**
     * socketAuth accepted `site` for this connection: every origin its requests carried so far must
     * be allowed by the site, and from now on every request is checked against the site alone. A
     * connection belongs to one site: a second CONNECT naming another site is refused.
     */
    bind(conn: EngineConnection, site: Site): OriginRefusal | null {
      const session = sessions.get(sessionIdOf(conn));
      // Only a session this engine opened and has not closed can be bound.
      if (!session) return { origin: header(conn.request.headers.origin), message: 'This connection is closed.' };
      if (session.site !== null && session.site !== site) {
        return { origin: header(conn.request.headers.origin), message: `This connection belongs to site "${session.site.id}"; open another one for site "${site.id}".` };
      }
      const handshake = { origin: header(conn.request.headers.origin), host: header(conn.request.headers.host) };
      for (const { origin, host } of [handshake, ...(session.seen?.values() ?? [])]) {
        if (!originAllowed(site, origin, host)) return { origin, message: originRefusalMessage(site, origin) };
      }
      session.site = site;
      session.seen = null;
      return null;
    },

    /** Stops the sweep of closed sessions (the server is closing). */
    close(): void {
      clearInterval(sweeper);
      sessions.clear();
    },

    /** CORS for polling: reflect an origin some site allows, never `*` with a list configured. */
    cors(origin: string | undefined, callback: (error: Error | null, allow?: boolean) => void): void {
      callback(null, origin === undefined || sites.sites.some((site) => originAllowed(site, origin, undefined)));
    },
  };
}

export type OriginGuards = ReturnType<typeof originGuards>;
