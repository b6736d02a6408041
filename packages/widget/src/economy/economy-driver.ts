/**
 * The live half of a session's economy, in the live parts' chunk [PAINT-15]: the EconomyStore that
 * fetches `economy:state`, follows `wallet:update` and buys reports; the wallet check on a change of
 * reader; the read tracker, which starts only once the server's rules say how often to beat and the
 * reader has a wallet (guests earn nothing). It takes over from the first paint's rules.
 */
import type { ThreadConnection } from '../state/connection.js';
import { EconomyStore } from './economy-store.js';
import { ReadTracker } from './read-tracker.js';
import type { ThreadEconomy } from './thread-economy.js';

/** What the economy needs of the thread store: who the viewer is, and when that changes. */
export interface ViewerSource {
  readonly viewer: { user: { id: string } | null } | null;
  subscribe(listener: () => void): () => void;
}

/** Starts `economy`'s live store on `connection`; `viewer` follows the thread store (a sign-in, sign-out or new token refetches the wallet). */
export function driveEconomy(economy: ThreadEconomy, connection: ThreadConnection, thread: string, viewer: ViewerSource): void {
  const store = new EconomyStore(connection, { thread });
  let tracker: ReadTracker | null = null;
  let viewerId: string | null | undefined = undefined;
  /** The viewer a mismatched wallet was refetched for, so a refetch happens once, never in a loop. */
  let refetchedFor: string | null | undefined = undefined;

  /**
   * [W-E1] The wallet must be the viewer's: when a sign-in is answered before the first join is, the
   * first viewer seen is already the reader while the connect-time fetch answered for a guest (no
   * wallet) — or the other way round. Then fetch again, once for that viewer.
   */
  const checkWallet = (): void => {
    const { rules, wallet, answered } = store;
    if (!rules || !answered || viewerId === undefined || refetchedFor === viewerId) return;
    if ((viewerId !== null) === (wallet !== null)) return;
    refetchedFor = viewerId;
    store.refresh();
  };

  const followStore = (): void => {
    checkWallet();
    const { rules, wallet, mode } = store;
    // [W-E10] A site with the economy off pays nothing for reading: no heartbeats. A page that only
    // hides the blocks (`economy="off"` on a site that runs it) still earns, as the site's rules say.
    if (!rules || !wallet || mode === 'off') {
      tracker?.dispose();
      tracker = null;
    } else if (!tracker) {
      tracker = new ReadTracker({ beat: () => store.heartbeat(), stop: () => store.stopReading(), intervalMs: rules.heartbeatMs });
    }
  };

  const off = [
    store.subscribe(followStore),
    viewer.subscribe(() => {
      const id = viewer.viewer?.user?.id ?? null;
      if (viewer.viewer && id !== viewerId) {
        // The first join's viewer matches what the connect-time fetch saw; later ones are changes.
        if (viewerId !== undefined) store.refresh();
        viewerId = id;
        checkWallet();
      }
    }),
  ];
  economy.useStore(store, () => {
    off.forEach((stop) => stop());
    tracker?.dispose();
    tracker = null;
  });
}
