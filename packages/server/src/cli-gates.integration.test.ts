/**
 * [CLI-4] `parley serve --config` hosts the file's sites; `parley token --site` signs for any of them;
 * `parley gates get|set` changes a running server's thread gates and open widgets hear it.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ThreadGatesUpdate } from '@parley/protocol';
import { io } from 'socket.io-client';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { call, okData, rid, type ClientSocket } from './test-helpers.js';

const packageDir = resolve(fileURLToPath(import.meta.url), '../..');
const bin = join(packageDir, 'bin/parley.js');
const config = {
  sites: [
    { id: 'news', secret: 'news-secret-0123456789abcdef0123456789', gates: { comment: 13 }, origins: ['https://news.example.com'] },
    { id: 'blog', secret: 'blog-secret-0123456789abcdef0123456789', origins: ['https://blog.example.com'] },
  ],
};

function writeConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-gates-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'parley.config.json');
  writeFileSync(path, JSON.stringify({ ...config, db: join(dir, 'parley.db') }));
  return path;
}

const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of ['PARLEY_SECRET', 'PARLEY_SITE', 'PARLEY_ORIGINS', 'PARLEY_ADMIN_KEY', 'PARLEY_CONFIG', 'PARLEY_DB']) delete env[name];
  return env;
};

/** Runs the CLI without blocking the event loop (the test's socket must keep hearing events). */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { env: cleanEnv(), encoding: 'utf8' }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function serve(configPath: string): Promise<string> {
  const child = spawn(process.execPath, [bin, 'serve', '--config', configPath, '--port', '0', '--host', '127.0.0.1'], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => void child.kill('SIGKILL'));
  return new Promise((resolvePromise, reject) => {
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /Parley listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolvePromise(match[1]);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`parley serve exited (${code}):\n${output}`)));
  });
}

/** The page origin a widget of each configured site runs on (every request of a site names one it allows). */
const originOf = (site: string): string => (site === 'news' ? 'https://news.example.com' : 'https://blog.example.com');

async function connect(url: string, site: string, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { transports: ['websocket'], extraHeaders: { Origin: originOf(site) }, auth: { site, token }, reconnection: false, forceNew: true });
  onTestFinished(() => void socket.disconnect());
  await new Promise<void>((done, fail) => {
    socket.once('connect', done);
    socket.once('connect_error', fail);
  });
  return socket;
}

describe('[CLI-4] parley serve --config, token --site, gates get|set', () => {
  beforeAll(() => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', packageDir], { stdio: 'inherit' });
  }, 120_000);

  it('[CLI-4] a host raises a gate from the CLI; the open widget hears it and the server enforces it', async () => {
    const configPath = writeConfig();
    const url = await serve(configPath);
    const token = await cli(['token', '--config', configPath, '--site', 'news', '--sub', 'sam', '--lvl', '13']);
    expect(token.code).toBe(0);
    const sam = await connect(url, 'news', token.stdout.trim());
    // Unknown until the host creates it (SPEC THREAD-4); then `threads show` and `list` see it.
    expect(await call(sam, 'thread:join', { thread: 'news/1' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const created = await cli(['threads', 'create', 'news/1', '--title', 'One', '--gate', 'react=2', '--config', configPath, '--site', 'news', '--server', url]);
    expect(created).toMatchObject({ code: 0, stderr: expect.stringContaining('created news/1') });
    const shown = await cli(['threads', 'show', 'news/1', '--config', configPath, '--site', 'news', '--server', url]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'news/1', title: 'One', gates: { react: 2 }, published: false });
    const published = await cli(['threads', 'publish', 'news/1', '--author', 'staff', '--config', configPath, '--site', 'news', '--server', url]);
    expect(JSON.parse(published.stdout)).toMatchObject({ published: true, author: 'staff' });
    const listed = await cli(['threads', 'list', '--config', configPath, '--site', 'news', '--server', url]);
    expect(listed.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(['news/1']);
    okData(await call(sam, 'thread:join', { thread: 'news/1' }));
    okData(await call(sam, 'comment:post', { requestId: rid(), thread: 'news/1', body: 'at the gate' }));

    const heard = new Promise<ThreadGatesUpdate>((done) => sam.once('thread:gates', done));
    const set = await cli(['gates', 'set', 'news/1', 'comment=20', 'reply=15', '--config', configPath, '--site', 'news', '--server', url]);
    expect(set).toMatchObject({ code: 0, stdout: expect.stringMatching(/comment\s+LVL 20\s+\(site 13, thread 20\)/) });
    expect(await heard).toEqual({ thread: 'news/1', gates: expect.objectContaining({ comment: 20, reply: 15 }) });
    expect(await call(sam, 'comment:post', { requestId: rid(), thread: 'news/1', body: 'now locked' })).toMatchObject({
      ok: false,
      error: { code: 'level_required', required: 20, level: 13 },
    });
    // set changes only what it names; get shows the thread's gates beside the site's.
    await cli(['gates', 'set', 'news/1', 'react=2', '--config', configPath, '--site', 'news', '--server', url]);
    const get = await cli(['gates', 'get', 'news/1', '--config', configPath, '--site', 'news', '--server', url]);
    expect(get.stdout).toMatch(/comment\s+LVL 20/);
    expect(get.stdout).toMatch(/react\s+LVL 2\s+\(site 0, thread 2\)/);

    // The other configured site signs its own tokens, which the first refuses.
    const blog = await cli(['token', '--config', configPath, '--site', 'blog', '--sub', 'ann']);
    const refused = io(url, { transports: ['websocket'], extraHeaders: { Origin: originOf('news') }, auth: { site: 'news', token: blog.stdout.trim() }, reconnection: false, forceNew: true });
    const error = await new Promise<Error & { data?: unknown }>((done) => refused.once('connect_error', done));
    refused.disconnect();
    expect(error.data).toMatchObject({ code: 'invalid_token' });
  }, 60_000); // five CLI processes and a server: ~4 s each on a loaded 2-core machine

  it('[CLI-4] mistakes get a clear message and a non-zero exit', async () => {
    const configPath = writeConfig();
    const badAction = await cli(['gates', 'set', 'news/1', 'shout=3', '--config', configPath, '--site', 'news']);
    expect(badAction).toMatchObject({ code: 2, stderr: expect.stringContaining('"shout=3": expected <action>=<level>') });
    const noServer = await cli(['gates', 'get', 'news/1', '--config', configPath, '--site', 'news', '--server', 'http://127.0.0.1:1']);
    expect(noServer).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot reach the Parley server') });
    const unknownThread = await cli(['gates', 'get', 'nobody/opened', '--config', configPath, '--site', 'news', '--server', await serve(configPath)]);
    expect(unknownThread).toMatchObject({ code: 1, stderr: expect.stringContaining('not_found') });
    const missingFile = await cli(['serve', '--config', join(tmpdir(), 'no-such-parley.config.json')]);
    expect(missingFile).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read the configuration file') });
  });
});
