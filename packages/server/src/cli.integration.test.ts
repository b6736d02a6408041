import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JoinResult, PostCommentResult } from '@parley/protocol';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { call, connectClient, okData } from './test-helpers.js';
import { signToken, verifyToken } from './transport/tokens.js';

const packageDir = resolve(fileURLToPath(import.meta.url), '../..');
const bin = join(packageDir, 'bin/parley.js');
const secret = 'cli-test-secret';
const site = 'cli-site';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function runCli(args: string[]): string {
  return execFileSync(process.execPath, [bin, ...args], { env: { ...process.env, PARLEY_SECRET: secret }, encoding: 'utf8' });
}

/** Starts `parley serve --port 0` and resolves with its URL once it prints the listening line. */
function serve(dbPath: string, extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', dbPath, '--site', site], {
    env: { ...process.env, PARLEY_SECRET: secret, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolvePromise, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /Parley listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolvePromise({ child, url: match[1] });
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`parley serve exited (${code}) before listening:\n${output}`)));
  });
}

const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => done({ code, signal }));
  });

describe('parley CLI', () => {
  beforeAll(() => {
    // The bin runs the compiled CLI, exactly as an operator would; build it (incrementally) first.
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', packageDir], { stdio: 'inherit' });
  }, 120_000);

  it('[CLI-1] an acknowledged comment survives SIGKILL right after the ack', async () => {
    const dbPath = join(tempDir(), 'data', 'parley.db');
    const first = await serve(dbPath);
    // The host creates the thread (SPEC THREAD-1), through the running server's admin API.
    expect(runCli(['threads', 'create', 'news/1', '--title', 'News one', '--server', first.url, '--site', site])).toContain('"id": "news/1"');
    const token = await signToken(secret, { sub: 'ann', name: 'Ann' }, { audience: site });
    const { socket } = await connectClient(first.url, token);
    const ack = await call<PostCommentResult>(socket, 'comment:post', { requestId: 'durable-1', thread: 'news/1', body: 'Still here?' });
    const posted = okData(ack);
    first.child.kill('SIGKILL');
    expect(await exited(first.child)).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await serve(dbPath);
    const reader = await connectClient(second.url);
    const joined = okData(await call<JoinResult>(reader.socket, 'thread:join', { thread: 'news/1' }));
    expect(joined.thread).toMatchObject({ seq: 1, commentCount: 1 });
    expect(joined.mode === 'snapshot' ? joined.page.comments : []).toEqual([posted.comment]);
    // The request record survived too: a retry after the crash is still recognised.
    const retry = await connectClient(second.url, token);
    expect(okData(await call(retry.socket, 'comment:post', { requestId: 'durable-1', thread: 'news/1', body: 'Still here?' }))).toEqual(posted);
  });

  it('[CLI-2] serve shuts down cleanly on SIGTERM', async () => {
    const { child, url } = await serve(join(tempDir(), 'parley.db'));
    expect((await fetch(`${url}/health`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited(child)).toEqual({ code: 0, signal: null });
  });

  it('[CLI-3] token prints a verifiable token; migrate and --help work', async () => {
    const token = runCli(['token', '--sub', 'u1', '--name', 'Bella', '--lvl', '13', '--ttl', '1h', '--site', site]).trim();
    expect((await verifyToken(token, secret, site)).identity).toEqual({ id: 'u1', name: 'Bella', avatar: null, level: 13, role: 'reader' });
    expect(runCli(['migrate', '--db', join(tempDir(), 'm.db')])).toMatch(/schema version \d+/);
    for (const command of [[], ['serve'], ['token'], ['migrate']]) {
      expect(runCli([...command, '--help'])).toMatch(/Usage: parley/);
    }
    expect(() => execFileSync(process.execPath, [bin, 'frobnicate'], { stdio: 'pipe' })).toThrow();
    // Eight CLI processes one after another: on a loaded 2-core machine each takes seconds to start.
  }, 90_000);

  it('[CLUSTER-5] two nodes over Redis: one killed with SIGKILL mid-burst loses no acknowledged post, doubles none, and its readers converge on the other', async () => {
    const dbPath = join(tempDir(), 'parley.db');
    // A grant that covers the burst's tributes: this is about durability, not the economy.
    const redis = { PARLEY_REDIS_URL: process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', PARLEY_REDIS_PREFIX: `parley-kill-${process.pid}-${Date.now()}`, PARLEY_ECONOMY: '{"startingGrant":200}' };
    const a = await serve(dbPath, redis);
    const b = await serve(dbPath, redis);
    runCli(['threads', 'create', 'burst', '--server', a.url, '--site', site]);
    const token = await signToken(secret, { sub: 'ann', name: 'Ann', lvl: 20 }, { audience: site });
    const reader = (await connectClient(b.url, await signToken(secret, { sub: 'bob', name: 'Bob' }, { audience: site }))).socket;
    okData(await call<JoinResult>(reader, 'thread:join', { thread: 'burst' }));
    const writer = (await connectClient(a.url, token)).socket;
    const acked = new Set<string>();
    const sent: string[] = [];
    // A burst of posts on node A; A is killed while they are in flight.
    // 12 posts and their 12 retries stay inside the per-reader budget (30 per 15 s, one budget across nodes).
    const inFlight = Array.from({ length: 12 }, (_, i) => {
      const requestId = `burst-${i}`;
      sent.push(requestId);
      return call<PostCommentResult>(writer, 'comment:post', { requestId, thread: 'burst', body: `post ${i}` })
        .then((ack) => ack.ok && acked.add(requestId))
        .catch(() => undefined);
      });
    await new Promise((next) => setTimeout(next, 15));
    a.child.kill('SIGKILL');
    await Promise.all(inFlight);
    await exited(a.child);
    // Before any retry: every post node A acknowledged is there, read through node B.
    const afterKill = okData(await call<JoinResult>(reader, 'thread:join', { thread: 'burst', pageSize: 100, sort: 'old' }));
    if (afterKill.mode !== 'snapshot') throw new Error('expected a snapshot');
    const stored = new Set(afterKill.page.comments.map((c) => c.body));
    for (const requestId of acked) expect(stored).toContain(`post ${requestId.slice('burst-'.length)}`);
    // The writer comes back on node B and retries everything it sent, acknowledged or not.
    const again = (await connectClient(b.url, token)).socket;
    for (let i = 0; i < sent.length; i++) okData(await call(again, 'comment:post', { requestId: sent[i], thread: 'burst', body: `post ${i}` }));
    const joined = okData(await call<JoinResult>(reader, 'thread:join', { thread: 'burst', pageSize: 100, sort: 'old' }));
    if (joined.mode !== 'snapshot') throw new Error('expected a snapshot');
    const bodies = joined.page.comments.map((c) => c.body);
    // Every post exactly once (the acknowledged ones survived the kill; retries stored nothing twice).
    expect(bodies.slice().sort()).toEqual(sent.map((_, i) => `post ${i}`).sort());
    expect(acked.size).toBeLessThanOrEqual(sent.length);
    // Node A restarted joins the cluster again and serves the same thread.
    const restarted = await serve(dbPath, redis);
    const late = (await connectClient(restarted.url)).socket;
    const fromA = okData(await call<JoinResult>(late, 'thread:join', { thread: 'burst' }));
    expect(fromA.thread.commentCount).toBe(sent.length);
  }, 30_000);
});
