/**
 * [KEY-3] [KEY-4] [KEY-5] Several keys per algorithm, over real sockets: without a `kid` every key
 * of the token's algorithm is tried (a rotation), with a `kid` only the keys naming it; a short HS256
 * secret is refused at start, except in the config-less development mode.
 */
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config.js';
import type { SiteOptions } from '../sites/site-config.js';
import { call, connectClient, okData, startTestServer, TEST_SECRET, TEST_SITE, type TestServer } from '../test-helpers.js';
import { signToken } from './tokens.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
type Key = KeyPair['privateKey'] | Uint8Array;

const OLD_SECRET = 'old-secret-0123456789abcdef0123456789abcdef';
const NEW_SECRET = 'new-secret-0123456789abcdef0123456789abcdef';
const bytes = (secret: string): Uint8Array => new TextEncoder().encode(secret);

function sign(alg: string, key: Key, header: Record<string, unknown> = {}, claims: JWTPayload = {}): Promise<string> {
  return new SignJWT({ sub: 'ann', aud: TEST_SITE, lvl: 4, ...claims })
    .setProtectedHeader({ alg, typ: 'JWT', ...header })
    .setExpirationTime('1h')
    .sign(key);
}

const site = (options: Omit<SiteOptions, 'id'>): SiteOptions[] => [{ id: TEST_SITE, origins: ['same-origin'], ...options }];

/** Connects with the token and reports who the server holds the connection to be, or the refusal. */
async function whoIs(server: TestServer, token: string): Promise<string> {
  const { socket, error } = await connectClient(server.url, token);
  if (error) return `refused: ${(error.data as { code: string }).code}`;
  const [remote] = await server.io.in(socket.id ?? '').fetchSockets();
  return remote?.data.identity?.id ?? 'a guest';
}

describe('[KEY-3] several keys per algorithm, each tried when the token names no kid', () => {
  let first: KeyPair;
  let second: KeyPair;
  let unknown: KeyPair;
  let rsa: KeyPair;
  beforeAll(async () => {
    [first, second, unknown, rsa] = await Promise.all([
      generateKeyPair('EdDSA', { crv: 'Ed25519' }),
      generateKeyPair('EdDSA', { crv: 'Ed25519' }),
      generateKeyPair('EdDSA', { crv: 'Ed25519' }),
      generateKeyPair('RS256', { modulusLength: 2048 }),
    ]);
  });

  it('[KEY-3] two EdDSA keys without kid (a rotation): a token from either key is accepted, a third key is not', async () => {
    const server = await startTestServer({
      sites: site({
        publicKeys: [
          { alg: 'EdDSA', key: await exportSPKI(first.publicKey) },
          // The second as a JWK: both key forms take part in a rotation alike.
          { alg: 'EdDSA', key: { ...(await exportJWK(second.publicKey)) } },
          { alg: 'RS256', key: await exportSPKI(rsa.publicKey) },
        ],
      }),
    });
    expect(await whoIs(server, await sign('EdDSA', first.privateKey))).toBe('ann');
    expect(await whoIs(server, await sign('EdDSA', second.privateKey))).toBe('ann');
    expect(await whoIs(server, await sign('RS256', rsa.privateKey))).toBe('ann');
    expect(await whoIs(server, await sign('EdDSA', unknown.privateKey))).toBe('refused: invalid_token');
  });

  it('[KEY-3] two HS256 secrets (`secret` and `secrets`): a token signed with either is accepted', async () => {
    const server = await startTestServer({ sites: site({ secret: OLD_SECRET, secrets: [{ secret: NEW_SECRET }] }) });
    expect(await whoIs(server, await sign('HS256', bytes(OLD_SECRET)))).toBe('ann');
    expect(await whoIs(server, await sign('HS256', bytes(NEW_SECRET)))).toBe('ann');
    expect(await whoIs(server, await sign('HS256', bytes(TEST_SECRET)))).toBe('refused: invalid_token');
    // A live refresh is verified the same way.
    const socket = await server.connect(await sign('HS256', bytes(OLD_SECRET)));
    expect(okData(await call(socket, 'session:auth', { token: await sign('HS256', bytes(NEW_SECRET), {}, { sub: 'bob' }) }))).toMatchObject({
      user: { id: 'bob' },
    });
  });

  it('[KEY-3] a claim refused after a signature held is final: an expired token stays refused with every key', async () => {
    const server = await startTestServer({ sites: site({ secrets: [{ secret: OLD_SECRET }, { secret: NEW_SECRET }] }) });
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('ann').setAudience(TEST_SITE).setExpirationTime(Math.floor(Date.now() / 1000) - 5).sign(bytes(OLD_SECRET));
    const { error } = await connectClient(server.url, expired);
    expect(error?.data).toEqual({ code: 'invalid_token', message: 'The sign-in token has expired.' });
  });
});

