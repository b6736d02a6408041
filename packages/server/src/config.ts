import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerOptions } from 'socket.io';
import { consoleLogger, silentLogger, type Logger } from './logger.js';
import { EconomyDirectory, economyFromEnv, type EconomyOptions } from './economy/rules.js';
import { resolveSite, SiteDirectory, type SiteOptions } from './sites/site-config.js';
import { compileTrust, type TrustProxy } from './transport/client-address.js';
import { memoryLimiters, type LimiterFactory } from './transport/rate-limit.js';
import { chooseDatabase, DEFAULT_SQLITE_PATH, type DatabaseChoice } from './store/open-store.js';
import type { MailOptions } from './moderation/mail.js';
import type { DeliveryTiming } from './moderation/delivery-worker.js';

type AdapterConstructor = NonNullable<ServerOptions['adapter']>;

/**
 * A budget: at most `points` requests in any window of `duration` seconds (rate-limiter-flexible's
 * fixed windows; `retryAfterMs` is the time until the window ends).
 */
export interface Budget {
  points: number;
  /** Seconds. */
  duration: number;
}

/**
 * Every limit, each with its reason. Signed-in readers are counted per (site, user), never per
 * address: an office NAT, a school or a mobile carrier puts many honest readers behind one IP.
 * Guests, connections and thread creation have nothing else to count by, so they are counted per
 * client address (see `trustProxy`; IPv6 per /64). A request refused by one limit is not charged
 * to any other. One limit in every field below is reached only by a script, never by the widget:
 * it joins one thread per connection, sends a page per "load more", `session:auth` on token
 * refresh, presence every 15 s, read heartbeats every 10 s (those have their own bound).
 */
export interface RateLimitOptions {
  /**
   * Mutations (post, edit, delete, react, vote, flag, hide, buy a report, publish) per signed-in
   * reader of a site, across all their tabs.
   * @default { points: 30, duration: 15 } — a fast reader clicking likes down a thread stays well
   * inside it; a script posting in a loop is stopped within a second.
   */
  mutationsPerUser?: Budget;
  /**
   * Mutations per guest address, for sites that let guests act.
   * @default { points: 120, duration: 10 } — generous: every guest behind one NAT shares it.
   */
  mutationsPerGuestIp?: Budget;
  /**
   * Reads (`thread:join`, `thread:leave`, `comments:page`, `comments:replies`, `presence:sync`,
   * `notes:sync`, `session:auth`, `economy:state`, `report:list`, `comment:hidden-body`) per
   * signed-in reader of a site, across all their tabs.
   * @default { points: 200, duration: 10 } — a reconnect after a server restart costs a widget about
   * six reads per thread, so twenty tabs of threads reconnecting at once fit; a script reading in a
   * loop is stopped within a second.
   */
  readsPerUser?: Budget;
  /**
   * Reads per guest address.
   * @default { points: 2000, duration: 10 } — an office of 200 guests behind one NAT, a few tabs
   * each, all reconnecting after a restart, fits; a script is stopped within a second.
   */
  readsPerGuestIp?: Budget;
  /**
   * Open connections per client address (one per `<parley-thread>` per tab).
   * @default 1000 — 200 readers behind one NAT with five threads or tabs open each.
   */
  connectionsPerIp?: number;
  /**
   * Connection attempts (handshakes) per client address.
   * @default { points: 2000, duration: 60 } — every connection of a NAT'd office reconnecting at
   * once after a restart fits, with room for retries; a script opening connections in a loop is
   * stopped within a second.
   */
  connectAttemptsPerIp?: Budget;
  /**
   * Threads one connection may have joined at once (`thread:join` beyond it is refused).
   * @default 50 — the widget joins one thread per connection; only a script follows dozens of
   * threads' live events through one socket.
   */
  roomsPerSocket?: number;
  /**
   * Threads created automatically ("paste and go") per client address.
   * @default { points: 30, duration: 60 } — a newsroom opening a freshly embedded site's articles
   * fits; a script squatting thread ids is stopped at 30.
   */
  threadCreationsPerIp?: Budget;
  /**
   * Threads created automatically per site, whoever creates them.
   * @default { points: 600, duration: 60 } — ten new articles a second, more than any publisher
   * writes, still bounded when many addresses squat together.
   */
  threadCreationsPerSite?: Budget;
  /**
   * Builds each limiter: the one place that chooses where budgets are counted. For several nodes,
   * return a `RateLimiterRedis` from rate-limiter-flexible so every node shares the same budgets.
   * @default `memoryLimiters` (transport/rate-limit.ts) — one node's memory.
   */
  store?: LimiterFactory;
}

