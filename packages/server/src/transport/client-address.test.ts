import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, compileTrust, TrustProxyError, type TrustProxy } from './client-address.js';

const from = (trust: TrustProxy, address: string, forwardedFor?: string): string =>
  clientAddress({ address, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }, compileTrust(trust));

describe('[LIMIT-8] the client address', () => {
  it('[LIMIT-8] trusts no proxy by default: X-Forwarded-For is ignored', () => {
    expect(from(false, '203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(from(0, '203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
  });

  it('[LIMIT-8] a hop count believes that many proxies, nearest first, and never what the client wrote before them', () => {
    expect(from(1, '10.0.0.2', '198.51.100.1')).toBe('198.51.100.1');
    expect(from(1, '10.0.0.2', 'forged-by-client, 198.51.100.1')).toBe('198.51.100.1');
    expect(from(2, '10.0.0.2', '198.51.100.1, 10.0.0.3')).toBe('198.51.100.1');
    expect(from(3, '10.0.0.2', '198.51.100.1')).toBe('198.51.100.1'); // fewer hops than trusted: the farthest
    expect(from(1, '10.0.0.2')).toBe('10.0.0.2');
  });

  it('[LIMIT-8] a CIDR list believes only peers inside it; from an untrusted peer the header is a forgery', () => {
    expect(from(['10.0.0.0/8'], '10.1.2.3', '198.51.100.1')).toBe('198.51.100.1');
    expect(from(['10.0.0.0/8'], '203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(from(['10.0.0.0/8'], '10.1.2.3', '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
    expect(from(['10.0.0.0/8', '203.0.113.7'], '10.1.2.3', '198.51.100.1, 203.0.113.7')).toBe('198.51.100.1');
    expect(from(['loopback'], '::ffff:127.0.0.1', '198.51.100.1')).toBe('198.51.100.1');
    expect(from(['uniquelocal'], '::1', '198.51.100.1')).toBe('::1');
  });

  it('[LIMIT-8] one client has one spelling: IPv4-mapped IPv6 is written as IPv4', () => {
    expect(from(false, '::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(from(false, '2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
  });

  it('[LIMIT-4] per-address limits count an IPv6 client by its /64, an IPv4 client by its address', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('198.51.100.4')).toBe('198.51.100.4');
  });

  it('[LIMIT-10] a bad trustProxy is refused, naming the entry', () => {
    expect(() => compileTrust(['10.0.0.0/8', 'not-an-ip'])).toThrow(TrustProxyError);
    expect(() => compileTrust(['10.0.0.0/8', 'not-an-ip'])).toThrow(/trustProxy\[1\]: "not-an-ip"/);
    expect(() => compileTrust(-1)).toThrow(/whole number/);
    expect(() => compileTrust(1.5)).toThrow(/whole number/);
  });
});
