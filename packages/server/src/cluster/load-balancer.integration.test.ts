/**
 * The server README's nginx example, run for real: the very ```nginx block of packages/server/README.md
 * (its two upstream addresses and listen port swapped for this run's), Debian's nginx, two
 * `parley serve` nodes over the real PostgreSQL and Redis with `"trustProxy": 1`. Guest readers
 * connect through nginx from several loopback addresses (127.0.0.2, .3, …), half on WebSocket and
 * half on long-polling only (which needs the example's stickiness); one node is killed; every reader
 * reconnects through nginx, lands on the survivor and converges on the thread. Then the limits:
 * readers behind the balancer are counted per address, and a forged X-Forwarded-For gains nothing.
 *
 * Skipped, saying so, only when there is no nginx binary (.ci/run installs Debian's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { PresenceSnapshot } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../store/postgres/test-database.js';
import { signToken } from '../transport/tokens.js';
import { buildCli, call, cluster, connect, kill, packageDir, ThreadMirror, until, type Cluster, type NodeProcess } from './test-nodes.js';

const NGINX = process.env.PARLEY_NGINX ?? '/usr/sbin/nginx';
const missing = existsSync(NGINX) ? null : `no nginx at ${NGINX} (apt-get install -y nginx, as .ci/run does, or set PARLEY_NGINX)`;

const SITE = 'lb';
const SECRET = 'load-balancer-test-secret-0123456789abcdef';
/** Reads per guest address: every reader here needs at most four (join, sync, a rejoin or two). */
const GUEST_READS = 8;
const config = {
  sites: [{ id: SITE, secret: SECRET, origins: ['same-origin'] }],
  economy: { startingGrant: 200 },
  trustProxy: 1,
  limits: { readsPerGuestIp: { points: GUEST_READS, duration: 600 } },
};
const { url: databaseUrl } = testDatabase('parley_lb');

