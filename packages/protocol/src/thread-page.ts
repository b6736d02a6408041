/**
 * `GET /api/thread-page?site=…&thread=…&sort=…&pageSize=…` (SPEC PAINT-*): the first page of a thread
 * over plain HTTP, for the widget's first paint before Socket.IO has loaded. Public and cacheable
 * (`Cache-Control: public, no-cache` with an ETag); errors are `{ code, message }`.
 */
import type { EconomyState } from './economy.js';
import type { JoinResult } from './events.js';

export const THREAD_PAGE_PATH = '/api/thread-page';

export interface ThreadPageResponse {
  /** The site the page was answered for (the `site` asked, or the server's only site). */
  site: string;
  /** Exactly a guest's `thread:join` answer: a snapshot; join `since: join.thread.seq` to follow it live. */
  join: Extract<JoinResult, { mode: 'snapshot' }>;
  /** The site's economy as a guest sees it (rules and mode, no wallet); null when it could not be read. */
  economy: Pick<EconomyState, 'rules' | 'mode' | 'author'> | null;
}
