/**
 * `parley gates get|set <thread> …` — reads or changes a thread's gates through the running
 * server's admin endpoint (not the database file), so the server broadcasts the change and open
 * widgets re-lock at once; the server also stays the only writer of its database.
 */
import { parseArgs } from 'node:util';
import { GatedActions, MAX_GATE_LEVEL, type GatedAction } from '@parley/protocol';
import { DEV_SECRET } from './config.js';
import { loadConfigFile, secretOf } from './sites/config-file.js';
import type { SiteOptions } from './sites/site-config.js';
import { signToken } from './transport/tokens.js';

export const gatesUsage = `Usage: parley gates get <thread> [options]
       parley gates set <thread> <action>=<level> … [options]

  Actions: ${GatedActions.join(', ')}. Levels 0–${MAX_GATE_LEVEL}; the site's gates stay the floor.
  set changes only the actions named, unless --replace (then the rest return to the site's gates).

  --site <id>      the thread's site            (env PARLEY_SITE; the only site when one)
  --server <url>   the running Parley server    (env PARLEY_SERVER, default http://127.0.0.1:4000)
  --config <file>  parley.config.json, for the site's secret or adminKey (env PARLEY_CONFIG)
  --replace        set: replace all the thread's gates
  Credential: env PARLEY_ADMIN_KEY, else the site's adminKey, else an admin token signed with the
  site's secret (env PARLEY_SECRET, the config file, or the development secret).`;

export class GatesUsageError extends Error {}
/** The server answered, and said no (or could not be reached): a message for the operator, not a bug. */
export class GatesRefused extends Error {}

export function parseAssignments(pairs: readonly string[]): Partial<Record<GatedAction, number>> {
  const gates: Partial<Record<GatedAction, number>> = {};
  for (const pair of pairs) {
    const match = /^([a-z]+)=(\d+)$/.exec(pair);
    const action = GatedActions.find((a) => a === match?.[1]);
    const level = Number(match?.[2]);
    if (!match || !action) throw new GatesUsageError(`"${pair}": expected <action>=<level> with an action among ${GatedActions.join(', ')}`);
    if (!Number.isInteger(level) || level > MAX_GATE_LEVEL) throw new GatesUsageError(`"${pair}": the level must be 0–${MAX_GATE_LEVEL}`);
    gates[action] = level;
  }
  return gates;
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

function siteIdOf(sites: readonly SiteOptions[], siteId: string | undefined): { id: string } {
  if (siteId !== undefined) return { id: siteId };
  if (sites.length === 1 && sites[0]) return { id: sites[0].id };
  throw new GatesUsageError(`several sites are configured (${sites.map((s) => s.id).join(', ')}); pass --site`);
}

interface GatesView {
  gates: Record<string, number>;
  recorded: Record<string, number>;
  siteGates: Record<string, number>;
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

const describe = (view: GatesView): string =>
  GatedActions.map((a) => `${a.padEnd(8)} LVL ${String(view.gates[a]).padEnd(4)} (site ${view.siteGates[a]}${view.recorded[a] !== undefined ? `, thread ${view.recorded[a]}` : ''})`).join('\n');

export async function gatesCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      site: { type: 'string' },
      server: { type: 'string' },
      config: { type: 'string' },
      replace: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(gatesUsage);
  const [verb, thread, ...pairs] = positionals;
  if ((verb !== 'get' && verb !== 'set') || !thread) throw new GatesUsageError('expected "gates get <thread>" or "gates set <thread> <action>=<level> …"');
  if (verb === 'get' && pairs.length > 0) throw new GatesUsageError('"gates get" takes only a thread');
  const changes = verb === 'set' ? parseAssignments(pairs) : {};
  if (verb === 'set' && pairs.length === 0 && !values.replace) throw new GatesUsageError('"gates set" needs at least one <action>=<level>');

  const { site, bearer, server } = await adminTarget(values, env);
  const url = `${server}/admin/sites/${encodeURIComponent(site)}/threads/${encodeURIComponent(thread)}/gates`;

  let answer = await request(url, bearer, 'GET');
  if (verb === 'set') {
    const current = answer.status === 200 ? (answer.json as unknown as GatesView).recorded : {};
    if (answer.status !== 200 && answer.json.error !== 'not_found') return fail(answer.json);
    answer = await request(url, bearer, 'PUT', { gates: values.replace ? changes : { ...current, ...changes } });
  }
  if (answer.status !== 200) return fail(answer.json);
  console.log(`Gates of ${thread} on site ${site}:\n${describe(answer.json as unknown as GatesView)}`);
}

export function fail(json: Record<string, unknown>): never {
  throw new GatesRefused(`the server refused: ${String(json.error)}: ${String(json.message)}`);
}