/** The README's example block, checked for the lines this test swaps. */
function readmeNginxBlock(): string {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('packages/server/README.md has no ```nginx block');
  for (const line of ['10.0.0.11:4000', '10.0.0.12:4000', 'listen 80;']) {
    if (!block.includes(line)) throw new Error(`the README's nginx block no longer has "${line}": update this test with it`);
  }
  return block;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/** nginx in the foreground, with the README block in its http context, everything under `dir`. */
async function startNginx(dir: string, upstreams: [number, number]): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const port = await freePort();
  const prefix = join(dir, 'nginx');
  mkdirSync(prefix, { recursive: true });
  // Workers may run as another user (nginx started as root): they must reach the temp paths.
  chmodSync(dir, 0o755);
  chmodSync(prefix, 0o755);
  const block = readmeNginxBlock()
    .replace('10.0.0.11:4000', `127.0.0.1:${upstreams[0]}`)
    .replace('10.0.0.12:4000', `127.0.0.1:${upstreams[1]}`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${prefix}/${kind};`).join('\n');
  const conf = `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
${temp}
${block}
}
`;
  const confPath = join(prefix, 'nginx.conf');
  writeFileSync(confPath, conf);
  const child = spawn(NGINX, ['-p', prefix, '-c', confPath, '-e', join(prefix, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const log = (): string => output + (existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '');
  const up = await until(async () => child.exitCode === null && (await fetch(`${url}/health`).then((r) => r.ok, () => false)), 200);
  if (!up) throw new Error(`nginx did not come up:\n${log()}`);
  return { child, url, log };
}

/** Requests from one loopback address (127.0.0.0/8 is all local on Linux). */
const from = (n: number): Agent => new Agent({ localAddress: `127.0.0.${n}` });

let nodes: Cluster;
let a: NodeProcess;
let b: NodeProcess;
let nginx: { child: ChildProcess; url: string; log: () => string };

describe.skipIf(missing !== null)('the README\'s nginx example in front of two nodes (integration, real nginx)', () => {
  beforeAll(async () => {
    buildCli();
    nodes = cluster({ databaseUrl, config });
    a = await nodes.start();
    b = await nodes.start();
    nginx = await startNginx(nodes.dir, [a.port, b.port]);
    // The host creates the thread, through the balancer (the admin API with the site's admin token).
    const admin = await signToken(SECRET, { sub: 'host', role: 'admin' }, { audience: SITE });
    const created = await fetch(`${nginx.url}/admin/sites/${SITE}/threads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'front', published: true }),
    });
    expect(created.status, await created.clone().text()).toBeLessThan(300);
  }, 120_000);

  afterAll(async () => {
    if (nginx?.child.exitCode === null) {
      const gone = new Promise((done) => nginx.child.once('exit', done));
      nginx.child.kill('SIGTERM');
      await gone;
    }
    await nodes?.stop();
  });

  it('[CLUSTER-11] readers on WebSocket and on long-polling through nginx: one node killed, every reader reconnects through it to the other and converges', async () => {
    // Which node is which, as presence names them (asked directly, not through nginx).
    const nodeId = async (node: NodeProcess): Promise<string> => {
      const socket = await connect(node.url, await signToken(SECRET, { sub: `probe-${node.port}` }, { audience: SITE }));
      expect((await call(socket, 'thread:join', { thread: 'front' })).ok).toBe(true);
      const sync = await call<PresenceSnapshot>(socket, 'presence:sync', { thread: 'front' });
      socket.disconnect();
      if (!sync.ok) throw new Error(sync.error.message);
      return sync.data.node;
    };
    const ids = new Map([[await nodeId(a), a], [await nodeId(b), b]]);
    const nodeOf = async (reader: ThreadMirror): Promise<NodeProcess | undefined> => {
      const sync = await call<PresenceSnapshot>(reader.socket!, 'presence:sync', { thread: 'front' });
      return sync.ok ? ids.get(sync.data.node) : undefined;
    };

    // Eight guest readers from eight addresses, every other one on long-polling only.
    const readers: ThreadMirror[] = [];
    for (let n = 2; n < 10; n++) {
      const reader = new ThreadMirror('front', null);
      await reader.attach(nginx.url, { reconnect: true, agent: from(n), transports: n % 2 ? ['polling'] : ['websocket'] });
      readers.push(reader);
    }
    const writerToken = await signToken(SECRET, { sub: 'writer', name: 'Writer' }, { audience: SITE });
    const writer = await connect(nginx.url, writerToken, { reconnect: true });
    const postOnce = async (i: number): Promise<void> => {
      // Through the balancer, retried until acknowledged (the same requestId: stored once).
      for (let attempt = 0; attempt < 50; attempt++) {
        const ack = await call(writer, 'comment:post', { requestId: `front-${i}`, thread: 'front', body: `post ${i}` }, 2_000).catch(() => null);
        if (ack?.ok) return;
        await new Promise((next) => setTimeout(next, 100));
      }
      throw new Error(`post ${i} was never acknowledged`);
    };
    for (let i = 0; i < 5; i++) await postOnce(i);

    // Kill the node holding the first reader (the hash decides which; maybe all of them).
    const victim = (await nodeOf(readers[0]!))!;
    expect(victim).toBeDefined();
    const survivor = victim === a ? b : a;
    await kill(victim, 'SIGKILL');
    for (let i = 5; i < 10; i++) await postOnce(i);

    // Every reader, polling or not, is back through nginx — on the survivor — and has everything.
    await until(async () => readers.every((r) => r.socket?.connected && r.applied >= 10), 400);
    for (const r of readers) if (r.applied < 10) await r.rejoin();
    const expected = Array.from({ length: 10 }, (_, i) => `post ${i}`);
    for (const r of readers) {
      expect(r.socket?.connected).toBe(true);
      expect(await nodeOf(r)).toBe(survivor);
      expect(r.bodies()).toEqual(expected);
    }
    for (const r of readers) r.socket?.disconnect();
    writer.disconnect();
  }, 90_000);

  it('[CLUSTER-11][LIMIT-8] behind nginx with trustProxy 1, guests are counted per address, and a forged X-Forwarded-For changes nothing', async () => {
    const read = async (n: number, headers?: Record<string, string>) => {
      const socket = await connect(nginx.url, undefined, { agent: from(n), ...(headers && { extraHeaders: headers }) });
      const ack = await call(socket, 'thread:join', { thread: 'front' });
      socket.disconnect();
      return ack;
    };
    // 127.0.0.20 spends its whole budget; the next read from it is refused...
    for (let i = 0; i < GUEST_READS; i++) expect((await read(20)).ok).toBe(true);
    expect(await read(20)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // ...also when it claims to be someone else (nginx appends the address it saw; only that one is trusted)...
    expect(await read(20, { 'X-Forwarded-For': '198.51.100.7' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // ...while its neighbour behind the same balancer still reads.
    expect((await read(21)).ok).toBe(true);
  }, 60_000);
});

describe.skipIf(missing === null)('the README\'s nginx example', () => {
  it(`[CLUSTER-11] is skipped: ${missing}`, () => {
    expect(missing).not.toBeNull();
  });
});
