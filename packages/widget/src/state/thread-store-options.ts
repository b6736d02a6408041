/** What a ThreadStore is made with, and the notices it gives (thread-store.ts). */
import type { CommentView, ParleyError, Sort } from '@parley/protocol';
import type { MutationStorage } from './pending-mutations.js';

export type StoreNotice =
  | { type: 'posted'; comment: CommentView }
  | { type: 'arrived'; comment: CommentView }
  | { type: 'error'; error: ParleyError; action: string };

export interface ThreadStoreOptions {
  thread: string;
  sort?: Sort;
  pageSize?: number;
  /**
   * The host's signed thread claim (`thread-token`): the only way a page names the thread's title,
   * canonical URL, gates or author. Sent with every join; the server applies it once (by its `iat`).
   */
  claim?: string;
  /** The page's URL: used by the server only for paste-and-go creation, when it is on the page's Origin. */
  url?: string;
  /**
   * How long a gap may wait for the missing events before the store rejoins [W-S11].
   * @default 500 ms — longer than a node's 100 ms event tick plus a hop between nodes, short enough
   * that a real loss is repaired before a reader notices.
   */
  gapGraceMs?: number;
  storage?: MutationStorage;
  /** The session started with a reader's token (a primed guest page is then not replayed from). */
  signedIn?: boolean;
  now?: () => number;
  makeRequestId?: () => string;
}
