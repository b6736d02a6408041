/**
 * Sites: one server hosts several publishers, each with its own id (the tokens' audience), allowed
 * origins, keys, gates and level curve. The single-site options `siteId` / `secret` are shorthand
 * for a one-site list, so a first `parley serve` needs no configuration file.
 */
import type { EconomyMode, Gates, GateTightenings } from '@parley/protocol';
import { completeGates } from '../domain/gates.js';
import { DEFAULT_LEVEL_CURVE, levelCurveProblem, type LevelCurve } from '../domain/levels.js';

/**
 * A public key for EdDSA (Ed25519) or RS256 tokens: SPKI PEM text or a JWK. A site may list several
 * of one algorithm (a rotation): a token whose header names a `kid` is tried only with the keys of
 * that `kid`, a token without one with every key of its algorithm.
 */
export interface PublicKeyOptions {
  alg: 'EdDSA' | 'RS256';
  key: string | Record<string, unknown>;
  /** When set, tokens whose header names this `kid` use the key (and a token naming another kid does not). */
  kid?: string;
}

/** One HS256 secret shared with the host's backend; several make a rotation (see {@link SiteOptions.secrets}). */
export interface HmacSecret {
  /** At least 32 bytes (UTF-8) outside development mode: a short HMAC secret can be guessed offline from one token. */
  secret: string;
  /** When set, tokens whose header names this `kid` use the secret (and a token naming another kid does not). */
  kid?: string;
}

/** How a site's options are read: a configured site, or the config-less development shorthand. */
export interface SiteMode {
  /**
   * The config-less one-site shorthand (`parley serve` with no file, `startParleyServer` without
   * `sites`): origins default to `*` and a short HS256 secret is accepted. @default false — a
   * configured site must list its origins and use secrets of at least 32 bytes.
   */
  development?: boolean;
}

/** Shortest HS256 secret a configured site may use, in bytes: HMAC-SHA256's own key size (RFC 7518 §3.2). */
export const MIN_HS256_SECRET_BYTES = 32;

export interface SiteOptions {
  /** The site id: tokens must carry it as `aud`; the widget names it in `site`. */
  id: string;
  /**
   * HS256 secret shared with the host's backend. At least one of `secret` / `secrets` / `publicKeys`.
   * At least 32 bytes outside development mode. `parley token` signs with it.
   */
  secret?: string;
  /**
   * More HS256 secrets, each with an optional `kid`, tried beside `secret`: to rotate, add the new
   * secret here, move the host's backend to it, then drop the old one. A token naming a `kid` is tried
   * only with the secrets of that kid, a token without one with every secret.
   * @default none — `secret` alone is one key; a rotation is the only reason for more.
   */
  secrets?: HmacSecret[];
  /** Keys for asymmetric tokens, so the host keeps its signing key to itself. Several per algorithm rotate. */
  publicKeys?: PublicKeyOptions[];
  /** When set, tokens must carry exactly this `iss`. @default none — a site secret is already specific. */
  issuer?: string;
  /**
   * Page origins allowed to connect (`https://news.example.com`, compared exactly: scheme, host,
   * port), and/or `same-origin` (the page is served by this server, like the demo). Every request of
   * a connection — handshake, poll, upgrade — must carry one of them; a request without Origin passes
   * only with `same-origin` (browsers omit it on same-origin GETs). `*` (any origin) exists only in
   * development mode. @default none — a configured site is refused at start without its list; the
   * config-less development shorthand uses `['*']` and says so loudly at start.
   */
  origins?: string[];
  /** Minimum level per action. @default every action open to signed-in readers (level 0). */
  gates?: GateTightenings;
  /**
   * Take `lvl` from the host's token. When false, a reader's level comes from the XP the server
   * recorded, through `levelCurve`. @default true — the host knows its readers best.
   */
  trustHostLevels?: boolean;
  /** XP thresholds per level (see domain/levels.ts). @default DEFAULT_LEVEL_CURVE */
  levelCurve?: number[];
  /**
   * A key for the admin HTTP endpoint (`Authorization: Bearer <key>`), for scripts and the CLI when
   * the host would rather not mint an admin token. At least 16 characters. @default none — only a
   * verified token with `role: admin` for this site is an admin.
   */
  adminKey?: string;
  /**
   * Paste-and-go, as with Disqus: a signed-in reader's join creates an unknown thread with nothing
   * but the site's defaults — only from an Origin listed explicitly in `origins` (not `*`) and for
   * a URL on that Origin, rate limited per address and per site. Without it a thread exists only
   * when the host creates it (a signed `thread-token`, the admin API, `parley threads create`).
   * @default false — squatting a thread id (and its title, gates, first comment) must not be
   * possible unless the host chose convenience knowingly.
   */
  autoCreateThreads?: boolean;
  /**
   * How much of the Twei economy the site runs: `off` (no Twei blocks, no tributes), `compact` (one
   * line: balance, earned, the report) or `full` (the reference page). Sent to the widget in
   * `economy:state`; a page's `economy` attribute can only reduce it. @default 'full'
   */
  economy?: EconomyMode;
}

export interface Site {
  id: string;
  /** The HS256 secret tools sign with: `secret`, else the first of `secrets`. */
  secret: string | null;
  /** Every HS256 secret that verifies a token: `secret` (without kid) first, then `secrets`. */
  secrets: readonly HmacSecret[];
  publicKeys: readonly PublicKeyOptions[];
  issuer: string | null;
  origins: readonly string[];
  gates: Gates;
  trustHostLevels: boolean;
  levelCurve: LevelCurve;
  adminKey: string | null;
  autoCreateThreads: boolean;
  economy: EconomyMode;
  /** Resolved in development mode (see {@link SiteMode}); the server says so loudly at start. */
  development: boolean;
}

