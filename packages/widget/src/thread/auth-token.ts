/**
 * Where the reader's token comes from when the host gives an `auth-url` instead of a `token`: the
 * widget fetches it with the host's cookies (`credentials: 'include'`), then fetches a fresh one
 * shortly before it expires, so a long read never ends in a silent sign-out.
 */

/** Fetch a new token this long before the current one expires. */
const REFRESH_BEFORE_MS = 60_000;
/** Never refresh more often than this, whatever the token says (a host clock off by hours). */
const MIN_REFRESH_MS = 10_000;
/** After a failed fetch, try again after this long. */
const RETRY_MS = 30_000;

/** The token's `exp` in ms, read without verifying (the server verifies); null when absent. */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** What an `auth-url` gives: the reader's token, and optionally the host's signed thread claim. */
export interface HostTokens {
  token: string;
  threadToken: string;
}

/**
 * A host endpoint answers `{ "token": "…", "threadToken": "…"? }` (or the bare token as text);
 * empty or 401 = guest.
 */
async function fetchTokens(url: string): Promise<HostTokens> {
  const res = await fetch(url, { credentials: 'include', headers: { accept: 'application/json' } });
  if (res.status === 401 || res.status === 204) return { token: '', threadToken: '' };
  if (!res.ok) throw new Error(`auth-url answered HTTP ${res.status}`);
  const text = (await res.text()).trim();
  if (!text.startsWith('{')) return { token: text, threadToken: '' };
  const json = JSON.parse(text) as { token?: unknown; threadToken?: unknown };
  return { token: typeof json.token === 'string' ? json.token : '', threadToken: typeof json.threadToken === 'string' ? json.threadToken : '' };
}

export class AuthUrlTokenSource {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly onToken: (tokens: HostTokens) => void,
    /** Why fetching failed (the thread puts it in the reader's words). */
    private readonly onProblem: (reason: string) => void,
  ) {
    void this.load();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async load(): Promise<void> {
    try {
      const tokens = await fetchTokens(this.url);
      if (this.stopped) return;
      this.onToken(tokens);
      const { token } = tokens;
      const expiry = token ? tokenExpiry(token) : null;
      if (expiry !== null) this.schedule(Math.max(MIN_REFRESH_MS, expiry - Date.now() - REFRESH_BEFORE_MS));
    } catch (error) {
      if (this.stopped) return;
      this.onProblem((error as Error).message);
      this.schedule(RETRY_MS);
    }
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), delay);
  }
}
