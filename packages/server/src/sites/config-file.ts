/**
 * `parley.config.json`: the sites a server hosts (ids, secrets or public keys, origins, gates, level
 * curves, admin keys), optional listen settings and the economy rules, passed through to the
 * economy. Environment variables override the file for one site — the one `PARLEY_SITE` names, or
 * the only one — so a deployment keeps its secret out of the file:
 *
 *   PARLEY_SECRET     that site's HS256 secret
 *   PARLEY_ORIGINS    that site's allowed origins, comma-separated
 *   PARLEY_ADMIN_KEY  that site's admin key
 *
 * `trustProxy` says which proxies may name the client (transport/client-address.ts) and `limits`
 * sets any of the rate and connection limits (config.ts `RateLimitOptions`, each default there
 * with its reason).
 *
 * A bad file is refused before the server starts, naming the key and what was expected.
 */
import { readFileSync } from 'node:fs';
import { GatedActions, MAX_GATE_LEVEL } from '@parley/protocol';
import { z } from 'zod';
import type { ParleyServerOptions } from '../config.js';
import { compileTrust } from '../transport/client-address.js';
import { SiteConfigError, type SiteOptions } from './site-config.js';
import { defaultSpamRules } from '../moderation/spam.js';
import { WebhookEvents } from '../moderation/site-filters.js';

const gateLevel = z.number().int().min(0).max(MAX_GATE_LEVEL);
const Gates = z.strictObject(Object.fromEntries(GatedActions.map((action) => [action, gateLevel.optional()])));

const PublicKey = z.strictObject({
  alg: z.enum(['EdDSA', 'RS256']),
  key: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  kid: z.string().min(1).optional(),
});

const HmacSecret = z.strictObject({
  secret: z.string().min(1),
  kid: z.string().min(1).optional(),
});

const Site = z.strictObject({
  id: z.string().min(1),
  secret: z.string().min(1).optional(),
  secrets: z.array(HmacSecret).optional(),
  publicKeys: z.array(PublicKey).optional(),
  issuer: z.string().min(1).optional(),
  origins: z.array(z.string()).optional(),
  gates: Gates.optional(),
  trustHostLevels: z.boolean().optional(),
  levelCurve: z.array(z.number().int().min(0)).optional(),
  adminKey: z.string().optional(),
  autoCreateThreads: z.boolean().optional(),
  economy: z.enum(['off', 'compact', 'full']).optional(),
  words: z
    .strictObject({
      banned: z.array(z.string()).optional(),
      suspect: z.array(z.string()).optional(),
      allowed: z.array(z.string()).optional(),
    })
    .optional(),
  spam: z.union([z.literal(false), z.strictObject(Object.fromEntries(Object.keys(defaultSpamRules).map((key) => [key, z.number().min(0).optional()])))]).optional(),
  hook: z.strictObject({ url: z.string().min(1), secret: z.string().min(1), timeoutMs: z.number().int().optional() }).optional(),
  webhooks: z.array(z.strictObject({ url: z.string().min(1), secret: z.string().min(1), events: z.array(z.enum(WebhookEvents)).optional() })).optional(),
  email: z
    .strictObject({
      from: z.string().min(1),
      moderators: z.array(z.string()).optional(),
      replies: z.boolean().optional(),
      unsubscribeSecret: z.string().optional(),
    })
    .optional(),
  premoderation: z
    .strictObject({
      all: z.boolean().optional(),
      belowLevel: z.number().int().min(0).max(1000).optional(),
      firstComments: z.number().int().min(0).max(1000).optional(),
      links: z.boolean().optional(),
    })
    .optional(),
});

/** At most `points` requests per `duration` seconds. */
const Budget = z.strictObject({ points: z.number().int().min(1), duration: z.number().positive() });
const count = z.number().int().min(1);

/** Every field of config.ts `RateLimitOptions` a file can carry (all but `store`, a function). */
const Limits = z.strictObject({
  mutationsPerUser: Budget.optional(),
  mutationsPerGuestIp: Budget.optional(),
  readsPerUser: Budget.optional(),
  readsPerGuestIp: Budget.optional(),
  connectionsPerIp: count.optional(),
  connectAttemptsPerIp: Budget.optional(),
  roomsPerSocket: count.optional(),
  threadCreationsPerIp: Budget.optional(),
  threadCreationsPerSite: Budget.optional(),
});