/** How presence is gathered and sent; see realtime/presence.ts. */
export interface PresenceTiming {
  countEveryMs?: number;
  refreshMs?: number;
  tickMs?: number;
  /** @default RealtimeLimits.presenceTimeoutMs — for tests of expiry (PRES-5, PRES-7). */
  timeoutMs?: number;
  /** @default 5 s */
  sweepEveryMs?: number;
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
   * PostgreSQL instead of the SQLite file, for several nodes sharing one database:
   * `postgres://user:password@host:5432/database`. Migrated on start. Setting it together with
   * `dbPath` is refused (one of them would be ignored).
   * @default `$PARLEY_DATABASE_URL`, else none — the SQLite file `dbPath`.
   */
  databaseUrl?: string;
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
  /**
   * Directory holding the built moderators' console (packages/console), served at `/admin`.
   * @default `$PARLEY_CONSOLE_DIR`, else `../console/dist` beside this package.
   */
  consoleDir?: string;
  /**
   * Every rate and connection limit; `false` disables them all (tests, benchmarks).
   * @default see {@link RateLimitOptions}
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Which proxies may say who the client is, through `X-Forwarded-For`: `false`, none; a number,
   * that many proxies in front (1 = one load balancer); a list of proxy addresses or CIDR ranges
   * (or `loopback`, `linklocal`, `uniquelocal`). Per-address limits count the address found.
   * @default false — a server reached directly that believed the header would let any client pick
   * its address, escaping its own limits or spending a neighbour's. Behind a proxy, set it: without
   * it every reader has the proxy's address and guests share one budget.
   */
  trustProxy?: TrustProxy;
  /**
   * How long a thread's reactions and votes wait to share one `thread:events` message; any other
   * event sends them at once, ahead of it. 0 sends every event at once.
   * @default 100 ms — unnoticed on a like count, and it halves the messages of a busy thread
   * (20 likes a second cost each reader 10 messages, not 20; DESIGN.md "Performance").
   */
  eventTickMs?: number;
  /**
   * How often the server pays rewards whose comments have stood for the settlement window
   * (economy/settlement.ts, SPEC SETTLE-4), in batches of 200 per transaction. Readers' own due
   * rewards are also paid whenever their wallet is read, so this bounds how late a wallet that
   * nobody reads is settled. 0 turns the timer off.
   * @default 10 s — a pending reward appears within seconds of its window ending, for one indexed query.
   */
  settleEveryMs?: number;
  /**
   * How long reading time proven by heartbeats may wait in memory before it is written (SPEC
   * PERF-1, economy/reading-clocks.ts). A post's first Twei is written by its beat at once whatever
   * this says; the rest waits (later Twei until six are owed or this is reached), written by the
   * node's reading tick each second, every due reader at once (BEAT-8). The rest is what a crash
   * may lose. 0 writes every beat.
   * @default 120 s — one write per reader every two minutes instead of twelve beats' (BEAT-14); a
   * crash loses at most two minutes of reading whose Twei nobody was told of yet.
   */
  readFlushEveryMs?: number;
  /**
   * Called first for every HTTP request that is not Socket.IO's; return true when you answered it.
   * The demo serves its article page and persona tokens on the same port this way.
   */
  onRequest?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /**
   * The Socket.IO adapter joining this node to others (e.g. `@socket.io/redis-streams-adapter`).
   * Room broadcasts, presence relays and `fetchSockets()` then span every node.
   * @default Socket.IO's in-memory recovery adapter less the readers' own pushes
   * (transport/replay-adapter.ts, BEAT-6) — one node.
   */
  adapter?: AdapterConstructor;
  /**
   * Joins this node to others through Redis (cluster/redis.ts): the Socket.IO adapter and the rate
   * limiters. `redis://[user:password@]host:port[/db]`. Ignored when `adapter` is given.
   * @default `$PARLEY_REDIS_URL`, else none — one node.
   */
  redisUrl?: string;
  /**
   * Prefix of every Redis key and stream this server uses, so two clusters can share one Redis.
   * @default `$PARLEY_REDIS_PREFIX`, else 'parley'
   */
  redisPrefix?: string;
  /** @default console (stdout/stderr); `false` for silence. */
  logger?: Logger | false;
  /**
   * Twei economy rules: server-wide, and per site under `sites`. Every amount is configurable.
   * @default `$PARLEY_ECONOMY` (JSON of these options), else `defaultEconomyRules` in economy/rules.ts
   * (why each value is what it is, there)
   */
  economy?: EconomyOptions;
  /**
   * Presence timing (realtime/presence.ts). @default the protocol's RealtimeLimits: the count at most
   * once a second, a full refresh every 10 s, changes gathered per 100 ms — tests shorten them.
   */
  presence?: PresenceTiming;
  /**
   * SMTP for the sites' `email` notifications (moderation/mail.ts) and the public URL its
   * unsubscribe links point to. @default `$PARLEY_SMTP_URL` with `$PARLEY_PUBLIC_URL`, else none —
   * no email is sent, and a site's `email` settings wait for it (logged at start).
   */
  mail?: MailOptions;
  /**
   * Timing of webhook and email deliveries: retries with exponential backoff (moderation/delivery-worker.ts).
   * @default `defaultDeliveryTiming` there (first retry after 5 s, doubling up to an hour, 12 attempts)
   */
  deliveries?: DeliveryTiming;
}

