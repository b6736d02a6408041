/**
 * The client's address, computed once per connection from its handshake: the peer address of the
 * TCP connection, or — only when that peer is a proxy the host said to trust (`trustProxy`) — the
 * address that proxy wrote into `X-Forwarded-For`. proxy-addr (the library behind Express's
 * `trust proxy`) walks the header from the nearest hop outwards and stops at the first hop it
 * does not trust, so an entry a client forged at the far end is never believed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';

/**
 * Who may say who the client is: `false` nobody (the TCP peer is the client); a number, that many
 * proxies in front of this server (1 = one load balancer); a list, the proxies' addresses or CIDR
 * ranges, or proxy-addr's named ranges `loopback`, `linklocal`, `uniquelocal`.
 */
export type TrustProxy = false | number | readonly string[];

export type TrustFn = (address: string, hop: number) => boolean;

export class TrustProxyError extends Error {
  override readonly name = 'TrustProxyError';
}

/** Checks a `trustProxy` value and compiles it; throws TrustProxyError naming what is wrong. */
export function compileTrust(trust: TrustProxy): TrustFn {
  if (trust === false) return () => false;
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 0) throw new TrustProxyError(`trustProxy: a hop count must be a whole number ≥ 0, not ${trust}`);
    return (_address, hop) => hop < trust;
  }
  trust.forEach((entry, index) => {
    try {
      proxyaddr.compile(entry);
    } catch (error) {
      throw new TrustProxyError(`trustProxy[${index}]: ${JSON.stringify(entry)} is not an IP address, a CIDR range or loopback/linklocal/uniquelocal (${(error as Error).message})`);
    }
  });
  return proxyaddr.compile([...trust]);
}

/** What the handshake says: Socket.IO's `handshake.address` and `handshake.headers`. */
export interface HandshakeLike {
  address: string | undefined;
  headers: IncomingHttpHeaders;
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is written as IPv4, so one client has one spelling. */
function normalise(address: string): string {
  if (!ipaddr.isValid(address)) return address.slice(0, 100);
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return (parsed as ipaddr.IPv6).toIPv4Address().toString();
  return parsed.toString();
}

/** The client's address; `'unknown'` when the handshake carries none (never from a real socket). */
export function clientAddress(handshake: HandshakeLike, trust: TrustFn): string {
  if (!handshake.address) return 'unknown';
  // proxy-addr reads `req.socket.remoteAddress` and `req.headers['x-forwarded-for']` (Node joins
  // repeated X-Forwarded-For headers with commas, so every hop is seen).
  const req = { socket: { remoteAddress: handshake.address }, headers: handshake.headers };
  return normalise(proxyaddr(req as unknown as Parameters<typeof proxyaddr>[0], trust));
}

/**
 * The key per-address limits count under: an IPv4 address, or an IPv6 address's /64 — one
 * household or phone gets a whole /64, so counting single IPv6 addresses would let one client
 * rotate through 2^64 of them.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`;
}

/**
 * One address per connection. Computed when the Engine.IO session opens (where the connection
 * limits need it) and read from there by every Socket.IO middleware and event, so the handshake is
 * parsed once and every limit sees the same address.
 */
export class ClientAddresses {
  private readonly byConnection = new WeakMap<object, string>();
  private readonly trust: TrustFn;

  constructor(trust: TrustProxy) {
    this.trust = compileTrust(trust);
  }

  /** `conn` is an Engine.IO socket: `remoteAddress` and the handshake `request`. */
  of(conn: { remoteAddress: string; request: { headers: IncomingHttpHeaders } }): string {
    let address = this.byConnection.get(conn);
    if (address === undefined) {
      address = clientAddress({ address: conn.remoteAddress, headers: conn.request.headers }, this.trust);
      this.byConnection.set(conn, address);
    }
    return address;
  }
}