const trustEntry = z.string().refine(
  (entry) => {
    try {
      compileTrust([entry]);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IP address, a CIDR range (10.0.0.0/8) or loopback, linklocal, uniquelocal' },
);

/** false (the default), a hop count, or the proxies' addresses and ranges. Never `true`: see config.ts. */
const TrustProxy = z.union([z.literal(false), z.number().int().min(0), z.array(trustEntry).min(1)]);

const ConfigFile = z.strictObject({
  /** For editors that validate against a JSON schema; ignored. */
  $schema: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  db: z.string().min(1).optional(),
  sites: z.array(Site).min(1),
  trustProxy: TrustProxy.optional(),
  limits: Limits.optional(),
  mail: z.strictObject({ smtp: z.string().min(1), publicUrl: z.string().min(1) }).optional(),
  deliveries: z
    .strictObject({
      pollMs: z.number().int().min(10).optional(),
      baseDelayMs: z.number().int().min(1).optional(),
      maxDelayMs: z.number().int().min(1).optional(),
      maxAttempts: z.number().int().min(1).max(100).optional(),
      attemptTimeoutMs: z.number().int().min(100).max(120_000).optional(),
    })
    .optional(),
  // The economy validates its own rules; the file only carries them.
  economy: z.record(z.string(), z.unknown()).optional(),
});

export type ConfigFileOptions = Pick<ParleyServerOptions, 'port' | 'host' | 'dbPath' | 'sites' | 'economy' | 'trustProxy' | 'mail' | 'deliveries'> & {
  rateLimit?: Exclude<ParleyServerOptions['rateLimit'], false>;
  sites: SiteOptions[];
};

export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

/** `sites[0].gates.comment` from a zod path. */
function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '') || '(the file)';
}

/** Parses and checks a config file's text. `source` names it in error messages. */
export function parseConfigFile(text: string, source: string, env: NodeJS.ProcessEnv = process.env): ConfigFileOptions {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = ConfigFile.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${keyPath(issue.path)}: ${issue.message}`);
    throw new ConfigFileError(`${source} is not a valid Parley configuration:\n${lines.join('\n')}`);
  }
  const file = parsed.data;
  const sites = file.sites.map((site) => ({ ...site }) as SiteOptions);
  applyEnvOverrides(sites, source, env);
  return {
    sites,
    ...(file.port !== undefined && { port: file.port }),
    ...(file.host !== undefined && { host: file.host }),
    ...(file.db !== undefined && { dbPath: file.db }),
    ...(file.economy !== undefined && { economy: file.economy as ParleyServerOptions['economy'] }),
    ...(file.trustProxy !== undefined && { trustProxy: file.trustProxy }),
    ...(file.limits !== undefined && { rateLimit: file.limits }),
    ...(file.mail !== undefined && { mail: file.mail }),
    ...(file.deliveries !== undefined && { deliveries: file.deliveries }),
  };
}

function applyEnvOverrides(sites: SiteOptions[], source: string, env: NodeJS.ProcessEnv): void {
  const overrides = env.PARLEY_SECRET || env.PARLEY_ORIGINS || env.PARLEY_ADMIN_KEY;
  if (!overrides && !env.PARLEY_SITE) return;
  const ids = sites.map((s) => s.id).join(', ');
  const target = env.PARLEY_SITE ? sites.find((s) => s.id === env.PARLEY_SITE) : sites.length === 1 ? sites[0] : undefined;
  if (!target) {
    if (env.PARLEY_SITE) throw new ConfigFileError(`PARLEY_SITE=${env.PARLEY_SITE} is not a site in ${source} (sites: ${ids})`);
    throw new ConfigFileError(`${source} has several sites (${ids}); set PARLEY_SITE to say which one PARLEY_SECRET/ORIGINS/ADMIN_KEY apply to`);
  }
  if (env.PARLEY_SECRET) target.secret = env.PARLEY_SECRET;
  if (env.PARLEY_ADMIN_KEY) target.adminKey = env.PARLEY_ADMIN_KEY;
  if (env.PARLEY_ORIGINS) target.origins = env.PARLEY_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
}

/** Reads and checks a config file from disk. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): ConfigFileOptions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(`cannot read the configuration file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseConfigFile(text, path, env);
}

/** A site's HS256 secret, for `parley token` / `parley gates` (`secret`, else the first of `secrets`); explains when there is none. */
export function secretOf(sites: readonly SiteOptions[], siteId: string | undefined): { id: string; secret: string } {
  const site = siteId === undefined ? (sites.length === 1 ? sites[0] : undefined) : sites.find((s) => s.id === siteId);
  if (!site) {
    const ids = sites.map((s) => s.id).join(', ');
    throw new SiteConfigError(siteId === undefined ? `several sites are configured (${ids}); pass --site` : `no site "${siteId}" in the configuration (sites: ${ids})`);
  }
  // The same order a resolved site verifies in: `secret`, then the first of `secrets`.
  const secret = site.secret || site.secrets?.[0]?.secret;
  if (!secret) throw new SiteConfigError(`site "${site.id}" verifies only public-key tokens; sign them with your own private key`);
  return { id: site.id, secret };
}