export interface ResolvedConfig {
  port: number;
  host: string;
  dbPath: string;
  /** The store to open: the SQLite file `dbPath`, or PostgreSQL at `databaseUrl`. */
  database: DatabaseChoice;
  /** The first site's id (the only one in the one-site shorthand). */
  siteId: string;
  secret: string;
  usingDevSecret: boolean;
  sites: SiteDirectory;
  widgetDir: string;
  consoleDir: string;
  rateLimit: ResolvedRateLimit | false;
  trustProxy: TrustProxy;
  eventTickMs: number;
  settleEveryMs: number;
  readFlushEveryMs: number;
  onRequest: ParleyServerOptions['onRequest'] | undefined;
  adapter: AdapterConstructor | undefined;
  redisUrl: string | undefined;
  redisPrefix: string;
  logger: Logger;
  economy: EconomyDirectory;
  presence: PresenceTiming;
  mail: MailOptions | undefined;
  deliveries: DeliveryTiming | undefined;
}

/** Public on purpose: it only protects a development server. */
export const DEV_SECRET = 'parley-development-secret-do-not-use-in-production';

export type ResolvedRateLimit = Required<RateLimitOptions>;

export const defaultRateLimit: Omit<ResolvedRateLimit, 'store'> = {
  mutationsPerUser: { points: 30, duration: 15 },
  mutationsPerGuestIp: { points: 120, duration: 10 },
  readsPerUser: { points: 200, duration: 10 },
  readsPerGuestIp: { points: 2000, duration: 10 },
  connectionsPerIp: 1000,
  connectAttemptsPerIp: { points: 2000, duration: 60 },
  roomsPerSocket: 50,
  threadCreationsPerIp: { points: 30, duration: 60 },
  threadCreationsPerSite: { points: 600, duration: 60 },
};

function checkBudget(name: string, budget: Budget): Budget {
  if (!Number.isInteger(budget.points) || budget.points < 1 || !(budget.duration > 0) || !Number.isFinite(budget.duration)) {
    throw new Error(`rateLimit.${name}: expected { points: a whole number ≥ 1, duration: seconds > 0 }, got ${JSON.stringify(budget)}`);
  }
  return budget;
}

