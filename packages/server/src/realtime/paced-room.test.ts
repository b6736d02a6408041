/**
 * PacedRoom over real sockets: a real Socket.IO server on 127.0.0.1 and real clients.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PresenceChange } from '@parley/protocol';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ParleyIo } from '../transport/types.js';
import { PacedRoom } from './paced-room.js';

const ROOM = 'thread:s:t';

async function roomOf(readers: number): Promise<{ io: ParleyIo; clients: Socket[]; heard: string[][] }> {
  const http = createServer();
  const io = new Server(http) as unknown as ParleyIo;
  io.on('connection', (socket) => void socket.join(ROOM));
  await new Promise<void>((listening) => http.listen(0, '127.0.0.1', listening));
  onTestFinished(() => new Promise<void>((closed) => io.close(() => closed())));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clients: Socket[] = [];
  const heard: string[][] = [];
  for (let n = 0; n < readers; n++) {
    const client = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    const log: string[] = [];
    client.onAny((event: string, payload: { readers?: number }) => log.push(event === 'presence:state' ? `presence ${payload.readers}` : event));
    await new Promise<void>((connected) => client.once('connect', () => connected()));
    clients.push(client);
    heard.push(log);
  }
  onTestFinished(() => clients.forEach((client) => client.disconnect()));
  for (let i = 0; i < 100 && (io.of('/').adapter.rooms.get(ROOM)?.size ?? 0) < readers; i++) await new Promise((next) => setTimeout(next, 10));
  return { io, clients, heard };
}

const change = (readers: number) => ({ thread: 't', node: 'n', readers }) as unknown as PresenceChange;

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((next) => setTimeout(next, 10));
}

describe('[PERF-7] presence to a big room leaves in slices, never ahead of a comment', () => {
  it('[PERF-7] a comment sent while a presence message is on its way reaches the later slices first; every socket gets both', async () => {
    const { io, heard } = await roomOf(5);
    const paced = new PacedRoom(io, false, 2);
    paced.emit(ROOM, change(5));
    // The comment's broadcast comes in on the next turn, as a commit's continuation would.
    setImmediate(() => io.to(ROOM).emit('thread:events', []));
    await until(() => heard.every((log) => log.length === 2));
    // Sockets 1–4 were in the slices sent before the comment; socket 5's slice left after it.
    expect(heard.slice(0, 4)).toEqual(Array.from({ length: 4 }, () => ['presence 5', 'thread:events']));
    expect(heard[4]).toEqual(['thread:events', 'presence 5']);
  });

  it('[PERF-7] messages to one room keep their order on every socket; a small room gets them at once', async () => {
    const { io, heard } = await roomOf(5);
    const paced = new PacedRoom(io, false, 2);
    for (const readers of [1, 2, 3]) paced.emit(ROOM, change(readers));
    await until(() => heard.every((log) => log.length === 3));
    for (const log of heard) expect(log).toEqual(['presence 1', 'presence 2', 'presence 3']);

    const small = await roomOf(2);
    const whole = new PacedRoom(small.io, false, 2);
    whole.emit(ROOM, change(2));
    small.io.to(ROOM).emit('thread:events', []);
    await until(() => small.heard.every((log) => log.length === 2));
    for (const log of small.heard) expect(log).toEqual(['presence 2', 'thread:events']);
  });
});
