import { webcrypto } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidTokenError, signToken, verifySiteToken, type TokenPolicy } from './tokens.js';

const secret = 'a-site-secret-long-enough-for-hs256-0123456789';

describe('[BEAT-9] verification keys', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('[BEAT-9] a site’s HS256 secret is imported once, not for every token verified; a wrong one is still refused', async () => {
    const policy: TokenPolicy = { id: 'news', secrets: [{ secret }], publicKeys: [], issuer: null };
    const tokens = await Promise.all(Array.from({ length: 5 }, (_, n) => signToken(secret, { sub: `reader-${n}` }, { audience: 'news' })));
    const forged = await signToken(`${secret}-not`, { sub: 'mallory' }, { audience: 'news' });
    const imports = vi.spyOn(webcrypto.subtle, 'importKey');
    for (const [n, token] of tokens.entries()) expect((await verifySiteToken(token, policy)).identity.id).toBe(`reader-${n}`);
    await expect(verifySiteToken(forged, policy)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(imports.mock.calls.filter(([format]) => format === 'raw')).toHaveLength(1);
  });
});
