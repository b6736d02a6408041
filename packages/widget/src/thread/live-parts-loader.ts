/**
 * [PAINT-15] What the thread needs once it is live, not for its first paint — `<parley-composer>`,
 * the economy store that fetches the wallet, beats and buys reports, the moderation desk, a comment's
 * inline forms and their words — is one lazy chunk, `thread/live-parts.ts`. It is fetched with
 * Socket.IO once the first page is painted (transport/deferred-connection.ts; at once for a
 * connector given by a test), and the connection goes live only once both are in, so nothing live
 * ever waits for it. The chunk registers itself as it is evaluated: a test that imports it has the
 * parts at once, as the browser has them before its first `connected`.
 */
import type { liveParts } from './live-parts.js';

export type LiveParts = typeof liveParts;

let parts: LiveParts | null = null;
let loading: Promise<LiveParts> | null = null;
const waiting = new Set<(parts: LiveParts) => void>();

/** Called by live-parts.ts as it is evaluated. */
export function registerLiveParts(loaded: LiveParts): void {
  parts = loaded;
  const calls = [...waiting];
  waiting.clear();
  calls.forEach((use) => use(loaded));
}

/** The parts, when they are here. */
export function loadedLiveParts(): LiveParts | null {
  return parts;
}

/** Calls `use` with the parts: now when they are here, else once they are (in the order asked). Returns a cancel. */
export function withLiveParts(use: (parts: LiveParts) => void): () => void {
  if (parts) {
    use(parts);
    return () => {};
  }
  waiting.add(use);
  return () => waiting.delete(use);
}

/** Fetches the chunk once; a failed fetch is tried again by the next call. */
export function loadLiveParts(): Promise<LiveParts> {
  loading ??= import('./live-parts.js').then(
    () => parts!,
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}
