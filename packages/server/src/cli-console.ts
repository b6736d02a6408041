/**
 * `parley console revoke <moderator> --site S` — ends every console session of a moderator (SPEC
 * CON-8) through the running server's admin API, like `parley reader`: the revocation is stored, so
 * every node refuses those sessions at once. (Rotating the site's `adminKey` ends the sessions opened
 * with the old key by itself.)
 */
import { parseArgs } from 'node:util';
import { adminOptions, adminTarget, credentialUsage, fail, GatesUsageError, request } from './cli-admin.js';

export const consoleUsage = `Usage: parley console revoke <moderator> [options]

  revoke  ends every session of the moderator in the moderators' console (/admin), on every node;
          they sign in again with a token. Audited in the console's log.

  --site <id>      the site                 (env PARLEY_SITE; the only site when one)
  --server <url>   the running Parley server (env PARLEY_SERVER, default http://127.0.0.1:4000)
  --config <file>  parley.config.json, for the site's secret or adminKey (env PARLEY_CONFIG)
  ${credentialUsage}`;

export async function consoleCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: adminOptions,
  });
  if (values.help) return void console.log(consoleUsage);
  const [verb, moderator, ...extra] = positionals;
  if (verb !== 'revoke' || !moderator || extra.length > 0) throw new GatesUsageError('expected "console revoke <moderator>"');
  const { site, bearer, server } = await adminTarget(values, env);
  const answer = await request(`${server}/admin/sites/${encodeURIComponent(site)}/moderators/${encodeURIComponent(moderator)}/revoke-console`, bearer, 'POST');
  if (answer.status !== 200) return fail(answer.json);
  process.stdout.write(`${JSON.stringify(answer.json)}\n`);
}
