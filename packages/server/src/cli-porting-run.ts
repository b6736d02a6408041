/**
 * `parley import disqus|wordpress|json FILE --site S` and `parley export --site S [--out F]`
 * (SPEC IMPORT-*, EXPORT-*). Both work on the database directly (a file of hundreds of MB is not an
 * HTTP body): SQLite beside a running server is safe (WAL; writes wait their turn), PostgreSQL too.
 * Imported comments reach open widgets on their next load, not live.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { exportUsage, importUsage, PortingUsageError } from './cli-porting.js';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createCommandContext } from './commands/context.js';
import { loadConfigFile } from './sites/config-file.js';
import { resolveSite, SiteDirectory, type Site } from './sites/site-config.js';
import { chooseDatabase, openStore } from './store/open-store.js';
import type { Store } from './store/types.js';
import { readDisqus } from './porting/disqus.js';
import { readWordpress } from './porting/wordpress.js';
import { readParleyJson } from './porting/json-format.js';
import { Importer, type ImportReport } from './porting/import-writer.js';
import { exportSite } from './porting/export.js';
import type { ImportRecord } from './porting/records.js';

const readers: Record<string, (path: string) => AsyncGenerator<ImportRecord>> = {
  disqus: readDisqus,
  wordpress: readWordpress,
  json: readParleyJson,
};

interface Opened {
  store: Store;
  site: Site;
}

async function open(values: { site?: string; db?: string; 'database-url'?: string; config?: string }, env: NodeJS.ProcessEnv): Promise<Opened> {
  const configPath = values.config ?? env.PARLEY_CONFIG;
  const file = configPath ? loadConfigFile(configPath, env) : null;
  const siteId = values.site ?? env.PARLEY_SITE ?? (file?.sites?.length === 1 ? file.sites[0]?.id : undefined);
  if (!siteId) throw new PortingUsageError('name the site with --site <id>');
  let site: Site;
  if (file?.sites) {
    const options = file.sites.find((s) => s.id === siteId);
    if (!options) throw new PortingUsageError(`site ${siteId} is not in ${configPath} (it has ${file.sites.map((s) => s.id).join(', ')})`);
    site = resolveSite(options);
  } else {
    site = resolveSite({ id: siteId, secret: 'unused-by-import-and-export' }, { development: true });
  }
  const choice = chooseDatabase(values.db ?? env.PARLEY_DB ?? file?.dbPath, values['database-url'] ?? (env.PARLEY_DATABASE_URL || undefined));
  return { store: await openStore(choice), site };
}

const dbOptions = {
  site: { type: 'string' },
  db: { type: 'string' },
  'database-url': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function importCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ImportReport | undefined> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: dbOptions });
  if (values.help) return void console.log(importUsage);
  const [format, path, ...extra] = positionals;
  const read = format ? readers[format] : undefined;
  if (!read || !path || extra.length > 0) throw new PortingUsageError('expected "import disqus|wordpress|json <file> --site <id>"');
  if (!existsSync(path)) throw new PortingUsageError(`no file at ${path}`);
  const { store, site } = await open(values, env);
  try {
    const ctx = createCommandContext(store, { sites: new SiteDirectory([site]) });
    const report = await new Importer(ctx, site, format as string).run(read(path));
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    await store.close();
  }
}

export async function exportCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...dbOptions, out: { type: 'string' } } });
  if (values.help) return void console.log(exportUsage);
  if (positionals.length > 0) throw new PortingUsageError('"export" takes no positional argument; use --out <file>');
  const { store, site } = await open(values, env);
  const out = values.out ? createWriteStream(values.out, { encoding: 'utf8' }) : process.stdout;
  try {
    const summary = await exportSite(store, site.id, async (line) => {
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    });
    if (values.out) console.error(`Exported ${summary.threads} threads, ${summary.comments} comments, ${summary.reactions} reactions, ${summary.votes} votes of site ${site.id} to ${values.out}.`);
  } finally {
    if (values.out) {
      out.end();
      await once(out, 'finish');
    }
    await store.close();
  }
}
