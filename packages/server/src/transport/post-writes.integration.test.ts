/**
 * [DUR-16] What one post costs the poster's TCP socket: counted on the server's real socket (the
 * `net.Socket` under ws, under engine.io), never timed.
 */
import type { Socket as NetSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { WalletUpdate } from '@parley/protocol';
import { rid, startTestServer, type ClientSocket, type TestServer } from '../test-helpers.js';

interface RawWrites {
  /** `_write` and `_writev` calls: each is one write (or writev) of the socket's handle. */
  writes: number;
  /** WebSocket frames in them (a frame header is a buffer of its own, 2 to 10 bytes, starting 0x81 or 0x82 when unmasked). */
  frames: number;
}

/** The server-side TCP socket of the one connected client, with its writes counted from now on. */
function countWrites(server: TestServer): RawWrites {
  const sockets = [...server.io.of('/').sockets.values()];
  expect(sockets).toHaveLength(1);
  const conn = sockets[0]?.conn as unknown as { transport: { name: string; socket: { _socket: NetSocket } } };
  expect(conn.transport.name).toBe('websocket');
  const raw = conn.transport.socket._socket as NetSocket & {
    _write(chunk: Buffer, encoding: string, cb: () => void): void;
    _writev(chunks: { chunk: Buffer }[], cb: () => void): void;
  };
  const counted: RawWrites = { writes: 0, frames: 0 };
  const isHeader = (chunk: Buffer) => chunk.length <= 10 && (chunk[0] === 0x81 || chunk[0] === 0x82);
  const write = raw._write.bind(raw);
  const writev = raw._writev.bind(raw);
  raw._write = (chunk, encoding, cb) => {
    counted.writes++;
    // One buffer alone is a frame of its own (header and payload together) or a payload.
    if (chunk[0] === 0x81 || chunk[0] === 0x82) counted.frames++;
    write(chunk, encoding, cb);
  };
  raw._writev = (chunks, cb) => {
    counted.writes++;
    counted.frames += chunks.filter(({ chunk }) => isHeader(chunk)).length;
    writev(chunks, cb);
  };
  return counted;
}

/** Posts with a plain callback (called as the ack's packet is read) and waits for the ack and the wallet update. */
function post(socket: ClientSocket, body: string): Promise<string[]> {
  const order: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${order.join(', ') || 'nothing'} within 5 s`)), 5000);
    const done = () => {
      if (order.length < 2) return;
      clearTimeout(timer);
      socket.off('wallet:update', onWallet);
      resolve(order);
    };
    const onWallet = (update: WalletUpdate) => {
      order.push(`wallet:update ${update.balance}`);
      done();
    };
    socket.on('wallet:update', onWallet);
    socket.emit('comment:post', { requestId: rid(), thread: 't', body }, (ack: { ok: boolean }) => {
      order.push(ack.ok ? 'ack' : `refused ${JSON.stringify(ack)}`);
      done();
    });
  });
}

describe('one post, one write', () => {
  it('[DUR-16] the poster’s ack and its wallet:update leave in one write of its TCP socket, the ack first', async () => {
    // Twelve posts cost twelve Twei: more than the default grant.
    const server = await startTestServer({ economy: { startingGrant: 100 } });
    const socket = await server.connect(await server.token('ann'));
    // The first post opens the account (a grant, then the tribute): the wallet update follows it too.
    const first = await post(socket, 'first');
    expect(first[0]).toBe('ack');
    const counted = countWrites(server);
    const second = await post(socket, 'second');
    const balance = Number(first[1]?.split(' ')[1]);
    expect(second).toEqual(['ack', `wallet:update ${balance - 1}`]);
    expect(counted).toEqual({ writes: 1, frames: 2 });

    // Ten posts in a row: ten writes, two frames each.
    const again = countWrites(server);
    for (let n = 0; n < 10; n++) expect((await post(socket, `post ${n}`))[0]).toBe('ack');
    expect(again).toEqual({ writes: 10, frames: 20 });
  });

  it('[DUR-16] a refused post is one write too, and a socket that closes while held is simply not written to', async () => {
    const server = await startTestServer();
    const socket = await server.connect(await server.token('bo'));
    const counted = countWrites(server);
    const ack = (await socket.timeout(5000).emitWithAck('comment:post', { requestId: rid(), thread: 'no-such-thread', body: 'x' })) as { ok: boolean };
    expect(ack.ok).toBe(false);
    expect(counted).toEqual({ writes: 1, frames: 1 });
    // The server keeps answering after a client leaves in the middle of a post.
    socket.emit('comment:post', { requestId: rid(), thread: 't', body: 'and gone' }, () => {});
    socket.disconnect();
    const other = await server.connect(await server.token('cy'));
    expect(((await other.timeout(5000).emitWithAck('comment:post', { requestId: rid(), thread: 't', body: 'still here' })) as { ok: boolean }).ok).toBe(true);
  });
});
