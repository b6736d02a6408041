/**
 * `parley reader export|erase <user> --site S` — readers' rights through the running server's admin
 * API (transport/rights-routes.ts), like `parley gates`: the server stays the only writer and tells
 * open widgets that the reader's comments are tombstones now.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { adminOptions, adminTarget, credentialUsage, fail, GatesUsageError, request } from './cli-admin.js';

export const readerUsage = `Usage: parley reader export <user> [--out <file>] [options]
       parley reader erase <user> [options]

  export  prints (or writes to --out) everything Parley holds about the reader on the site, as JSON:
          profile, comments with their words, reactions, votes, flags, ledger transfers and balance,
          pending rewards, reading records, request records, any erasure.
  erase   erases the reader: their comments become tombstones (replies stay), their name and avatar
          go from comments and the event log, their balance returns to the site treasury, pending
          rewards are cancelled; audited, and safe to repeat. Open widgets show the tombstones at once.

  --site <id>      the reader's site        (env PARLEY_SITE; the only site when one)
  --server <url>   the running Parley server (env PARLEY_SERVER, default http://127.0.0.1:4000)
  --config <file>  parley.config.json, for the site's secret or adminKey (env PARLEY_CONFIG)
  ${credentialUsage}`;

export async function readerCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...adminOptions, out: { type: 'string' } },
  });
  if (values.help) return void console.log(readerUsage);
  const [verb, user, ...extra] = positionals;
  if ((verb !== 'export' && verb !== 'erase') || !user || extra.length > 0) throw new GatesUsageError('expected "reader export <user>" or "reader erase <user>"');
  const { site, bearer, server } = await adminTarget(values, env);
  const base = `${server}/admin/sites/${encodeURIComponent(site)}/readers/${encodeURIComponent(user)}`;
  const answer = verb === 'export' ? await request(base, bearer, 'GET') : await request(`${base}/erase`, bearer, 'POST');
  if (answer.status !== 200) return fail(answer.json);
  const text = `${JSON.stringify(answer.json, null, 2)}\n`;
  if (verb === 'export' && values.out) {
    writeFileSync(values.out, text);
    console.error(`Wrote what Parley holds about ${user} on site ${site} to ${values.out}.`);
  } else {
    process.stdout.write(text);
  }
}
