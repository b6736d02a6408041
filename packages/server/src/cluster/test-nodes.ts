/**
 * Real `parley serve` processes for the cluster tests (test-only, imported by *.test.ts): nodes over
 * one PostgreSQL database and one Redis key prefix, and a widget-like reader that mirrors a thread
 * the way the widget does (events applied in seq order, a rejoin with `since` after a gap or a lost
 * connection), so "every reader converges to the same thread" can be checked for real.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommentView, JoinResult, ThreadEvent } from '@parley/protocol';
import { Redis } from 'ioredis';
import { io as connectSocket } from 'socket.io-client';
import type { ClientSocket, RawSocket } from '../test-helpers.js';

export const packageDir = resolve(fileURLToPath(import.meta.url), '../../..');
export const bin = join(packageDir, 'bin/parley.js');
export const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** The bin runs the compiled CLI, exactly as an operator would: build it (incrementally) first. */
export function buildCli(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', packageDir], { stdio: 'inherit' });
}

export interface NodeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything it printed (JSON log lines), for a failure's message. */
  output(): string;
}

export interface Cluster {
  env: Record<string, string>;
  configPath: string;
  redisPrefix: string;
  dir: string;
  /** Starts one more `parley serve` of this cluster (resolves once it listens). */
  start(): Promise<NodeProcess>;
  /** SIGKILLs every node still running and removes the run's files and Redis keys. */
  stop(): Promise<void>;
}

/**
 * A cluster's shared settings: one config file (written here), one database URL, one Redis prefix of
 * this run's own. Nodes are started with `start()`, on free ports.
 */
