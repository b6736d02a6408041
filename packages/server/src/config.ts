import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerOptions } from 'socket.io';
import { consoleLogger, silentLogger, type Logger } from './logger.js';
import { EconomyDirectory, economyFromEnv, type EconomyOptions } from './economy/rules.js';
import { resolveSite, SiteDirectory, type SiteOptions } from './sites/site-config.js';

type AdapterConstructor = NonNullable<ServerOptions['adapter']>;

/** A token bucket: `burst` calls at once, refilled at `perSecond`. */
export interface BucketOptions {
  burst: number;
  perSecond: number;
}

export interface RateLimitOptions {
  /**
   * Mutations per signed-in reader, across all their tabs and connections.
   * @default { burst: 30, perSecond: 2 } — a fast typist clicking likes down a thread stays well
   * inside it; a script posting in a loop is stopped within a second.
   */
  perUser?: BucketOptions;
  /**
   * Mutations per client IP, across every account behind it.
   * @default { burst: 120, perSecond: 20 } — generous because offices, schools and mobile
   * carriers put many honest readers behind one address (NAT).
   */
  perIp?: BucketOptions;
}

export interface ParleyServerOptions {
  /** @default 0 — any free port, so tests and embedders never collide; the CLI passes 4000. */
  port?: number;
  /** @default '127.0.0.1' — not reachable from the network unless asked; the CLI passes 0.0.0.0. */
  host?: string;
  /**
   * SQLite file, created with its directories on first start; `':memory:'` for tests.
   * @default './data/parley.db' — beside where `parley serve` runs, like other zero-setup servers.
   */
  dbPath?: string;
  /**
   * The site id, which tokens must carry as their audience (`aud`), so a token minted for another
   * site sharing a secret by accident is refused.
   * @default 'demo'
   */
  siteId?: string;
  /**
   * HS256 secret shared with the host's backend that signs reader tokens.
   * @default a fixed development secret, logged loudly, so a first `parley serve` works with
   * `parley token`; never use it in production — anyone can mint tokens with it.
   */
  secret?: string;
  /**
   * Every site this server hosts (see sites/site-config.ts). When given, `siteId` and `secret` are
   * ignored. @default one site from `siteId` + `secret`, open to any origin, trusting host levels.
   */
  sites?: SiteOptions[];
  /**
   * Directory holding the built widget (`parley.js` and its chunks), served at `/`.
   * @default `$PARLEY_WIDGET_DIR`, else `../widget/dist` beside this package — the monorepo layout.
   */
  widgetDir?: string;
  /** Mutation limits; `false` disables them (benchmarks). @default see {@link RateLimitOptions} */
  rateLimit?: RateLimitOptions | false;
  /**
   * How long a thread's reactions and votes wait to share one `thread:events` message; any other
   * event sends them at once, ahead of it. 0 sends every event at once.
   * @default 100 ms — unnoticed on a like count, and it halves the messages of a busy thread
   * (20 likes a second cost each reader 10 messages, not 20; DESIGN.md "Performance").
   */
  eventTickMs?: number;
  /**
   * Called first for every HTTP request that is not Socket.IO's; return true when you answered it.
   * The demo serves its article page and persona tokens on the same port this way.
   */
  onRequest?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /**
   * The Socket.IO adapter joining this node to others (e.g. `@socket.io/redis-streams-adapter`).
   * Room broadcasts, presence relays and `fetchSockets()` then span every node.
   * @default Socket.IO's in-memory adapter — one node.
   */
  adapter?: AdapterConstructor;
  /** @default console (stdout/stderr); `false` for silence. */
  logger?: Logger | false;
  /**
   * Twei economy rules: server-wide, and per site under `sites`. Every amount is configurable.
   * @default `$PARLEY_ECONOMY` (JSON of these options), else `defaultEconomyRules` in economy/rules.ts
   * (why each value is what it is, there)
   */
  economy?: EconomyOptions;
}

export interface ResolvedConfig {
  port: number;
  host: string;
  dbPath: string;
  /** The first site's id (the only one in the one-site shorthand). */
  siteId: string;
  secret: string;
  usingDevSecret: boolean;
  sites: SiteDirectory;
  widgetDir: string;
  rateLimit: Required<RateLimitOptions> | false;
  eventTickMs: number;
  onRequest: ParleyServerOptions['onRequest'] | undefined;
  adapter: AdapterConstructor | undefined;
  logger: Logger;
  economy: EconomyDirectory;
}

/** Public on purpose: it only protects a development server. */
export const DEV_SECRET = 'parley-development-secret-do-not-use-in-production';

export const defaultRateLimit: Required<RateLimitOptions> = {
  perUser: { burst: 30, perSecond: 2 },
  perIp: { burst: 120, perSecond: 20 },
};

/** `<server package>/../widget/dist`, from dist/config.js or src/config.ts alike. */
function defaultWidgetDir(): string {
  const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  return resolve(packageDir, '../widget/dist');
}

export function resolveConfig(options: ParleyServerOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const secret = options.secret ?? '';
  const siteId = options.sites?.[0]?.id ?? options.siteId ?? 'demo';
  const sites = new SiteDirectory(
    options.sites
      ? options.sites.map((site) => resolveSite(site))
      : [resolveSite({ id: siteId, secret: secret || DEV_SECRET, origins: ['*'] }, { development: true })],
  );
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    dbPath: options.dbPath ?? './data/parley.db',
    siteId,
    secret: secret || DEV_SECRET,
    usingDevSecret: !options.sites && !secret,
    sites,
    widgetDir: resolve(options.widgetDir ?? env.PARLEY_WIDGET_DIR ?? defaultWidgetDir()),
    rateLimit:
      options.rateLimit === false
        ? false
        : {
            perUser: options.rateLimit?.perUser ?? defaultRateLimit.perUser,
            perIp: options.rateLimit?.perIp ?? defaultRateLimit.perIp,
          },
    eventTickMs: Math.max(0, options.eventTickMs ?? 100),
    onRequest: options.onRequest,
    adapter: options.adapter,
    logger: options.logger === false ? silentLogger : (options.logger ?? consoleLogger),
    economy: new EconomyDirectory(options.economy ?? economyFromEnv(env.PARLEY_ECONOMY)),
  };
}
