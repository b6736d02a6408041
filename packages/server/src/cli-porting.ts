/**
 * Usage texts and the usage error of `parley import` / `parley export`; the commands themselves are
 * in cli-porting-run.ts, loaded only when one runs (the parsers are not every command's start-up cost).
 */
const database = `  --db <file>        SQLite database file (env PARLEY_DB, else the config file's db, else ./data/parley.db)
  --database-url <u> PostgreSQL instead (env PARLEY_DATABASE_URL)
  --config <file>    parley.config.json, for the site's gates and the db (env PARLEY_CONFIG)`;

export const importUsage = `Usage: parley import disqus|wordpress|json <file> --site <id> [options]

  Reads a Disqus XML export, a WordPress WXR export, or a file written by \`parley export\`, as a
  stream, into the site's threads (created as the host would). Spam and deleted posts are skipped
  and counted; what cannot be read is reported with its id and the rest imported. Importing the same
  file again adds nothing. No Twei moves. Prints a JSON report; exits 0 unless the file is missing.

  --site <id>        the site to import into (env PARLEY_SITE; the only configured site when one)
${database}`;

export const exportUsage = `Usage: parley export --site <id> [--out <file>] [options]

  Writes the site's threads, comments, reactions and votes as a parley-export v1 file (JSON Lines,
  see the server README), to --out or standard output. \`parley import json\` reads it back.

  --site <id>        the site to export (env PARLEY_SITE; the only configured site when one)
  --out <file>       where to write (default: standard output)
${database}`;

export class PortingUsageError extends Error {}

