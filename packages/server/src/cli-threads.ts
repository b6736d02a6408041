/**
 * `parley threads create | publish | list | show | claim` — threads belong to the host (SPEC
 * THREAD-1). All but `claim` go through the running server's admin API (as `parley gates` does), so
 * the server stays the only writer of its database and open widgets hear changed gates at once.
 * `claim` signs, locally, the thread-token a host's page gives the widget.
 */
import { parseArgs } from 'node:util';
import { DEV_SECRET } from './config.js';
import { adminOptions, adminTarget, configuredSites, fail, GatesRefused, GatesUsageError, request } from './cli-admin.js';
import { parseAssignments } from './cli-gates.js';
import { secretOf } from './sites/config-file.js';
import { signThreadClaim } from './sites/thread-claims.js';

export const threadsUsage = `Usage: parley threads create <thread> [--title T] [--url U] [--gate action=level …] [--author id] [--publish]
       parley threads publish <thread> [--author id]
       parley threads list [--limit n] [--cursor c]
       parley threads show <thread>
       parley threads claim <thread> [--title T] [--url U] [--gate action=level …] [--author id] [--draft] [--ttl span]

  create   creates the thread (or updates what is given); readers can then open it
  publish  publishes the post: read-to-earn starts, the author (once) pays the Post Publish Tribute
  list     the site's threads, newest first (JSON lines)
  show     one thread (JSON)
  claim    prints a signed thread-token for <parley-thread thread-token="…"> (HS256, the site's secret);
           published unless --draft; no expiry unless --ttl

  --site <id>      the thread's site            (env PARLEY_SITE; the only site when one)
  --server <url>   the running Parley server    (env PARLEY_SERVER, default http://127.0.0.1:4000)
  --config <file>  parley.config.json, for the site's secret or adminKey (env PARLEY_CONFIG)
  Credential: as for "parley gates".`;

export async function threadsCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...adminOptions,
      title: { type: 'string' },
      url: { type: 'string' },
      gate: { type: 'string', multiple: true },
      author: { type: 'string' },
      publish: { type: 'boolean' },
      draft: { type: 'boolean' },
      ttl: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
    },
  });
  if (values.help) return void console.log(threadsUsage);
  const [verb, thread, ...extra] = positionals;
  if (extra.length > 0) throw new GatesUsageError(`unexpected arguments: ${extra.join(' ')}`);
  const verbs = ['create', 'publish', 'list', 'show', 'claim'];
  if (!verb || !verbs.includes(verb)) throw new GatesUsageError(`expected one of: threads ${verbs.join(' | ')}`);
  if (verb !== 'list' && !thread) throw new GatesUsageError(`"threads ${verb}" needs a thread id`);
  const gates = values.gate ? parseAssignments(values.gate) : undefined;

  const sites = configuredSites(values, env);
  const siteId = values.site ?? env.PARLEY_SITE;

  if (verb === 'claim') {
    const { id, secret } = sites ? secretOf(sites, siteId) : { id: siteId ?? 'demo', secret: env.PARLEY_SECRET || DEV_SECRET };
    const claim = {
      thread: thread as string,
      ...(values.title !== undefined && { title: values.title }),
      ...(values.url !== undefined && { url: values.url }),
      ...(gates && { gates }),
      ...(values.author !== undefined && { author: values.author }),
      published: !values.draft,
    };
    return void console.log(await signThreadClaim(secret, claim, { audience: id, ...(values.ttl && { expiresIn: values.ttl }) }));
  }

  const { site, bearer, server } = await adminTarget(values, env, sites);
  const base = `${server}/admin/sites/${encodeURIComponent(site)}/threads`;
  const one = thread ? `${base}/${encodeURIComponent(thread)}` : base;
  let answer;
  if (verb === 'create') {
    answer = await request(base, bearer, 'POST', {
      id: thread,
      ...(values.title !== undefined && { title: values.title }),
      ...(values.url !== undefined && { url: values.url }),
      ...(gates && { gates }),
      ...(values.author !== undefined && { author: values.author }),
      ...(values.publish && { published: true }),
    });
  } else if (verb === 'publish') {
    answer = await request(`${one}/publish`, bearer, 'POST', values.author ? { author: values.author } : {});
  } else if (verb === 'show') {
    answer = await request(one, bearer, 'GET');
  } else {
    const query = new URLSearchParams({ limit: values.limit ?? '50', ...(values.cursor && { cursor: values.cursor }) });
    answer = await request(`${base}?${query}`, bearer, 'GET');
  }
  if (answer.status !== 200) return fail(answer.json);
  if (verb === 'list') {
    const { threads, nextCursor } = answer.json as { threads: unknown[]; nextCursor: string | null };
    for (const row of threads) console.log(JSON.stringify(row));
    if (nextCursor) console.error(`more: parley threads list --cursor ${nextCursor}`);
    return;
  }
  const { created, thread: info } = answer.json as { created?: boolean; thread: unknown };
  if (created !== undefined) console.error(created ? `created ${thread} on site ${site}` : `updated ${thread} on site ${site}`);
  console.log(JSON.stringify(info, null, 2));
}

export { GatesRefused as ThreadsRefused };
