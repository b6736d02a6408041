/**
 * The two servers under test, started the same way (a child process on the server core) and
 * driven by the same clients: Parley, and the bare Socket.IO baseline.
 */
import { randomBytes } from 'node:crypto';
import { ChildHandle } from './child-handle.js';
import type { PinningState } from './cpu-pinning.js';
import type { ParleyChildConfig, TokenRequest } from './parley-child-api.js';
import { freshDbPath } from './temp-dir.js';

export interface ServerUnderTest {
  name: 'parley' | 'baseline';
  start(pinning: PinningState): Promise<ChildHandle>;
  /** Sign-in tokens for writers (null where the server takes no tokens). */
  tokens(server: ChildHandle, users: TokenRequest[]): Promise<(string | null)[]>;
}

/** The site every server under test hosts, and the one page origin it allows. */
export const benchSite = { id: 'bench', origin: 'http://bench.localhost' } as const;

/** Every thread a scenario uses; the host creates them when Parley starts (no paste-and-go). */
export const benchThreads = {
  hot: 'bench/hot-thread',
  big: 'bench/big-thread',
  sustainedSockets: 'bench/sustained-sockets',
  sustainedDispatch: 'bench/sustained-dispatch',
} as const;

// Fresh per run: nothing outside this process ever needs to mint a token for these servers.
const secret = randomBytes(32).toString('hex');

export const parley: ServerUnderTest = {
  name: 'parley',
  start(pinning) {
    const config: ParleyChildConfig = {
      dbPath: freshDbPath('parley'),
      secret,
      siteId: benchSite.id,
      origin: benchSite.origin,
      threads: Object.values(benchThreads),
    };
    return ChildHandle.start('parley server', 'server-child.js', config, pinning);
  },
  tokens: (server, users) => server.call<string[]>('mintTokens', users),
};

/** Parley on a database file of the caller's (the grown-database scenario), its host creating `threads`. */
export function startParleyOn(pinning: PinningState, dbPath: string, threads: readonly string[]): Promise<ChildHandle> {
  const config: ParleyChildConfig = { dbPath, secret, siteId: benchSite.id, origin: benchSite.origin, threads: [...threads] };
  return ChildHandle.start('parley server', 'server-child.js', config, pinning);
}

export const baseline: ServerUnderTest = {
  name: 'baseline',
  start: (pinning) => ChildHandle.start('baseline server', 'baseline-server.js', {}, pinning),
  tokens: async (_server, users) => users.map(() => null),
};

export function writerUsers(prefix: string, count: number): TokenRequest[] {
  // Level 50: above every default gate, so no write is refused for level.
  return Array.from({ length: count }, (_, n) => ({ sub: `${prefix}-${n}`, name: `${prefix} ${n}`, lvl: 50 }));
}