export class SiteConfigError extends Error {
  override readonly name = 'SiteConfigError';
}

const SITE_ID = /^[A-Za-z0-9._-]{1,64}$/;

const byteLength = (text: string): number => new TextEncoder().encode(text).length;

/** `secret` and `secrets`, in that order, each checked for length outside development. */
function hmacSecrets(options: SiteOptions, where: string, development: boolean): HmacSecret[] {
  const named = [
    ...(options.secret ? [{ name: 'secret', key: { secret: options.secret } }] : []),
    ...(options.secrets ?? []).map((key, i) => ({ name: `secrets[${i}]${key.kid === undefined ? '' : ` (kid ${JSON.stringify(key.kid)})`}`, key })),
  ];
  for (const { name, key } of named) {
    if (typeof key.secret !== 'string' || key.secret === '') throw new SiteConfigError(`${where}: ${name} must be a non-empty string`);
    const bytes = byteLength(key.secret);
    if (!development && bytes < MIN_HS256_SECRET_BYTES) {
      throw new SiteConfigError(
        `${where}: ${name} is ${bytes} bytes; an HS256 secret needs at least ${MIN_HS256_SECRET_BYTES} ` +
          '(a short one can be guessed offline from any token). Generate one with `openssl rand -base64 32`.',
      );
    }
  }
  return named.map(({ key }) => ({ secret: key.secret, ...(key.kid !== undefined && { kid: key.kid }) }));
}

/** Checks one site's options and fills its defaults. Throws SiteConfigError naming the site and the key. */
export function resolveSite(options: SiteOptions, mode: SiteMode = {}): Site {
  const development = mode.development ?? false;
  const where = `site ${JSON.stringify(options.id)}`;
  if (!SITE_ID.test(options.id)) throw new SiteConfigError(`${where}: the id must be 1–64 letters, digits, . _ -`);
  const secrets = hmacSecrets(options, where, development);
  if (secrets.length === 0 && !options.publicKeys?.length) {
    throw new SiteConfigError(`${where}: needs a secret or publicKeys to verify tokens`);
  }
  const curveProblem = options.levelCurve ? levelCurveProblem(options.levelCurve) : null;
  if (curveProblem) throw new SiteConfigError(`${where}: ${curveProblem}`);
  const origins = options.origins ?? (development ? ['*'] : []);
  if (origins.length === 0) {
    throw new SiteConfigError(
      `${where}: list the page origins allowed to connect, e.g. "origins": ["https://news.example.com"] ` +
        '(add "same-origin" for pages this server serves itself); a configured site has no default',
    );
  }
  for (const origin of origins) {
    if (origin === '*' && !development) {
      throw new SiteConfigError(
        `${where}: origin "*" would let every page on the web connect; list the site's own origins ` +
          '(e.g. "https://news.example.com", or "same-origin"). "*" exists only in the config-less development mode',
      );
    }
    if (origin !== '*' && origin !== 'same-origin' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new SiteConfigError(`${where}: origin ${JSON.stringify(origin)} must look like https://host[:port]`);
    }
  }
  if (options.adminKey !== undefined && options.adminKey.length < 16) {
    throw new SiteConfigError(`${where}: adminKey must be at least 16 characters (it guards every thread's gates)`);
  }
  return {
    id: options.id,
    secret: secrets[0]?.secret ?? null,
    secrets,
    publicKeys: options.publicKeys ?? [],
    issuer: options.issuer ?? null,
    origins,
    gates: completeGates(options.gates),
    trustHostLevels: options.trustHostLevels ?? true,
    levelCurve: options.levelCurve ?? DEFAULT_LEVEL_CURVE,
    adminKey: options.adminKey ?? null,
    autoCreateThreads: options.autoCreateThreads ?? false,
    economy: options.economy ?? 'full',
    development,
  };
}

/** The sites a server hosts, by id. A Map, so a client-sent site name never indexes an object. */
export class SiteDirectory {
  private readonly byId: ReadonlyMap<string, Site>;

  constructor(readonly sites: readonly Site[]) {
    if (sites.length === 0) throw new SiteConfigError('no sites configured');
    const byId = new Map<string, Site>();
    for (const site of sites) {
      if (byId.has(site.id)) throw new SiteConfigError(`site ${JSON.stringify(site.id)} is configured twice`);
      byId.set(site.id, site);
    }
    this.byId = byId;
  }

  get(id: string): Site | undefined {
    return this.byId.get(id);
  }

  /** The site a connection belongs to when its handshake names none: the only one, if there is one. */
  get only(): Site | undefined {
    return this.sites.length === 1 ? this.sites[0] : undefined;
  }

  /**
   * The site a page belongs to when it names none [SITE-4]: the only site hosted, or else the one
   * site whose `origins` list this Origin explicitly (`*` and `same-origin` never choose a site for
   * a page). Two sites listing the same Origin choose none: the page must say which.
   */
  implicit(origin: string | undefined, allowed: (site: Site, origin: string) => boolean): Site | undefined {
    if (this.sites.length === 1) return this.sites[0];
    if (origin === undefined) return undefined;
    const listing = this.sites.filter((site) => allowed(site, origin));
    return listing.length === 1 ? listing[0] : undefined;
  }

  /** The site of an in-process identity (seeding, tests), which may not name one. */
  of(identity: { site?: string } | null): Site | undefined {
    return identity?.site === undefined ? this.sites[0] : this.byId.get(identity.site);
  }
}
