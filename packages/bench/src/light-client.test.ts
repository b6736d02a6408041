/**
 * The light client against a real Socket.IO 4 server: the handshake with Origin and auth, pings,
 * events counted by kind, acks (and refusals) matched to their requests, binary packets with their
 * attachments, and frames larger than one read.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { LightClient, Traffic, TrafficKinds, type AckErrors, type LightClientSink } from './light-client.js';

const origin = 'http://bench.localhost';

class Sink implements LightClientSink {
  readonly traffic = new Traffic();
  readonly ackErrors: AckErrors = {};
  readonly packets: string[] = [];
  closedCount = 0;
  threadEvents(_client: LightClient, packet: Buffer, start: number, end: number): void {
    this.packets.push(packet.toString('utf8', start, end));
  }
  closed(): void {
    this.closedCount += 1;
  }
  messages(kind: (typeof TrafficKinds)[number]): number {
    return this.traffic.messages[TrafficKinds.indexOf(kind)] ?? 0;
  }
}

let http: HttpServer | null = null;
let io: Server | null = null;

async function start(configure: (io: Server) => void, options: { pingInterval?: number; pingTimeout?: number } = {}): Promise<string> {
  http = createServer();
  io = new Server(http, { perMessageDeflate: false, ...options });
  io.use((socket, next) => {
    const auth = socket.handshake.auth as { site?: string };
    if (socket.handshake.headers.origin !== origin) return next(new Error('origin'));
    if (auth.site !== 'bench') return next(new Error('site'));
    next();
  });
  configure(io);
  await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await io?.close();
  io = null;
  http = null;
});

const until = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('LightClient', () => {
  it('connects with Origin and auth, counts events by kind and hands thread:events over whole', async () => {
    const url = await start((server) =>
      server.on('connection', (socket) => {
        socket.emit('thread:events', [{ type: 'comment.created', seq: 1 }]);
        socket.emit('presence:state', { thread: 't', readers: 3 });
        socket.emit('wallet:update', { balance: 1 });
        socket.emit('viewer:update', { level: 2 });
        // Bigger than one read into the shared 256 KiB buffer: arrives in pieces.
        socket.emit('thread:events', [{ type: 'comment.created', seq: 2, body: 'x'.repeat(600_000) }]);
      }),
    );
    const sink = new Sink();
    const client = await LightClient.connect(sink, { url, origin, auth: { site: 'bench' }, timeoutMs: 5000 });
    await until(() => sink.packets.length === 2);
    expect(JSON.parse(sink.packets[0]?.slice(2) ?? '')).toEqual(['thread:events', [{ type: 'comment.created', seq: 1 }]]);
    expect((JSON.parse(sink.packets[1]?.slice(2) ?? '') as [string, { body: string }[]])[1][0]?.body).toHaveLength(600_000);
    await until(() => sink.messages('economy') === 1 && sink.messages('presence') === 1);
    expect(sink.messages('thread')).toBe(2);
    const threadBytes = sink.traffic.bytes[TrafficKinds.indexOf('thread')] ?? 0;
    expect(threadBytes).toBeGreaterThan(600_000);
    client.close();
  });

  it('is refused by a server that does not accept its auth', async () => {
    const url = await start(() => undefined);
    await expect(LightClient.connect(new Sink(), { url, origin, auth: { site: 'other' }, timeoutMs: 5000 })).rejects.toThrow(/refused/);
  });

  it('matches acks to requests and counts refusals by event and code', async () => {
    const url = await start((server) =>
      server.on('connection', (socket) => {
        socket.on('echo', (input: unknown, ack: (answer: unknown) => void) => ack({ ok: true, data: input }));
        socket.on('presence:set', (_input: unknown, ack: (answer: unknown) => void) => ack({ ok: false, error: { code: 'unknown_event', message: 'no' } }));
      }),
    );
    const sink = new Sink();
    const client = await LightClient.connect(sink, { url, origin, auth: { site: 'bench' }, timeoutMs: 5000 });
    const answers = await Promise.all([client.ask('echo', { n: 1 }, 'join'), client.ask('echo', { n: 2 }, 'economy')]);
    expect(answers.map((json) => JSON.parse(json) as unknown)).toEqual([[{ ok: true, data: { n: 1 } }], [{ ok: true, data: { n: 2 } }]]);
    client.request('presence:set', { thread: 't', typing: null }, 'presence');
    await until(() => sink.ackErrors['presence:set']?.unknown_event === 1);
    expect(sink.messages('presence')).toBe(1);
    expect(sink.messages('economy')).toBe(1);
    client.close();
  });

  it('counts a binary event and its attachments where the event belongs, and a binary ack as its request', async () => {
    const url = await start((server) =>
      server.on('connection', (socket) => {
        socket.emit('presence:update', { thread: 't', update: Buffer.alloc(100, 1) });
        socket.on('notes:sync', (_input: unknown, ack: (answer: unknown) => void) => ack({ ok: true, data: { update: Buffer.alloc(10) } }));
      }),
    );
    const sink = new Sink();
    const client = await LightClient.connect(sink, { url, origin, auth: { site: 'bench' }, timeoutMs: 5000 });
    await until(() => sink.messages('presence') === 2);
    expect(JSON.parse(await client.ask('notes:sync', {}, 'economy'))).toBeTruthy();
    await until(() => sink.messages('economy') === 2);
    expect(sink.messages('other')).toBe(2); // the open packet and the CONNECT answer, nothing else
    client.close();
  });

  it('answers pings, so the server keeps it connected', async () => {
    const url = await start(() => undefined, { pingInterval: 50, pingTimeout: 100 });
    const sink = new Sink();
    const client = await LightClient.connect(sink, { url, origin, auth: { site: 'bench' }, timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(client.open).toBe(true);
    expect(sink.closedCount).toBe(0);
    expect(sink.traffic.sentMessages).toBeGreaterThan(5);
    client.close();
    await until(() => sink.closedCount === 1);
  });
});