function checkCount(name: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new Error(`rateLimit.${name}: expected a whole number ≥ 1, got ${count}`);
  return count;
}

/** Defaults filled in and every value checked, so a typo fails at start and not under load. */
export function resolveRateLimit(options: RateLimitOptions | false | undefined): ResolvedRateLimit | false {
  if (options === false) return false;
  const merged = { ...defaultRateLimit, ...options };
  return {
    mutationsPerUser: checkBudget('mutationsPerUser', merged.mutationsPerUser),
    mutationsPerGuestIp: checkBudget('mutationsPerGuestIp', merged.mutationsPerGuestIp),
    readsPerUser: checkBudget('readsPerUser', merged.readsPerUser),
    readsPerGuestIp: checkBudget('readsPerGuestIp', merged.readsPerGuestIp),
    connectionsPerIp: checkCount('connectionsPerIp', merged.connectionsPerIp),
    connectAttemptsPerIp: checkBudget('connectAttemptsPerIp', merged.connectAttemptsPerIp),
    roomsPerSocket: checkCount('roomsPerSocket', merged.roomsPerSocket),
    threadCreationsPerIp: checkBudget('threadCreationsPerIp', merged.threadCreationsPerIp),
    threadCreationsPerSite: checkBudget('threadCreationsPerSite', merged.threadCreationsPerSite),
    store: options?.store ?? memoryLimiters,
  };
}

function checkTrust(trust: TrustProxy): TrustProxy {
  compileTrust(trust); // throws, naming the bad entry
  return trust;
}

/** `<server package>/../widget/dist`, from dist/config.js or src/config.ts alike. */
function defaultWidgetDir(): string {
  const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  return resolve(packageDir, '../widget/dist');
}

function resolveMail(mail: MailOptions | undefined, env: NodeJS.ProcessEnv): MailOptions | undefined {
  const smtp = mail?.smtp ?? (env.PARLEY_SMTP_URL || undefined);
  if (!smtp) return undefined;
  const publicUrl = (mail?.publicUrl ?? env.PARLEY_PUBLIC_URL ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(publicUrl)) {
    throw new Error('mail.publicUrl (or PARLEY_PUBLIC_URL) must be where readers reach this server, e.g. https://comments.example.com: unsubscribe links point there');
  }
  return { smtp, publicUrl };
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
    dbPath: options.dbPath ?? DEFAULT_SQLITE_PATH,
    database: chooseDatabase(options.dbPath, options.databaseUrl ?? (env.PARLEY_DATABASE_URL || undefined)),
    siteId,
    secret: secret || DEV_SECRET,
    usingDevSecret: !options.sites && !secret,
    sites,
    widgetDir: resolve(options.widgetDir ?? env.PARLEY_WIDGET_DIR ?? defaultWidgetDir()),
    consoleDir: resolve(options.consoleDir ?? env.PARLEY_CONSOLE_DIR ?? resolve(defaultWidgetDir(), '../../console/dist')),
    rateLimit: resolveRateLimit(options.rateLimit),
    trustProxy: checkTrust(options.trustProxy ?? false),
    eventTickMs: Math.max(0, options.eventTickMs ?? 100),
    settleEveryMs: Math.max(0, options.settleEveryMs ?? 10_000),
    readFlushEveryMs: Math.max(0, options.readFlushEveryMs ?? 120_000),
    onRequest: options.onRequest,
    adapter: options.adapter,
    redisUrl: options.redisUrl ?? (env.PARLEY_REDIS_URL || undefined),
    redisPrefix: options.redisPrefix ?? (env.PARLEY_REDIS_PREFIX || 'parley'),
    logger: options.logger === false ? silentLogger : (options.logger ?? consoleLogger),
    economy: new EconomyDirectory(options.economy ?? economyFromEnv(env.PARLEY_ECONOMY)),
    presence: options.presence ?? {},
    mail: resolveMail(options.mail, env),
    deliveries: options.deliveries,
  };
}

