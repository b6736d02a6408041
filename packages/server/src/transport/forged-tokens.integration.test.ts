/**
 * [KEY-1] Every forged, stale, misdirected or oversized token is refused — on connect and on a live
 * `session:auth` — and a refused refresh leaves the session as it was. Each variant has a valid
 * twin that IS accepted, so a refusal proves the check, not a broken key setup.
 * [KEY-2] The algorithm decides the key set: HS256 only with the site's secrets, EdDSA/RS256 only
 * with its public keys of that algorithm (the confusion variants below).
 */
import { Limits } from '@parley/protocol';
import { exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SiteOptions } from '../sites/site-config.js';
import { call, connectClient, startTestServer, TEST_SECRET, TEST_SITE, type ClientSocket, type TestServer } from '../test-helpers.js';

const ISSUER = 'https://host.example';
const enc = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const secretKey = (secret: string): Uint8Array => new TextEncoder().encode(secret);
const inAnHour = (): number => Math.floor(Date.now() / 1000) + 3600;

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'] | Uint8Array;
type Keys = Awaited<ReturnType<typeof makeKeys>>;

async function makeKeys() {
  const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const otherEd = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const rsa = await generateKeyPair('RS256', { modulusLength: 2048 });
  const otherRsa = await generateKeyPair('RS256', { modulusLength: 2048 });
  return { ed, otherEd, rsa, otherRsa, edPem: await exportSPKI(ed.publicKey), rsaPem: await exportSPKI(rsa.publicKey) };
}

/** A token the host would sign, with any claim or header overridable (`undefined` drops a claim). */
function sign(alg: string, key: Key, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  const payload: JWTPayload = { sub: 'ann', aud: TEST_SITE, iss: ISSUER, exp: inAnHour(), lvl: 4, ...claims };
  for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(key);
}

/** Who the server holds a connection to be: its verified identity, whatever threads exist. */
async function identityOf(server: TestServer, socket: ClientSocket) {
  const [remote] = await server.io.in(socket.id ?? '').fetchSockets();
  return remote?.data.identity ?? null;
}

