/**
 * A host's receiver for tests: a real HTTP server on 127.0.0.1 (port 0) that verifies Parley's
 * signature on every request as a host would (signing.ts `verifySignature`), dedupes by delivery
 * id, and answers as the test says. Closed when the test ends.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { SIGNATURE_HEADER, verifySignature } from './signing.js';

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, unknown>;
  /** Whether the signature verified with the receiver's secret. */
  verified: boolean;
}

export interface Receiver {
  url: string;
  /** Every request, in arrival order (signed or not). */
  requests: Received[];
  /** Requests whose signature verified, once per `Parley-Delivery` id: what the host acts on. */
  accepted: Received[];
  /** How the next requests are answered; default 200 `{}`. */
  answer: (request: Received, n: number) => { status?: number; body?: string; delayMs?: number } | Promise<{ status?: number; body?: string; delayMs?: number }>;
  /** Resolves once `accepted` holds `count` entries. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(secret: string, port = 0): Promise<Receiver> {
  const seen = new Set<string>();
  const waiters: (() => void)[] = [];
  const receiver: Receiver = {
    url: '',
    requests: [],
    accepted: [],
    answer: () => ({ status: 200, body: '{}' }),
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the receiver accepted ${receiver.accepted.length} of ${count} within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (receiver.accepted.length >= count) {
            clearTimeout(timer);
            resolve(receiver.accepted);
            return true;
          }
          return false;
        };
        const wake = (): void => {
          if (!check()) waiters.push(wake);
        };
        wake();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const header = req.headers[SIGNATURE_HEADER];
    const verified = verifySignature(typeof header === 'string' ? header : undefined, body, secret, Date.now()).ok;
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      // kept as {}: the test looks at `body`
    }
    const received: Received = { headers: req.headers, body, json, verified };
    receiver.requests.push(received);
    const n = receiver.requests.length;
    const { status = 200, body: answer = '{}', delayMs = 0 } = await receiver.answer(received, n);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return;
    // Acted on only when answered 2xx, signed, and not already seen: the host's side of exactly-once.
    const delivery = req.headers['parley-delivery'];
    const key = typeof delivery === 'string' ? delivery : `request-${n}`;
    if (status >= 200 && status < 300 && verified && !seen.has(key)) {
      seen.add(key);
      receiver.accepted.push(received);
      for (const wake of waiters.splice(0)) wake();
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(answer);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  onTestFinished(async () => {
    server.closeAllConnections();
    await receiver.close().catch(() => {});
  });
  return receiver;
}
