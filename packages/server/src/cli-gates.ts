/**
 * `parley gates get|set <thread> …` — reads or changes a thread's gates through the running
 * server's admin endpoint (not the database file), so the server broadcasts the change and open
 * widgets re-lock at once; the server also stays the only writer of its database.
 */
import { parseArgs } from 'node:util';
import { GatedActions, MAX_GATE_LEVEL, type GatedAction } from '@parley/protocol';
import { adminOptions, adminTarget, credentialUsage, fail, GatesUsageError, request } from './cli-admin.js';

export const gatesUsage = `Usage: parley gates get <thread> [options]
       parley gates set <thread> <action>=<level> … [options]

  Actions: ${GatedActions.join(', ')}. Levels 0–${MAX_GATE_LEVEL}; the site's gates stay the floor.
  set changes only the actions named, unless --replace (then the rest return to the site's gates).

  --site <id>      the thread's site            (env PARLEY_SITE; the only site when one)
  --server <url>   the running Parley server    (env PARLEY_SERVER, default http://127.0.0.1:4000)
  --config <file>  parley.config.json, for the site's secret or adminKey (env PARLEY_CONFIG)
  --replace        set: replace all the thread's gates
  ${credentialUsage}`;

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

interface GatesView {
  gates: Record<string, number>;
  recorded: Record<string, number>;
  siteGates: Record<string, number>;
}

const describe = (view: GatesView): string =>
  GatedActions.map((a) => `${a.padEnd(8)} LVL ${String(view.gates[a]).padEnd(4)} (site ${view.siteGates[a]}${view.recorded[a] !== undefined ? `, thread ${view.recorded[a]}` : ''})`).join('\n');

export async function gatesCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...adminOptions, replace: { type: 'boolean' } },
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

