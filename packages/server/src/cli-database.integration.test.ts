/**
 * `parley serve` and `parley migrate` on PostgreSQL (PARLEY_DATABASE_URL / --database-url), against
 * the real PostgreSQL (PARLEY_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test), in
 * a database of this run's own, dropped afterwards.
 */
import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import pg from 'pg';
import { testDatabase } from './store/postgres/test-database.js';
import { chooseDatabase, DatabaseChoiceError, redactUrl } from './store/open-store.js';
import { pgLatestVersion, pgMigrations } from './store/postgres/pg-migrations.js';

const packageDir = resolve(fileURLToPath(import.meta.url), '../..');
const bin = join(packageDir, 'bin/parley.js');
const { url: dbUrl } = testDatabase('parley_cli');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const childEnv = { ...process.env, PARLEY_DB: undefined, PARLEY_DATABASE_URL: undefined, ...env };
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { env: childEnv, encoding: 'utf8' }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('parley on PostgreSQL', () => {
  beforeAll(async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', packageDir], { stdio: 'inherit' });
  }, 120_000);

  it('a SQLite path and a database URL together are refused, in config and on the command line', async () => {
    expect(() => chooseDatabase('./x.db', 'postgres://h/db')).toThrow(DatabaseChoiceError);
    expect(() => chooseDatabase(undefined, 'mysql://h/db')).toThrow(/postgres:\/\//);
    expect(chooseDatabase(undefined, undefined)).toEqual({ kind: 'sqlite', path: './data/parley.db' });
    expect(chooseDatabase(undefined, 'postgres://h/db')).toEqual({ kind: 'postgres', url: 'postgres://h/db' });
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    const serve = await cli(['serve', '--port', '0', '--db', '/tmp/never.db', '--database-url', dbUrl]);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toMatch(/both a SQLite file .* and a database URL/);
    const migrate = await cli(['migrate', '--database-url', dbUrl], { PARLEY_DB: '/tmp/never.db' });
    expect(migrate.code).toBe(2);
    expect(migrate.stderr).toMatch(/both a SQLite file/);
  });

  it('parley migrate honours PARLEY_DATABASE_URL and --database-url, and fails loudly when it cannot reach it', async () => {
    const viaEnv = await cli(['migrate'], { PARLEY_DATABASE_URL: dbUrl });
    expect(viaEnv).toMatchObject({ code: 0, stdout: expect.stringContaining(`is at schema version ${pgLatestVersion}.`) });
    const viaFlag = await cli(['migrate', '--database-url', dbUrl]);
    expect(viaFlag).toMatchObject({ code: 0, stdout: expect.stringContaining(`is at schema version ${pgLatestVersion}.`) });
    const unreachable = await cli(['migrate', '--database-url', 'postgres://postgres:pw@127.0.0.1:1/nothing']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot open the PostgreSQL database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nothing/);
  });

  it('parley serve with PARLEY_DATABASE_URL runs on PostgreSQL: ready, and the data is in the database', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--site', 'pg-site'], {
      env: { ...process.env, PARLEY_DB: undefined, PARLEY_DATABASE_URL: dbUrl, PARLEY_SECRET: 'pg-cli-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const url = await new Promise<string>((done, fail) => {
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const match = /Parley listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) done(match[1]);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.once('exit', (code) => fail(new Error(`parley serve exited (${code}):\n${output}`)));
    });
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ store: true });
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    onTestFinished(() => client.end());
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0]?.n).toBe(pgMigrations.length);
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
  });
});
