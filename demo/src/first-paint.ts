/**
 * Measures the widget's first paint in a real Chromium page, as a reader's browser sees it
 * (SPEC PAINT-10): Parley's JavaScript bytes on the wire before the first comment is shown, what a
 * reload moves, the layout shift (CLS, from `layout-shift` entries) and the time from
 * DOMContentLoaded to the first comment. Used by demo/e2e/first-paint.e2e.test.ts (which asserts the
 * byte and layout figures, never the timing) and demo/scripts/measure-first-paint.js (which prints).
 *
 * Bytes come from the DevTools protocol (`Network.loadingFinished.encodedDataLength`: headers and
 * compressed body as received; WebSocket frames by payload length), split into Parley's own traffic
 * (parley.js, chunks/, /api/, /socket.io/) and the host page's.
 */
import type { Page } from 'playwright-core';

export interface PaintFigures {
  /** Parley JavaScript bytes (headers + encoded body) whose response ended before the first comment showed. */
  jsBytesBeforeFirstComment: number;
  /** The Parley JavaScript files counted there. */
  jsFilesBeforeFirstComment: string[];
  /** Everything Parley moved (HTTP both ways as received, WebSocket frames) until the page settled. */
  parleyBytes: number;
  /** Of which WebSocket frames (sent and received). */
  webSocketBytes: number;
  /** The host page's own HTTP bytes (its HTML, CSS, scripts). */
  hostBytes: number;
  /** Sum of `layout-shift` values without recent input, over the whole load (Chromium's CLS before windowing, an upper bound). */
  cls: number;
  /** The shifts seen, largest first (for a report). */
  shifts: { value: number; at: number; sources: string[] }[];
  /** ms from DOMContentLoaded to the first comment in the widget (printed, never asserted). */
  commentsAfterDcl: number;
  /** HTTP status of every Parley request, by path (304s show the validators at work; a fetch() revalidated may show 200). */
  statuses: Record<string, number[]>;
  /** Bytes received for every Parley HTTP request, by path (a 304 is headers only). */
  bytesByPath: Record<string, number[]>;
}

interface Flight {
  url: string;
  type: string;
  status: number;
  /** Monotonic seconds (CDP timestamps). */
  end: number;
  bytes: number;
}

const parleyPath = (url: string): string | null => {
  const { pathname } = new URL(url);
  return pathname === '/parley.js' || pathname.startsWith('/chunks/') || pathname.startsWith('/api/') || pathname.startsWith('/socket.io/') ? pathname : null;
};

/** In the page before any script: CLS entries and the moment the first comment is in the widget's shadow DOM. */
const INIT_SCRIPT = `(() => {
  const w = window;
  w.__paint = { shifts: [], dcl: null, firstComment: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      w.__paint.shifts.push({ value: e.value, at: e.startTime, sources: (e.sources || []).map((s) => {
        const n = s.node; if (!n) return '?';
        return (n.nodeName || '') + (n.getAttribute && n.getAttribute('part') ? '[' + n.getAttribute('part') + ']' : '') + ' ' + JSON.stringify(s.previousRect) + '→' + JSON.stringify(s.currentRect);
      }) });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  document.addEventListener('DOMContentLoaded', () => { w.__paint.dcl = performance.now(); });
  const look = () => {
    const t = document.querySelector('parley-thread');
    const c = t && t.shadowRoot && t.shadowRoot.querySelector('[part~="comment"]');
    if (c && c.getBoundingClientRect().height > 0) { w.__paint.firstComment = performance.now(); return; }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();`;

interface InPage {
  shifts: { value: number; at: number; sources: string[] }[];
  dcl: number | null;
  firstComment: number | null;
}

/**
 * Loads `url` in `page` (or reloads it when `reload`), waits for the first comment and for the page
 * to settle (`settleMs` of quiet after the thread is live), and returns the figures.
 */
export async function measurePaint(page: Page, url: string, { reload = false, settleMs = 1500 } = {}): Promise<PaintFigures> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const requests = new Map<string, Flight>();
  const flights: Flight[] = [];
  let webSocketBytes = 0;
  cdp.on('Network.requestWillBeSent', (e) => requests.set(e.requestId, { url: e.request.url, type: e.type ?? '', status: 0, end: 0, bytes: 0 }));
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r && r.status === 0) r.status = e.response.status;
  });
  // The status as it came off the network: a fetch() revalidated by a 304 reports 200 in responseReceived.
  cdp.on('Network.responseReceivedExtraInfo', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.status = e.statusCode;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    // The request itself, not a copy: its status may still come (responseReceivedExtraInfo) after this.
    if (r) flights.push(Object.assign(r, { end: e.timestamp, bytes: e.encodedDataLength }));
  });
  cdp.on('Network.webSocketFrameReceived', (e) => (webSocketBytes += e.response.payloadData.length));
  cdp.on('Network.webSocketFrameSent', (e) => (webSocketBytes += e.response.payloadData.length));
  await page.addInitScript(INIT_SCRIPT);
  if (reload) await page.reload({ waitUntil: 'domcontentloaded' });
  else await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => (globalThis as unknown as { __paint: InPage }).__paint.firstComment !== null, undefined, { timeout: 15_000, polling: 'raf' });
  // Requests that ended before the first comment: compare on the page's clock via Resource Timing.
  const timing = await page.evaluate(() => {
    const w = globalThis as unknown as { __paint: InPage };
    const entries = (performance.getEntriesByType('resource') as unknown as { name: string; responseEnd: number }[]).map((e) => ({ name: e.name, end: e.responseEnd }));
    return { firstComment: w.__paint.firstComment!, entries };
  });
  const endedBefore = new Set(timing.entries.filter((e) => e.end > 0 && e.end <= timing.firstComment).map((e) => e.name));
  await page.locator('[part~="status"][data-status="connected"]').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(settleMs);
  const inPage = await page.evaluate(() => (globalThis as unknown as { __paint: InPage }).__paint);
  await cdp.detach();

  const statuses: Record<string, number[]> = {};
  const bytesByPath: Record<string, number[]> = {};
  let parleyBytes = webSocketBytes;
  let hostBytes = 0;
  let jsBytesBeforeFirstComment = 0;
  const jsFilesBeforeFirstComment: string[] = [];
  for (const flight of flights) {
    const path = parleyPath(flight.url);
    if (!path) {
      hostBytes += flight.bytes;
      continue;
    }
    parleyBytes += flight.bytes;
    (statuses[path] ??= []).push(flight.status);
    (bytesByPath[path] ??= []).push(flight.bytes);
    if (path.endsWith('.js') && endedBefore.has(flight.url)) {
      jsBytesBeforeFirstComment += flight.bytes;
      jsFilesBeforeFirstComment.push(path);
    }
  }
  const shifts = [...inPage.shifts].sort((a, b) => b.value - a.value);
  return {
    jsBytesBeforeFirstComment,
    jsFilesBeforeFirstComment,
    parleyBytes,
    webSocketBytes,
    hostBytes,
    cls: inPage.shifts.reduce((sum, s) => sum + s.value, 0),
    shifts,
    commentsAfterDcl: (inPage.firstComment ?? NaN) - (inPage.dcl ?? NaN),
    statuses,
    bytesByPath,
  };
}
