/**
 * A TCP proxy on 127.0.0.1 that a test can cut, to make a real network blip between one browser and
 * the server: `cut()` destroys every open connection and refuses new ones until `restore()`.
 * `cutOnReply(pattern)` cuts instead of forwarding the first server→client chunk that contains
 * `pattern` — the server has processed the request, but its answer never reaches the client (a lost
 * ack). Server frames are unmasked, so the pattern can be any text of the answer.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  url: string;
  cut(): void;
  restore(): void;
  cutOnReply(pattern: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let refusing = false;
  let trap: { pattern: string; resolve: () => void } | null = null;

  const cut = () => {
    refusing = true;
    for (const socket of open) socket.destroy();
    open.clear();
  };

  const server = net.createServer((client) => {
    if (refusing) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (trap && chunk.includes(trap.pattern)) {
        const { resolve } = trap;
        trap = null;
        cut();
        resolve();
        return;
      }
      if (!refusing) client.write(chunk);
    });
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    cut,
    restore: () => {
      refusing = false;
    },
    cutOnReply: (pattern) => new Promise<void>((resolve) => (trap = { pattern, resolve })),
    close: async () => {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