describe('[KEY-4] a kid in the token header selects the keys naming it', () => {
  let a: KeyPair;
  let b: KeyPair;
  beforeAll(async () => {
    [a, b] = await Promise.all([generateKeyPair('EdDSA', { crv: 'Ed25519' }), generateKeyPair('EdDSA', { crv: 'Ed25519' })]);
  });

  const keyedSite = async () =>
    startTestServer({
      sites: site({
        secrets: [
          { secret: OLD_SECRET, kid: 'hs-2024' },
          { secret: NEW_SECRET, kid: 'hs-2025' },
        ],
        publicKeys: [
          { alg: 'EdDSA', key: await exportSPKI(a.publicKey), kid: 'ed-a' },
          { alg: 'EdDSA', key: await exportSPKI(b.publicKey), kid: 'ed-b' },
        ],
      }),
    });

  it('[KEY-4] the kid picks its key, and a token without kid still tries them all', async () => {
    const server = await keyedSite();
    expect(await whoIs(server, await sign('EdDSA', b.privateKey, { kid: 'ed-b' }))).toBe('ann');
    expect(await whoIs(server, await sign('EdDSA', a.privateKey, { kid: 'ed-a' }))).toBe('ann');
    expect(await whoIs(server, await sign('HS256', bytes(NEW_SECRET), { kid: 'hs-2025' }))).toBe('ann');
    expect(await whoIs(server, await signToken(OLD_SECRET, { sub: 'ann' }, { audience: TEST_SITE, kid: 'hs-2024' }))).toBe('ann');
    expect(await whoIs(server, await sign('EdDSA', b.privateKey))).toBe('ann');
    expect(await whoIs(server, await sign('HS256', bytes(OLD_SECRET)))).toBe('ann');
  });

  it('[KEY-4] a kid naming another key of the site is refused, though that other key would verify', async () => {
    const server = await keyedSite();
    expect(await whoIs(server, await sign('EdDSA', b.privateKey, { kid: 'ed-a' }))).toBe('refused: invalid_token');
    expect(await whoIs(server, await sign('HS256', bytes(NEW_SECRET), { kid: 'hs-2024' }))).toBe('refused: invalid_token');
    // The algorithm decides the set before the kid does: an Ed25519 kid does not reach a secret.
    expect(await whoIs(server, await sign('HS256', bytes(NEW_SECRET), { kid: 'ed-b' }))).toBe('refused: invalid_token');
  });

  it('[KEY-4] a kid that matches no key is refused, saying which kid', async () => {
    const server = await keyedSite();
    const { error } = await connectClient(server.url, await sign('EdDSA', a.privateKey, { kid: 'ed-c' }));
    expect(error?.data).toEqual({ code: 'invalid_token', message: 'The sign-in token names key id "ed-c", which this site does not list.' });
  });

  it('[KEY-4] a kid on a key without one: the token is refused, since only keys naming that kid are tried', async () => {
    const server = await startTestServer({ sites: site({ secret: NEW_SECRET }) });
    expect(await whoIs(server, await sign('HS256', bytes(NEW_SECRET)))).toBe('ann');
    expect(await whoIs(server, await sign('HS256', bytes(NEW_SECRET), { kid: 'k1' }))).toBe('refused: invalid_token');
  });
});

describe('[KEY-5] HS256 secrets of at least 32 bytes outside development mode', () => {
  const short = 'only-31-bytes-0123456789abcdefg';

  it('[KEY-5] a configured site with a short secret is refused at start, naming the site, the key and the fix', async () => {
    expect(new TextEncoder().encode(short)).toHaveLength(31);
    await expect(startTestServer({ sites: site({ secret: short }) })).rejects.toThrow(
      /site "test-site": secret is 31 bytes; an HS256 secret needs at least 32 .*openssl rand -base64 32/,
    );
    await expect(startTestServer({ sites: site({ secret: TEST_SECRET, secrets: [{ secret: 'x'.repeat(20), kid: 'k2' }] }) })).rejects.toThrow(
      /site "test-site": secrets\[0\] \(kid "k2"\) is 20 bytes/,
    );
    // Bytes, not characters: 11 three-byte characters are 33 bytes.
    expect(() => resolveConfig({ sites: site({ secret: '€'.repeat(11) }), logger: false }, {})).not.toThrow();
    expect(() => resolveConfig({ sites: site({ secret: 'x'.repeat(32) }), logger: false }, {})).not.toThrow();
  });

  it('[KEY-5] the config-less development mode accepts a short secret and its tokens', async () => {
    const server = await startTestServer({ secret: 'dev' });
    expect(await whoIs(server, await signToken('dev', { sub: 'ann' }, { audience: TEST_SITE }))).toBe('ann');
  });
});
