/**
 * The first page of a thread over one HTTP GET (`/api/thread-page`, SPEC PAINT-1): what the widget
 * shows before Socket.IO has loaded. No credentials and no custom header, so it is a simple CORS
 * request (no preflight) and one cached answer serves every reader; the browser revalidates it with
 * its ETag on every view.
 */
import { THREAD_PAGE_PATH, type ParleyError, type Sort, type ThreadPageResponse } from '@parley/protocol';

export type ThreadPageOutcome =
  | { ok: true; page: ThreadPageResponse }
  /** `error` is the server's `{ code, message }`, or null when the server could not be reached. */
  | { ok: false; status: number; error: ParleyError | null };

export interface ThreadPageRequest {
  server: string;
  site?: string | undefined;
  thread: string;
  sort: Sort;
  pageSize?: number | undefined;
}

export function threadPageUrl({ server, site, thread, sort, pageSize }: ThreadPageRequest): string {
  const query = new URLSearchParams({ ...(site && { site }), thread, sort, ...(pageSize && { pageSize: String(pageSize) }) });
  return `${server.replace(/\/+$/, '')}${THREAD_PAGE_PATH}?${query.toString()}`;
}

export async function fetchThreadPage(request: ThreadPageRequest, signal?: AbortSignal): Promise<ThreadPageOutcome> {
  let response: Response;
  try {
    response = await fetch(threadPageUrl(request), { credentials: 'omit', ...(signal && { signal }) });
  } catch {
    return { ok: false, status: 0, error: null };
  }
  try {
    const body = (await response.json()) as unknown;
    if (response.ok) return { ok: true, page: body as ThreadPageResponse };
    const error = body as Partial<ParleyError>;
    const known = typeof error.code === 'string' && typeof error.message === 'string';
    return { ok: false, status: response.status, error: known ? (error as ParleyError) : null };
  } catch {
    return { ok: false, status: response.status, error: null };
  }
}
