/**
 * [CFG-1] A config file becomes server options; [CFG-2] environment variables override one site;
 * [CFG-3] a bad file is refused naming the key and what was expected.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config.js';
import { ConfigFileError, parseConfigFile, secretOf } from './config-file.js';

const example = fileURLToPath(new URL('../../parley.config.example.json', import.meta.url));
const one = (site: Record<string, unknown> = {}) => JSON.stringify({ sites: [{ id: 'news', secret: 's'.repeat(32), origins: ['https://news.example.com'], ...site }] });

describe('[CFG] parley.config.json', () => {
  it('[CFG-1] the example file in the repository loads and resolves into two sites', () => {
    const options = parseConfigFile(readFileSync(example, 'utf8'), 'parley.config.example.json', {});
    expect(options).toMatchObject({ port: 4000, dbPath: './data/parley.db' });
    const config = resolveConfig({ ...options, logger: false }, {});
    expect(config.sites.get('news')).toMatchObject({ gates: { comment: 13, reply: 13, notes: 5, report: 3, react: 0 }, origins: ['https://news.example.com', 'https://www.news.example.com'] });
    expect(config.sites.get('blog')).toMatchObject({ trustHostLevels: false, issuer: 'https://blog.example.com', secret: null });
  });

  it('[CFG-1] economy rules pass through untouched', () => {
    const options = parseConfigFile(JSON.stringify({ sites: [{ id: 'a', secret: 'x' }], economy: { sites: { a: { anything: 1 } } } }), 'f', {});
    expect(options.economy).toEqual({ sites: { a: { anything: 1 } } });
  });

  it('[CFG-1] a site\'s economy mode (off | compact | full) reaches the site, full by default; [CFG-3] anything else is refused', () => {
    const modes = ['off', 'compact', undefined].map((economy) => {
      const options = parseConfigFile(one(economy ? { economy } : {}), 'f', {});
      return resolveConfig({ ...options, logger: false }, {}).sites.get('news')?.economy;
    });
    expect(modes).toEqual(['off', 'compact', 'full']);
    expect(() => parseConfigFile(one({ economy: 'minimal' }), 'f', {})).toThrow(/sites\[0\]\.economy: /);
  });

  it('[CFG-2] PARLEY_SECRET, PARLEY_ORIGINS and PARLEY_ADMIN_KEY override the only site', () => {
    const options = parseConfigFile(one({ origins: ['https://a.example'] }), 'f', {
      PARLEY_SECRET: 'from-env',
      PARLEY_ORIGINS: 'https://b.example, https://c.example',
      PARLEY_ADMIN_KEY: 'k'.repeat(20),
    });
    expect(options.sites[0]).toMatchObject({ secret: 'from-env', origins: ['https://b.example', 'https://c.example'], adminKey: 'k'.repeat(20) });
  });

  it('[CFG-2] with several sites the overrides go to the one PARLEY_SITE names, and nowhere without it', () => {
    const text = readFileSync(example, 'utf8');
    const options = parseConfigFile(text, 'f', { PARLEY_SITE: 'blog', PARLEY_SECRET: 'blog-secret' });
    expect(options.sites.map((s) => [s.id, s.secret])).toEqual([
      ['news', 'replace-me-or-set-PARLEY_SECRET-at-least-32-characters'],
      ['blog', 'blog-secret'],
    ]);
    expect(() => parseConfigFile(text, 'f', { PARLEY_SECRET: 'x' })).toThrow(/several sites \(news, blog\); set PARLEY_SITE/);
    expect(() => parseConfigFile(text, 'f', { PARLEY_SITE: 'shop' })).toThrow(/PARLEY_SITE=shop is not a site in f \(sites: news, blog\)/);
  });

  it.each([
    ['not JSON', '{ sites: [] }', /f: not valid JSON/],
    ['no sites', '{}', /sites: .*(expected array|received undefined)/i],
    ['an empty site list', '{"sites":[]}', /sites: .*(>=1|at least 1|too small)/i],
    ['a misspelled key', one({ gate: { comment: 13 } }), /sites\[0\]: .*"gate"/],
    ['a gate that is not a number', one({ gates: { comment: 'high' } }), /sites\[0\]\.gates\.comment: .*number/],
    ['a gate above 1000', one({ gates: { comment: 5000 } }), /sites\[0\]\.gates\.comment: .*1000/],
    ['an unknown gated action', one({ gates: { shout: 3 } }), /sites\[0\]\.gates: .*"shout"/],
    ['a key algorithm we do not take', one({ publicKeys: [{ alg: 'HS256', key: 'x' }] }), /sites\[0\]\.publicKeys\[0\]\.alg/],
    ['a misspelled key of an HS256 secret', one({ secrets: [{ secret: 's'.repeat(32), kd: 'k1' }] }), /sites\[0\]\.secrets\[0\]: .*"kd"/],
    ['an HS256 secret that is not a string', one({ secrets: [{ secret: 42 }] }), /sites\[0\]\.secrets\[0\]\.secret: .*string/],
    ['a port out of range', JSON.stringify({ port: 70000, sites: [{ id: 'a', secret: 'x' }] }), /port: /],
  ])('[CFG-3] refuses %s, saying where', (_name, text, message) => {
    expect(() => parseConfigFile(text, 'f', {})).toThrow(ConfigFileError);
    expect(() => parseConfigFile(text, 'f', {})).toThrow(message);
  });

  it('[CFG-3] rules checked when sites resolve name the site: a short admin key, a falling level curve, a bad origin', () => {
    for (const [site, message] of [
      [{ adminKey: 'short' }, /site "news": adminKey must be at least 16/],
      [{ levelCurve: [0, 10, 5] }, /site "news": the level curve must rise strictly/],
      [{ origins: ['news.example.com'] }, /site "news": origin "news.example.com" must look like/],
      [{ secret: undefined }, /site "news": needs a secret or publicKeys/],
    ] as const) {
      const options = parseConfigFile(one(site), 'f', {});
      expect(() => resolveConfig({ ...options, logger: false }, {})).toThrow(message);
    }
  });

  it('[KEY-3] several HS256 secrets with kids: every one verifies, and tools sign with `secret`, else the first of `secrets`', () => {
    const rotation = [
      { secret: 'a'.repeat(32), kid: '2025-06' },
      { secret: 'b'.repeat(32), kid: '2025-12' },
    ];
    const options = parseConfigFile(one({ secret: undefined, secrets: rotation }), 'f', {});
    const site = resolveConfig({ ...options, logger: false }, {}).sites.get('news');
    expect(site).toMatchObject({ secret: 'a'.repeat(32), secrets: rotation });
    expect(secretOf(options.sites, 'news')).toEqual({ id: 'news', secret: 'a'.repeat(32) });
    // PARLEY_SECRET replaces `secret` and keeps `secrets`: the old and new keys both verify meanwhile.
    const both = parseConfigFile(one({ secrets: rotation }), 'f', { PARLEY_SECRET: 'e'.repeat(32) });
    expect(resolveConfig({ ...both, logger: false }, {}).sites.get('news')?.secrets).toEqual([{ secret: 'e'.repeat(32) }, ...rotation]);
  });

  it('[KEY-5] a secret shorter than 32 bytes, in the file or from PARLEY_SECRET, is refused when the sites resolve', () => {
    for (const [text, env, message] of [
      [one({ secret: 'short' }), {}, /site "news": secret is 5 bytes; an HS256 secret needs at least 32/],
      [one({ secrets: [{ secret: 'x'.repeat(31), kid: 'k' }] }), {}, /site "news": secrets\[0\] \(kid "k"\) is 31 bytes/],
      [one(), { PARLEY_SECRET: 'from-env' }, /site "news": secret is 8 bytes/],
    ] as const) {
      const options = parseConfigFile(text, 'f', env);
      expect(() => resolveConfig({ ...options, logger: false }, {})).toThrow(message);
    }
  });

  it('[ORIGIN-2] a site in the file without origins, or with "*" (from the file or PARLEY_ORIGINS), is refused when the sites resolve', () => {
    for (const [text, env, message] of [
      [one({ origins: undefined }), {}, /site "news": list the page origins allowed to connect, e\.g\. "origins": \["https:\/\/news\.example\.com"\]/],
      [one({ origins: ['*'] }), {}, /site "news": origin "\*" would let every page on the web connect/],
      [one(), { PARLEY_ORIGINS: '*' }, /site "news": origin "\*" would let every page on the web connect/],
    ] as const) {
      const options = parseConfigFile(text, 'f', env);
      expect(() => resolveConfig({ ...options, logger: false }, {})).toThrow(message);
    }
  });

  it('[CFG-1] secretOf finds any configured site\'s secret and explains when it cannot', () => {
    const { sites } = parseConfigFile(readFileSync(example, 'utf8'), 'f', {});
    expect(secretOf(sites, 'news')).toEqual({ id: 'news', secret: 'replace-me-or-set-PARLEY_SECRET-at-least-32-characters' });
    expect(() => secretOf(sites, undefined)).toThrow(/several sites are configured \(news, blog\); pass --site/);
    expect(() => secretOf(sites, 'blog')).toThrow(/only public-key tokens/);
    expect(() => secretOf(sites, 'shop')).toThrow(/no site "shop"/);
  });
});