export function cluster(options: { databaseUrl: string; config: object; env?: Record<string, string> }): Cluster {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
  const configPath = join(dir, 'parley.config.json');
  writeFileSync(configPath, JSON.stringify(options.config, null, 2));
  const redisPrefix = `parley-nodes-${process.pid}-${randomBytes(3).toString('hex')}`;
  const env: Record<string, string> = {
    PARLEY_DATABASE_URL: options.databaseUrl,
    PARLEY_REDIS_URL: REDIS_URL,
    PARLEY_REDIS_PREFIX: redisPrefix,
    PARLEY_CONFIG: configPath,
    PARLEY_LOG_LEVEL: 'warn',
    ...options.env,
  };
  const nodes: NodeProcess[] = [];
  return {
    env,
    configPath,
    redisPrefix,
    dir,
    async start() {
      const node = await serveNode(env);
      nodes.push(node);
      return node;
    },
    async stop() {
      await Promise.all(nodes.map((node) => kill(node, 'SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${redisPrefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}

/** `parley serve --port 0` with `env` (no --db: the database is the cluster's URL). */
export function serveNode(env: Record<string, string>): Promise<NodeProcess> {
  const { PARLEY_DB: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /Parley listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolvePromise({ child, url: match[1], port: Number(new URL(match[1]).port), output: () => output });
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('exit', (code, signal) => reject(new Error(`parley serve exited (${code ?? signal}) before listening:\n${output}`)));
  });
}

/** Sends `signal` and waits for the process to be gone. */
export function kill(node: NodeProcess, signal: NodeJS.Signals): Promise<void> {
  const { child } = node;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill(signal);
  });
}

export interface ConnectOptions {
  transports?: ('websocket' | 'polling')[];
  /** Reconnect as the widget does (to the same URL: the balancer). @default false */
  reconnect?: boolean;
  /** e.g. an http.Agent with a `localAddress`: readers from several loopback addresses. */
  agent?: Agent;
  extraHeaders?: Record<string, string>;
}

export function connect(url: string, token?: string, options: ConnectOptions = {}): Promise<ClientSocket> {
  const socket: ClientSocket = connectSocket(url, {
    transports: options.transports ?? ['websocket'],
    auth: token ? { token } : {},
    reconnection: options.reconnect ?? false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    forceNew: true,
    ...(options.agent && { agent: options.agent as unknown as string }),
    ...(options.extraHeaders && { extraHeaders: options.extraHeaders }),
  });
  return new Promise((resolvePromise, reject) => {
    socket.once('connect', () => resolvePromise(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

export async function call<T>(socket: ClientSocket, event: string, payload: unknown, timeoutMs = 5_000): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }> {
  return (await (socket as unknown as RawSocket).timeout(timeoutMs).emitWithAck(event, payload)) as { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
}

export const until = async (done: () => boolean | Promise<boolean>, tries = 400, everyMs = 25): Promise<boolean> => {
  for (let i = 0; i < tries; i++) {
    if (await done()) return true;
    await new Promise((next) => setTimeout(next, everyMs));
  }
  return done();
};

/**
 * A thread as one reader's widget holds it: comments by id, the last seq applied. Events apply in
 * seq order (one that arrives early waits for the ones before it); a seq already applied is a
 * duplicate delivery and is counted, never applied twice. After a lost connection or a gap the
 * reader rejoins with `since` — on whichever node it reaches — and applies what it missed.
 */
export class ThreadMirror {
  readonly comments = new Map<string, CommentView>();
  applied = 0;
  duplicates = 0;
  socket: ClientSocket | null = null;
  private readonly early = new Map<number, ThreadEvent>();

  constructor(
    readonly thread: string,
    /** null: a guest. */
    readonly token: string | null,
  ) {}

  /**
   * Connects to `url` and joins: the first time a snapshot, afterwards `since` what it applied. With
   * `reconnect`, a connection lost and made again (through a balancer, to whichever node) rejoins too.
   */
  async attach(url: string, options: ConnectOptions = {}): Promise<void> {
    const socket = await connect(url, this.token ?? undefined, options);
    this.socket = socket;
    socket.on('thread:events', (events: ThreadEvent[]) => this.apply(events));
    if (options.reconnect) socket.io.on('reconnect', () => void this.rejoin().catch(() => undefined));
    await this.rejoin();
  }

  /** Joins (again) on the current socket, with `since` once anything was applied. */
  async rejoin(): Promise<void> {
    if (!this.socket) throw new Error('not attached');
    const ack = await call<JoinResult>(this.socket, 'thread:join', { thread: this.thread, pageSize: 100, sort: 'old', ...(this.applied > 0 && { since: this.applied }) });
    if (!ack.ok) throw new Error(`join refused: ${ack.error.code} ${ack.error.message}`);
    const joined = ack.data;
    if (joined.mode === 'snapshot') {
      this.comments.clear();
      this.early.clear();
      for (const comment of joined.page.comments) this.comments.set(comment.id, comment);
      if (joined.page.nextCursor) throw new Error('more than one page: raise pageSize');
      this.applied = joined.thread.seq;
    } else {
      this.apply(joined.events);
    }
  }

  /** Whether the widget would see a gap: events beyond one it has not got. */
  get gap(): boolean {
    return this.early.size > 0;
  }

  apply(events: ThreadEvent[]): void {
    for (const event of events) {
      if (event.thread !== this.thread) continue;
      if (event.seq <= this.applied || this.early.has(event.seq)) {
        this.duplicates++;
        continue;
      }
      this.early.set(event.seq, event);
    }
    for (let next = this.early.get(this.applied + 1); next; next = this.early.get(this.applied + 1)) {
      this.early.delete(next.seq);
      this.applied = next.seq;
      if (next.type === 'comment.created') this.comments.set(next.comment.id, next.comment);
      else if (next.type === 'comment.reacted') {
        const comment = this.comments.get(next.commentId);
        if (comment) this.comments.set(comment.id, { ...comment, likes: next.likes, dislikes: next.dislikes });
      }
    }
  }

  /** Bodies in comment order (ids are time-ordered): what this reader shows. */
  bodies(): string[] {
    return [...this.comments.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)).map((c) => c.body);
  }
}

/** Deletes this run's keys and streams under `prefix` when the test ends: other runs (and other clusters) share the Redis. */
export function dropRedisPrefixAfterTest(onFinished: (cleanup: () => Promise<void>) => void, prefix: string): void {
  onFinished(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });
}

/** Waits (at most 5 s) until each in-process node's adapter sees `count` nodes. */
export async function untilNodesSee(nodes: readonly { io: { of(name: string): { adapter: { serverCount(): Promise<number> } } } }[], count = nodes.length): Promise<void> {
  const seen = async (): Promise<boolean> => (await Promise.all(nodes.map((node) => node.io.of('/').adapter.serverCount()))).every((n) => n >= count);
  for (let i = 0; i < 200 && !(await seen()); i++) await new Promise((next) => setTimeout(next, 25));
}
