/**
 * What every admin command of the `parley` CLI shares (gates, threads, reader, console): the flags
 * `--site`, `--server`, `--config`, the site's admin credential, and one request to the running
 * server's admin API with its refusals.
 */
import { DEV_SECRET } from './config.js';
import { loadConfigFile, secretOf } from './sites/config-file.js';
import type { SiteOptions } from './sites/site-config.js';
import { signToken } from './transport/tokens.js';

/** The parseArgs options of {@link AdminFlags}, and `--help`. */
export const adminOptions = {
  site: { type: 'string' },
  server: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The usage's last lines: how an admin command finds its credential. */
export const credentialUsage = `Credential: env PARLEY_ADMIN_KEY, else the site's adminKey, else an admin token signed with the
  site's secret (env PARLEY_SECRET, the config file, or the development secret).`;

export class GatesUsageError extends Error {}
/** The server answered, and said no (or could not be reached): a message for the operator, not a bug. */
export class GatesRefused extends Error {}

/** The flags every admin command shares: `--site`, `--server`, `--config`. */
export interface AdminFlags {
  site?: string | undefined;
  server?: string | undefined;
  config?: string | undefined;
}

/** The config file's sites (`--config`, `PARLEY_CONFIG`), or null without one. */
export function configuredSites(values: AdminFlags, env: NodeJS.ProcessEnv): readonly SiteOptions[] | null {
  const configPath = values.config ?? env.PARLEY_CONFIG;
  return configPath ? loadConfigFile(configPath, env).sites : null;
}

/**
 * Where an admin command goes and what it presents (gates, threads, reader, console): the site, its
 * credential ({@link credential}) and the running server's base URL (`--server`, `PARLEY_SERVER`).
 */
export async function adminTarget(
  values: AdminFlags,
  env: NodeJS.ProcessEnv,
  sites: readonly SiteOptions[] | null = configuredSites(values, env),
): Promise<{ site: string; bearer: string; server: string }> {
  const { site, bearer } = await credential(sites, values.site ?? env.PARLEY_SITE, env);
  return { site, bearer, server: (values.server ?? env.PARLEY_SERVER ?? 'http://127.0.0.1:4000').replace(/\/$/, '') };
}

export async function credential(sites: readonly SiteOptions[] | null, siteId: string | undefined, env: NodeJS.ProcessEnv): Promise<{ site: string; bearer: string }> {
  if (sites) {
    const { id } = siteIdOf(sites, siteId);
    const site = sites.find((s) => s.id === id);
    if (env.PARLEY_ADMIN_KEY || site?.adminKey) return { site: id, bearer: env.PARLEY_ADMIN_KEY || (site?.adminKey as string) };
    const { secret } = secretOf(sites, id);
    return { site: id, bearer: await signToken(secret, { sub: 'parley-cli', role: 'admin' }, { audience: id, expiresIn: '5m' }) };
  }
  const site = siteId ?? 'demo';
  if (env.PARLEY_ADMIN_KEY) return { site, bearer: env.PARLEY_ADMIN_KEY };
  return { site, bearer: await signToken(env.PARLEY_SECRET || DEV_SECRET, { sub: 'parley-cli', role: 'admin' }, { audience: site, expiresIn: '5m' }) };
}

function siteIdOf(sites: readonly SiteOptions[], siteId: string | undefined): { id: string } {
  if (siteId !== undefined) return { id: siteId };
  if (sites.length === 1 && sites[0]) return { id: sites[0].id };
  throw new GatesUsageError(`several sites are configured (${sites.map((s) => s.id).join(', ')}); pass --site`);
}

export async function request(url: string, bearer: string, method: 'GET' | 'PUT' | 'POST', body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new GatesRefused(`cannot reach the Parley server at ${new URL(url).origin} (${(error as Error).message}); is it running? (--server)`);
  }
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export function fail(json: Record<string, unknown>): never {
  throw new GatesRefused(`the server refused: ${String(json.error)}: ${String(json.message)}`);
}
