/**
 * `<parley-count thread="…" site="…">` — a thread's comment count for listing pages (SPEC COUNT-*).
 *
 * Every element on the page is served by ONE request per Parley server and site (`GET /counts`,
 * up to 100 thread ids a request): elements connected in the same task are gathered, then asked
 * for together. The element is a plain custom element with no dependency — it never loads the
 * thread widget (Lit, Socket.IO) — so a listing page pays a couple of kilobytes.
 *
 * Attributes: `thread` (required), `site` (optional when the server hosts one site or one site
 * allows the page), `server` (default: where this script came from), `live` (refresh the counts:
 * bare = every 30 s, `live="10"` = every 10 s, at least 5; paused while the page is hidden — one
 * request for all live elements of a server and site), `lang` (number format; default the page's).
 *
 * Renders the number as text. State for CSS in `data-state`: `loading`, `ready`, `unknown` (no such
 * thread: shows nothing), `error` (server unreachable or refused: shows nothing, warns once in the
 * console with the server's message). Fires `parley-count` ({ thread, comments }) when a count
 * arrives or changes.
 *
 * @event parley-count - a count arrived or changed; `detail: { thread, comments }`
 * @cssproperty - none: it is inline text, styled by the page
 */

/** Where this script was served from: the Parley server unless `server` says otherwise. */
const SCRIPT_ORIGIN = ((): string => {
  try {
    const origin = new URL(import.meta.url).origin;
    return origin === 'null' ? (globalThis.location?.origin ?? '') : origin;
  } catch {
    return globalThis.location?.origin ?? '';
  }
})();

/** The server's limit per request (packages/server/src/transport/counts-route.ts). */
const MAX_PER_REQUEST = 100;
const DEFAULT_LIVE_S = 30;
const MIN_LIVE_S = 5;

export interface CountAnswer {
  site: string;
  threads: Record<string, { comments: number; plus: number; minus: number }>;
  unknown: string[];
}

export class ParleyCountEvent extends Event {
  constructor(readonly detail: { thread: string; comments: number }) {
    super('parley-count', { bubbles: true, composed: true });
  }
}

/** All elements of one server and site: asked for together, refreshed together. */
class CountGroup {
  readonly elements = new Set<ParleyCount>();
  private scheduled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private warned = false;
  private known = new Map<string, number | null>();

  constructor(
    private readonly server: string,
    private readonly site: string | null,
  ) {}

  add(element: ParleyCount): void {
    this.elements.add(element);
    const known = this.known.get(element.thread);
    if (known !== undefined) element.show(known);
    else this.schedule();
  }

  remove(element: ParleyCount): void {
    this.elements.delete(element);
    if (this.elements.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Gathers every element connected in this task into one request. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      void this.fetchAll(false);
    }, 0);
  }

  private liveSeconds(): number | null {
    let seconds: number | null = null;
    for (const element of this.elements) {
      const live = element.liveSeconds;
      if (live !== null) seconds = Math.min(seconds ?? live, live);
    }
    return seconds;
  }

  private async fetchAll(revalidate: boolean): Promise<void> {
    const threads = [...new Set([...this.elements].map((e) => e.thread).filter((t) => t !== ''))];
    for (let i = 0; i < threads.length; i += MAX_PER_REQUEST) await this.fetchSome(threads.slice(i, i + MAX_PER_REQUEST), revalidate);
    this.planRefresh();
  }

  private async fetchSome(threads: string[], revalidate: boolean): Promise<void> {
    const url = new URL('/counts', this.server);
    if (this.site) url.searchParams.set('site', this.site);
    url.searchParams.set('threads', threads.join(','));
    try {
      // `no-cache` revalidates with the ETag (a 304 costs a few bytes); the first load may use the cache.
      const res = await fetch(url, { credentials: 'omit', cache: revalidate ? 'no-cache' : 'default' });
      const body = (await res.json()) as CountAnswer & { error?: string; message?: string };
      if (!res.ok) throw new Error(`${body.error ?? res.status}: ${body.message ?? ''}`);
      for (const thread of threads) this.known.set(thread, body.threads[thread]?.comments ?? null);
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        console.warn(`<parley-count>: could not load counts from ${this.server} (${(error as Error).message}). Check the server attribute and the site's "origins".`);
      }
      for (const element of this.elements) if (threads.includes(element.thread)) element.fail();
      return;
    }
    for (const element of this.elements) {
      const count = this.known.get(element.thread);
      if (count !== undefined) element.show(count);
    }
  }

  private planRefresh(): void {
    const seconds = this.liveSeconds();
    if (this.timer || seconds === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (document.hidden) {
        document.addEventListener('visibilitychange', () => void this.fetchAll(true), { once: true });
        return;
      }
      void this.fetchAll(true);
    }, seconds * 1000);
  }
}

const groups = new Map<string, CountGroup>();

function groupOf(server: string, site: string | null): CountGroup {
  const key = `${server}\n${site ?? ''}`;
  let group = groups.get(key);
  if (!group) groups.set(key, (group = new CountGroup(server, site)));
  return group;
}

export class ParleyCount extends HTMLElement {
  static observedAttributes = ['thread', 'site', 'server'];
  private group: CountGroup | null = null;
  private shown: number | null | undefined;

  get thread(): string {
    return this.getAttribute('thread') ?? '';
  }

  /** Seconds between refreshes, or null when not live. */
  get liveSeconds(): number | null {
    if (!this.hasAttribute('live')) return null;
    const value = Number(this.getAttribute('live') || DEFAULT_LIVE_S);
    return Number.isFinite(value) ? Math.max(MIN_LIVE_S, value) : DEFAULT_LIVE_S;
  }

  connectedCallback(): void {
    if (!this.thread) {
      console.warn('<parley-count> needs a thread attribute, e.g. <parley-count thread="news/2025/article-1">.');
      return;
    }
    if (this.shown === undefined) this.dataset.state = 'loading';
    const server = this.getAttribute('server') || SCRIPT_ORIGIN;
    this.group = groupOf(new URL(server, globalThis.location?.href).origin, this.getAttribute('site'));
    this.group.add(this);
  }

  disconnectedCallback(): void {
    this.group?.remove(this);
    this.group = null;
  }

  attributeChangedCallback(_name: string, before: string | null, after: string | null): void {
    if (before === after || !this.isConnected) return;
    this.disconnectedCallback();
    this.shown = undefined;
    this.connectedCallback();
  }

  /** @internal The group's answer: a count, or null for a thread the server does not know. */
  show(count: number | null): void {
    if (count === this.shown) return;
    this.shown = count;
    if (count === null) {
      this.dataset.state = 'unknown';
      this.textContent = '';
      return;
    }
    this.dataset.state = 'ready';
    const lang = this.closest('[lang]')?.getAttribute('lang') || undefined;
    try {
      this.textContent = new Intl.NumberFormat(lang).format(count);
    } catch {
      this.textContent = String(count);
    }
    this.dispatchEvent(new ParleyCountEvent({ thread: this.thread, comments: count }));
  }

  /** @internal The server could not be asked. */
  fail(): void {
    if (this.shown !== undefined) return;
    this.dataset.state = 'error';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-count': ParleyCount;
  }
  interface GlobalEventHandlersEventMap {
    'parley-count': ParleyCountEvent;
  }
}
