/**
 * `parley serve | token | migrate | gates | threads | audit`. Flags beat environment variables, which beat defaults.
 */
import { parseArgs } from 'node:util';
import { GatesRefused, GatesUsageError } from './cli-admin.js';
import { gatesCommand, gatesUsage } from './cli-gates.js';
import { auditCommand } from './cli-audit.js';
import { threadsCommand, threadsUsage } from './cli-threads.js';
import { readerUsage } from './cli-reader.js';
import { consoleUsage } from './cli-console.js';
import { exportUsage, importUsage, PortingUsageError } from './cli-porting.js';
import { DEV_SECRET, type ParleyServerOptions } from './config.js';
import { ConfigFileError, loadConfigFile, secretOf } from './sites/config-file.js';
import { SiteConfigError } from './sites/site-config.js';
import { consoleLogger, jsonLogger } from './logger.js';
import { startParleyServer } from './server.js';
import { chooseDatabase, DatabaseChoiceError, DatabaseOpenError, DEFAULT_SQLITE_PATH, describeDatabase, openStore } from './store/open-store.js';
import { signToken } from './transport/tokens.js';

const env = process.env;

const usage = {
  main: `Usage: parley <command> [options]

Commands:
  serve     run the Parley server (HTTP + Socket.IO on one port)
  token     print a signed reader token for development
  threads   create, publish, list and show threads; sign a page's thread-token (admin)
  gates     read or change a thread's level gates (admin)
  migrate   create or upgrade the database, then exit
  audit     check that the Twei ledger and every bought report add up
  import    read a Disqus, WordPress or Parley export into a site (no Twei moves)
  export    write a site's discussions as a parley-export file
  reader    export everything held about a reader, or erase them (admin)
  console   end every console session of a moderator (admin)

Run "parley <command> --help" for a command's options.`,
  serve: `Usage: parley serve [options]

  --port <n>      port to listen on, 0 for any free one   (env PARLEY_PORT, default 4000)
  --host <addr>   interface to bind                       (env PARLEY_HOST, default 0.0.0.0)
  --db <file>     SQLite database file                    (env PARLEY_DB, default ./data/parley.db)
  --database-url <u> PostgreSQL instead, for several nodes: postgres://user@host:5432/db
                  (env PARLEY_DATABASE_URL; giving it and --db / PARLEY_DB is refused)
  --site <id>     site id, the audience tokens must carry (env PARLEY_SITE, default demo)
  --redis-url <u> join other nodes through Redis: redis://host:6379[/db] (env PARLEY_REDIS_URL;
                  key prefix env PARLEY_REDIS_PREFIX, default parley)
  --config <file> parley.config.json: sites, gates, level curves, origins, keys, economy, limits, trustProxy,
                  word lists, spam, hook, webhooks, email (sites[]), mail, deliveries
                  (env PARLEY_CONFIG). Flags and env beat the file; with a file, PARLEY_SECRET,
                  PARLEY_ORIGINS and PARLEY_ADMIN_KEY override the site PARLEY_SITE names (or the only one).
  Secret: env PARLEY_SECRET (a development secret is used, with a warning, when unset).
  Widget files: env PARLEY_WIDGET_DIR (default packages/widget/dist).`,
  token: `Usage: parley token --sub <id> [options]

  --sub <id>       the reader's id (required)
  --name <name>    display name
  --avatar <url>   avatar URL
  --lvl <n>        level (default 1)
  --role <role>    moderator | admin
  --ttl <span>     lifetime, e.g. 30m, 1h, 7d (default 1h)
  --site <id>      audience (env PARLEY_SITE, default demo; with --config, any configured site)
  --config <file>  sign with that site's secret from parley.config.json (env PARLEY_CONFIG)
  Secret: env PARLEY_SECRET (the development secret when unset).`,
  gates: gatesUsage,
  threads: threadsUsage,
  import: importUsage,
  export: exportUsage,
  reader: readerUsage,
  console: consoleUsage,
  migrate: `Usage: parley migrate [--db <file> | --database-url <url>]

  --db <file>          SQLite database file (env PARLEY_DB, default ./data/parley.db)
  --database-url <u>   PostgreSQL: postgres://user@host:5432/db (env PARLEY_DATABASE_URL);
                       fails, with a non-zero exit, when it cannot be reached`,
} as const;

class UsageError extends Error {}

function toPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port: ${value}`);
  return port;
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      site: { type: 'string' },
      config: { type: 'string' },
      'redis-url': { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(usage.serve);
  const configPath = values.config ?? env.PARLEY_CONFIG;
  // With a file, --site picks the site the env overrides apply to; without, it is the one site's id.
  const file = configPath ? loadConfigFile(configPath, values.site ? { ...env, PARLEY_SITE: values.site } : env) : null;
  const databaseUrl = values['database-url'] ?? (env.PARLEY_DATABASE_URL || undefined);
  const dbPath = values.db ?? env.PARLEY_DB ?? file?.dbPath;
  const sites: Partial<ParleyServerOptions> = file
    ? {
        sites: file.sites,
        ...(file.economy && { economy: file.economy }),
        ...(file.rateLimit && { rateLimit: file.rateLimit }),
        ...(file.trustProxy !== undefined && { trustProxy: file.trustProxy }),
        ...(file.mail && { mail: file.mail }),
        ...(file.deliveries && { deliveries: file.deliveries }),
      }
    : { siteId: values.site ?? env.PARLEY_SITE ?? 'demo', ...(env.PARLEY_SECRET ? { secret: env.PARLEY_SECRET } : {}) };
  // JSON lines for log shippers, secrets redacted (logger.ts); PARLEY_LOG_LEVEL=debug|info|warn|error.
  const logger = jsonLogger();
  const server = await startParleyServer({
    port: toPort(values.port ?? env.PARLEY_PORT ?? String(file?.port ?? 4000)),
    host: values.host ?? env.PARLEY_HOST ?? file?.host ?? '0.0.0.0',
    // Only what was given: a SQLite path and a database URL together are refused (store/open-store.ts).
    ...(databaseUrl ? { databaseUrl, ...(dbPath !== undefined && { dbPath }) } : { dbPath: dbPath ?? DEFAULT_SQLITE_PATH }),
    ...(values['redis-url'] && { redisUrl: values['redis-url'] }),
    ...sites,
    logger,
  });
  // Tests and scripts parse this line to find the port when started with --port 0.
  console.log(`Parley listening on ${server.url}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function token(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      avatar: { type: 'string' },
      lvl: { type: 'string' },
      role: { type: 'string' },
      ttl: { type: 'string' },
      site: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(usage.token);
  if (!values.sub) throw new UsageError('--sub is required');
  const lvl = values.lvl === undefined ? undefined : Number(values.lvl);
  if (lvl !== undefined && !Number.isInteger(lvl)) throw new UsageError(`invalid level: ${values.lvl}`);
  const configPath = values.config ?? env.PARLEY_CONFIG;
  const site = configPath
    ? secretOf(loadConfigFile(configPath, env).sites, values.site ?? env.PARLEY_SITE)
    : { id: values.site ?? env.PARLEY_SITE ?? 'demo', secret: env.PARLEY_SECRET || DEV_SECRET };
  if (!configPath && !env.PARLEY_SECRET) console.error('note: PARLEY_SECRET is unset; signing with the development secret');
  const signed = await signToken(
    site.secret,
    {
      sub: values.sub,
      ...(values.name !== undefined && { name: values.name }),
      ...(values.avatar !== undefined && { avatar: values.avatar }),
      ...(lvl !== undefined && { lvl }),
      ...(values.role !== undefined && { role: values.role }),
    },
    { audience: site.id, expiresIn: values.ttl ?? '1h' },
  );
  console.log(signed);
}

async function migrate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { db: { type: 'string' }, 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return void console.log(usage.migrate);
  const choice = chooseDatabase(values.db ?? env.PARLEY_DB, values['database-url'] ?? (env.PARLEY_DATABASE_URL || undefined));
  const store = await openStore(choice);
  const version = await store.schemaVersion();
  await store.close();
  console.log(`Database ${describeDatabase(choice)} is at schema version ${version}.`);
}

const commands = new Map<string, (args: string[]) => Promise<void>>([
  ['serve', serve],
  ['token', token],
  ['migrate', migrate],
  ['gates', (args) => gatesCommand(args)],
  ['threads', (args) => threadsCommand(args)],
  ['audit', (args) => auditCommand(args)],
  // Loaded on use: the XML and HTML parsers are not every command's start-up cost.
  ['import', async (args) => void (await (await import('./cli-porting-run.js')).importCommand(args))],
  ['export', async (args) => (await import('./cli-porting-run.js')).exportCommand(args)],
  ['reader', async (args) => (await import('./cli-reader.js')).readerCommand(args)],
  ['console', async (args) => (await import('./cli-console.js')).consoleCommand(args)],
]);

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage.main);
    return;
  }
  const command = commands.get(name);
  if (!command) throw new UsageError(`unknown command: ${name}`);
  await command(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigFileError || error instanceof SiteConfigError || error instanceof DatabaseChoiceError) {
    console.error(`parley: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof DatabaseOpenError) {
    console.error(`parley: ${error.message}`);
    process.exit(1);
  }
  if (error instanceof GatesRefused) {
    console.error(`parley: ${error.message}`);
    process.exit(1);
  }
  if (error instanceof PortingUsageError) {
    console.error(`parley: ${error.message}`);
    process.exit(2);
  }
  const usageProblem = error instanceof UsageError || error instanceof GatesUsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
  if (usageProblem) {
    console.error(`parley: ${error.message}\n\n${usage.main}`);
    process.exit(2);
  }
  consoleLogger.error('parley failed', { error });
  process.exit(1);
});