/** The signature of one token on the payload of another: a claim edited after signing. */
function tamper(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${enc({ ...claims, ...change })}.${signature}`;
}

const sites = (keys: Keys, overrides: Partial<SiteOptions> = {}): SiteOptions[] => [
  {
    id: TEST_SITE,
    secret: TEST_SECRET,
    issuer: ISSUER,
    origins: ['same-origin'],
    publicKeys: [
      { alg: 'EdDSA', key: keys.edPem },
      { alg: 'RS256', key: keys.rsaPem },
    ],
    ...overrides,
  },
];

describe('[KEY-1] forged-token matrix', () => {
  let keys: Keys;
  beforeAll(async () => {
    keys = await makeKeys();
  });

  it('[KEY-1] the genuine HS256, EdDSA and RS256 tokens are accepted (the control group)', async () => {
    const server = await startTestServer({ sites: sites(keys) });
    for (const token of [
      await sign('HS256', secretKey(TEST_SECRET)),
      await sign('EdDSA', keys.ed.privateKey),
      await sign('RS256', keys.rsa.privateKey),
    ]) {
      const { error, socket } = await connectClient(server.url, token);
      expect(error).toBeUndefined();
      expect(await identityOf(server, socket)).toMatchObject({ id: 'ann', level: 4 });
    }
  });

  const variants: [string, (k: Keys) => Promise<string>][] = [
    ['HS256 signed with another secret', () => sign('HS256', secretKey('not-the-site-secret-0123456789abcdef'))],
    ['alg none, empty signature', async () => `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: 'ann', aud: TEST_SITE, iss: ISSUER, exp: inAnHour() })}.`],
    [
      'alg none, a valid HS256 signature kept',
      async () => {
        const genuine = await sign('HS256', secretKey(TEST_SECRET));
        const [, payload, signature] = genuine.split('.');
        return `${enc({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`;
      },
    ],
    ['EdDSA signed with a key the site does not know', (k) => sign('EdDSA', k.otherEd.privateKey)],
    ['RS256 signed with a key the site does not know', (k) => sign('RS256', k.otherRsa.privateKey)],
    ['HS/RS confusion: HS256 with the RSA public key as the secret', (k) => sign('HS256', secretKey(k.rsaPem))],
    ['HS/Ed confusion: HS256 with the Ed25519 public key as the secret', (k) => sign('HS256', secretKey(k.edPem))],
    ['RS256 header on an EdDSA signature', async (k) => {
      const ed = await sign('EdDSA', k.ed.privateKey);
      const [, payload, signature] = ed.split('.');
      return `${enc({ alg: 'RS256', typ: 'JWT' })}.${payload}.${signature}`;
    }],
    ['HS512 (an algorithm the site does not accept)', () => sign('HS512', secretKey(TEST_SECRET))],
    ['expired', () => sign('HS256', secretKey(TEST_SECRET), { exp: Math.floor(Date.now() / 1000) - 5 })],
    ['not yet valid (nbf in the future)', () => sign('HS256', secretKey(TEST_SECRET), { nbf: inAnHour() - 60 })],
    ['the wrong audience', (k) => sign('RS256', k.rsa.privateKey, { aud: 'other-site' })],
    ['no audience', () => sign('HS256', secretKey(TEST_SECRET), { aud: undefined })],
    ['the wrong issuer', (k) => sign('EdDSA', k.ed.privateKey, { iss: 'https://evil.example' })],
    ['no issuer where the site names one', () => sign('HS256', secretKey(TEST_SECRET), { iss: undefined })],
    ['tampered claims: lvl raised, signature kept', async () => tamper(await sign('HS256', secretKey(TEST_SECRET)), { lvl: 99 })],
    ['tampered claims: sub changed (EdDSA), signature kept', async (k) => tamper(await sign('EdDSA', k.ed.privateKey), { sub: 'admin' })],
    ['tampered claims: role added (RS256), signature kept', async (k) => tamper(await sign('RS256', k.rsa.privateKey), { role: 'admin' })],
    ['tampered claims: exp extended, signature kept', async () => tamper(await sign('HS256', secretKey(TEST_SECRET), { exp: Math.floor(Date.now() / 1000) - 5 }), { exp: inAnHour() })],
    ['oversized (a huge claim, correctly signed)', () => sign('HS256', secretKey(TEST_SECRET), { pad: 'x'.repeat(Limits.maxTokenLength) })],
    ['missing sub', () => sign('HS256', secretKey(TEST_SECRET), { sub: undefined })],
    ['missing exp', (k) => sign('EdDSA', k.ed.privateKey, { exp: undefined })],
    ['an empty sub', () => sign('HS256', secretKey(TEST_SECRET), { sub: '' })],
    ['three dots of garbage', async () => 'a.b.c'],
  ];

  it.each(variants)('[KEY-1] refuses %s on connect (invalid_token)', async (_name, make) => {
    const server = await startTestServer({ sites: sites(keys) });
    const { error } = await connectClient(server.url, await make(keys));
    expect(error?.data).toEqual({ code: 'invalid_token', message: expect.any(String) });
  });

  it.each(variants)('[KEY-1] refuses %s on session:auth and keeps the session as it was', async (_name, make) => {
    const server = await startTestServer({ sites: sites(keys) });
    const socket = await server.connect(await sign('HS256', secretKey(TEST_SECRET), { sub: 'bob', lvl: 7 }));
    const token = await make(keys);
    // The socket.io schema caps the token length before the verifier sees it.
    const expected = token.length > Limits.maxTokenLength ? 'invalid_payload' : 'invalid_token';
    expect(await call(socket, 'session:auth', { token })).toMatchObject({ ok: false, error: { code: expected } });
    expect(await identityOf(server, socket)).toMatchObject({ id: 'bob', level: 7 });
  });

  it('[KEY-2] a site with only public keys refuses every HS256 token, even one signed with its public key', async () => {
    const server = await startTestServer({ sites: sites(keys, { secret: undefined, issuer: undefined }) });
    for (const token of [await sign('HS256', secretKey(keys.rsaPem)), await sign('HS256', secretKey(TEST_SECRET))]) {
      const { error } = await connectClient(server.url, token);
      expect(error?.data).toMatchObject({ code: 'invalid_token' });
    }
    const { error } = await connectClient(server.url, await sign('RS256', keys.rsa.privateKey));
    expect(error).toBeUndefined();
  });

  it('[KEY-1] a token for one hosted site is refused by another hosted site (audience is the site)', async () => {
    const server = await startTestServer({
      sites: [...sites(keys), { id: 'other-site', secret: TEST_SECRET, origins: ['same-origin'] }],
    });
    const token = await sign('HS256', secretKey(TEST_SECRET));
    const { io } = await import('socket.io-client');
    const socket = io(server.url, { transports: ['websocket'], auth: { site: 'other-site', token }, reconnection: false, forceNew: true });
    const error = await new Promise<Error & { data?: unknown }>((resolve) => socket.once('connect_error', resolve));
    socket.disconnect();
    expect(error.data).toMatchObject({ code: 'invalid_token' });
  });
});
