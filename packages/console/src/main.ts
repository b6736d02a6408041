/**
 * <parley-console>: the moderators' console. Queues (held, flagged, recent, reported readers,
 * restricted readers), a thread view, a reader view, the audit log and the site's settings; every
 * action from the keyboard (j/k move, x select, a approve/keep, r reject, h hide, d delete,
 * b ban the author, Enter open the thread, u open the reader, ? help) and in batches. New items
 * arrive live over /admin/api/stream.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { Api, ApiError, type Action, type Ban, type CommentItem, type HeldItem, type Item, type LogEntry, type Policy, type ReaderItem, type Session } from './api.js';
import { styles } from './styles.js';

type View =
  | { name: 'queue'; queue: QueueName }
  | { name: 'thread'; id: string }
  | { name: 'reader'; id: string }
  | { name: 'log' }
  | { name: 'settings' };
type QueueName = 'held' | 'flagged' | 'recent' | 'readers' | 'bans';
/** Items per queue (`recent` has none: it is every comment). */
type Counts = Partial<Record<QueueName, number>>;

const QUEUES: { id: QueueName; label: string; hint: string }[] = [
  { id: 'held', label: 'Held for review', hint: 'Comments pre-moderation keeps aside until you decide' },
  { id: 'flagged', label: 'Flagged', hint: 'Published comments readers reported' },
  { id: 'recent', label: 'Recent', hint: 'The newest comments of the site' },
  { id: 'readers', label: 'Reported readers', hint: 'Readers whose comments collect flags' },
  { id: 'bans', label: 'Restricted', hint: 'Banned, suspended and muted readers' },
];

const when = (at: number): string => {
  const seconds = Math.round((Date.now() - at) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
};
const fullTime = (at: number): string => new Date(at).toLocaleString();
/** "pre-moderation: below LVL 14, links" / "gates: comment 20" for the log. */
function describeSettings(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  const policy = detail.premoderation as Policy | null | undefined;
  if (policy === null) parts.push('pre-moderation: removed');
  else if (policy) {
    const on = [policy.all && 'every comment', policy.belowLevel !== undefined && `below LVL ${policy.belowLevel}`, policy.firstComments && `first ${policy.firstComments}`, policy.links && 'links'].filter(Boolean);
    parts.push(`pre-moderation: ${on.length ? on.join(', ') : 'off'}`);
  }
  const gates = detail.gates as Record<string, number> | undefined;
  if (gates && Object.keys(gates).length) parts.push(`gates: ${Object.entries(gates).map(([a, l]) => `${a} ${l}`).join(', ')}`);
  if (detail.publish) parts.push('published');
  return parts.join(' · ');
}
const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('') || '?';
const keyOf = (item: Item): string => (item.kind === 'reader' ? `r:${item.userId}` : `c:${item.id}`);
const isComment = (item: Item | undefined): item is HeldItem | CommentItem => item?.kind === 'held' || item?.kind === 'comment';
const authorOf = (item: Item): { id: string; name: string } => (item.kind === 'reader' ? { id: item.userId, name: item.name } : item.author);

export class ParleyConsole extends LitElement {
  static override styles = styles;

  static override properties = {
    session: { state: true },
    view: { state: true },
    items: { state: true },
    cursor: { state: true },
    selected: { state: true },
    loading: { state: true },
    error: { state: true },
    toast: { state: true },
    counts: { state: true },
    detail: { state: true },
    help: { state: true },
    dialog: { state: true },
  };

  private readonly api = new Api();
  session: Session | null = null;
  view: View = { name: 'queue', queue: 'held' };
  items: Item[] = [];
  cursor = 0;
  selected = new Set<string>();
  loading = false;
  error: string | null = null;
  toast: string | null = null;
  counts: Counts = {};
  detail: unknown = null;
  help = false;
  dialog: { title: string; items: Item[]; ban: boolean } | null = null;
  private stream: EventSource | null = null;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey);
    window.addEventListener('hashchange', this.onHash);
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
    window.removeEventListener('hashchange', this.onHash);
    this.stream?.close();
  }

  private async start(): Promise<void> {
    try {
      this.session = await this.api.session();
      if (this.session.signedIn) this.signedIn();
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private signedIn(): void {
    this.api.csrf = this.session?.csrf ?? '';
    this.onHash();
    this.openStream();
    void this.refreshCounts();
  }

  private openStream(): void {
    this.stream?.close();
    const stream = new EventSource('/admin/api/stream');
    const refresh = (message: string) => () => {
      this.notify(message);
      if (this.view.name === 'queue' || this.view.name === 'thread') void this.load(true);
    };
    stream.addEventListener('counts', (event) => {
      try {
        this.counts = JSON.parse((event as MessageEvent<string>).data) as Counts;
      } catch {
        // a malformed frame changes nothing
      }
    });
    stream.addEventListener('comment.held', refresh('A new comment is waiting for review'));
    stream.addEventListener('comment.flagged', refresh('A comment was flagged'));
    stream.addEventListener('comment.created', () => {
      if (this.view.name === 'queue' && this.view.queue === 'recent') void this.load(true);
    });
    for (const name of ['comment.approved', 'comment.rejected', 'comment.moderated', 'reader.banned', 'reader.unbanned']) {
      stream.addEventListener(name, () => {
        void this.load(true);
      });
    }
    this.stream = stream;
  }

  private onHash = (): void => {
    const [name = '', raw = ''] = location.hash.replace(/^#\/?/, '').split('/');
    const arg = decodeURIComponent(raw);
    if (name === 'thread' && arg) this.view = { name: 'thread', id: arg };
    else if (name === 'reader' && arg) this.view = { name: 'reader', id: arg };
    else if (name === 'log') this.view = { name: 'log' };
    else if (name === 'settings') this.view = { name: 'settings' };
    else this.view = { name: 'queue', queue: QUEUES.some((q) => q.id === name) ? (name as QueueName) : 'held' };
    this.cursor = 0;
    this.selected = new Set();
    void this.load();
  };

  private go(hash: string): void {
    location.hash = hash;
  }

  /** The queue counts (SPEC CON-7): at sign-in and after an action; the stream keeps them live. */
  private async refreshCounts(): Promise<void> {
    try {
      this.counts = await this.api.counts();
    } catch {
      // counts are a convenience; the queue itself reports errors
    }
  }

  /** Each load's turn: a load that an event started later may answer first; only the latest is shown. */
  private loadTurn = 0;

  private async load(quiet = false): Promise<void> {
    if (!this.session?.signedIn) return;
    const view = this.view;
    const turn = ++this.loadTurn;
    const stale = (): boolean => this.view !== view || turn !== this.loadTurn;
    if (!quiet) this.loading = true;
    this.error = null;
    try {
      if (view.name === 'queue') {
        const { items } = await this.api.queue(view.queue);
        if (stale()) return;
        const current = this.items[this.cursor];
        this.items = items;
        const kept = current ? items.findIndex((item) => keyOf(item) === keyOf(current)) : -1;
        this.cursor = Math.min(kept >= 0 ? kept : this.cursor, Math.max(0, items.length - 1));
        const keys = new Set(items.map(keyOf));
        this.selected = new Set([...this.selected].filter((key) => keys.has(key)));
      } else if (view.name === 'thread') {
        const data = await this.api.thread(view.id);
        if (stale()) return;
        this.detail = data;
        this.items = [...data.held, ...data.comments];
      } else if (view.name === 'reader') {
        const data = await this.api.reader(view.id);
        if (stale()) return;
        this.detail = data;
        this.items = data.comments;
      } else if (view.name === 'log') {
        const log = await this.api.log();
        if (stale()) return;
        this.detail = log;
        this.items = [];
      } else {
        const detail = { settings: await this.api.settings(), threads: (await this.api.threads()).threads };
        if (stale()) return;
        this.detail = detail;
        this.items = [];
      }
    } catch (error) {
      this.fail(error);
    } finally {
      if (turn === this.loadTurn) this.loading = false;
    }
  }

  private fail(error: unknown): void {
    if (error instanceof ApiError && error.status === 401) {
      this.session = { signedIn: false, sites: this.session?.sites ?? [] };
      this.stream?.close();
    }
    this.error = (error as Error).message;
  }

  private notify(message: string): void {
    this.toast = message;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast = null), 4000);
  }

  // ── actions ─────────────────────────────────────────────────────────────────────────────

  private targets(): Item[] {
    if (this.selected.size > 0) return this.items.filter((item) => this.selected.has(keyOf(item)));
    const item = this.items[this.cursor];
    return item ? [item] : [];
  }

  private async run(actions: Action[], done: string): Promise<void> {
    if (actions.length === 0) return;
    try {
      const { results } = await this.api.act(actions);
      const failed = results.filter((r): r is Extract<typeof r, { ok: false }> => !r.ok);
      this.notify(failed.length === 0 ? done : `${results.length - failed.length} done, ${failed.length} refused: ${failed[0]?.error.message ?? ''}`);
      this.selected = new Set();
      await this.load(true);
      void this.refreshCounts();
    } catch (error) {
      this.fail(error);
    }
  }

  private decide(kind: 'approve' | 'reject' | 'hide' | 'delete' | 'keep' | 'unhide'): void {
    const actions: Action[] = [];
    for (const item of this.targets()) {
      if (item.kind === 'held') {
        if (kind === 'approve' || kind === 'reject') actions.push({ action: kind, commentId: item.id });
        else if (kind === 'delete' || kind === 'hide') actions.push({ action: 'reject', commentId: item.id });
      } else if (item.kind === 'comment' && item.deletedAt === null) {
        if (kind === 'approve' || kind === 'keep') actions.push({ action: 'keep', thread: item.thread, commentId: item.id });
        else if (kind === 'reject' || kind === 'hide') actions.push({ action: item.hiddenAt ? 'unhide' : 'hide', thread: item.thread, commentId: item.id });
        else if (kind === 'unhide') actions.push({ action: 'unhide', thread: item.thread, commentId: item.id });
        else actions.push({ action: 'delete', thread: item.thread, commentId: item.id });
      }
    }
    const words: Record<string, string> = { approve: 'Approved', reject: 'Rejected', hide: 'Hidden', delete: 'Deleted', keep: 'Kept', unhide: 'Shown again' };
    void this.run(actions, `${words[kind]}: ${actions.length} item${actions.length === 1 ? '' : 's'}`);
  }

  private askBan(): void {
    const items = this.targets();
    if (items.length === 0) return;
    this.dialog = { title: items.length === 1 ? `Restrict ${authorOf(items[0]!).name}` : `Restrict ${items.length} readers`, items, ban: true };
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLSelectElement>('#ban-kind')?.focus());
  }

  private confirmBan(event: Event): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const kind = String(data.get('kind')) as 'ban' | 'suspend' | 'mute';
    const hours = Number(data.get('hours')) || 24;
    const reason = String(data.get('reason') ?? '').trim() || null;
    const users = [...new Set((this.dialog?.items ?? []).map((item) => authorOf(item).id))];
    this.dialog = null;
    void this.run(
      users.map((userId) => ({ action: 'ban', userId, kind, durationMs: kind === 'suspend' ? hours * 3_600_000 : null, reason })),
      `${kind === 'ban' ? 'Banned' : kind === 'suspend' ? 'Suspended' : 'Muted'}: ${users.length} reader${users.length === 1 ? '' : 's'}`,
    );
  }

  private unban(userId: string): void {
    void this.run([{ action: 'unban', userId }], 'Restriction lifted');
  }

  private onKey = (event: KeyboardEvent): void => {
    if (!this.session?.signedIn || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.composedPath()[0] as HTMLElement | undefined;
    if (target && (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.isContentEditable)) return;
    if (event.key === 'Escape') {
      this.dialog = null;
      this.help = false;
      return;
    }
    if (this.dialog) return;
    const item = this.items[this.cursor];
    const handled = (() => {
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          this.move(1);
          return true;
        case 'k':
        case 'ArrowUp':
          this.move(-1);
          return true;
        case 'x':
          if (item) this.toggle(item);
          return true;
        case 'A':
          this.selected = new Set(this.items.map(keyOf));
          return true;
        case 'a':
          this.decide('approve');
          return true;
        case 'r':
          this.decide('reject');
          return true;
        case 'h':
          this.decide('hide');
          return true;
        case 'd':
          this.decide('delete');
          return true;
        case 'b':
          this.askBan();
          return true;
        case 'Enter':
        case 'o':
          if (isComment(item)) this.go(`#thread/${encodeURIComponent(item.thread)}`);
          return true;
        case 'u':
          if (item) this.go(`#reader/${encodeURIComponent(authorOf(item).id)}`);
          return true;
        case '?':
          this.help = !this.help;
          return true;
        case 'g':
          this.go('#held');
          return true;
        default:
          if (/^[1-5]$/.test(event.key)) {
            this.go(`#${QUEUES[Number(event.key) - 1]!.id}`);
            return true;
          }
          return false;
      }
    })();
    if (handled) event.preventDefault();
  };

  private move(by: number): void {
    if (this.items.length === 0) return;
    this.cursor = Math.min(this.items.length - 1, Math.max(0, this.cursor + by));
    void this.updateComplete.then(() => this.renderRoot.querySelector(`[data-index="${this.cursor}"]`)?.scrollIntoView({ block: 'nearest' }));
  }

  private toggle(item: Item): void {
    const key = keyOf(item);
    const next = new Set(this.selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    this.selected = next;
  }

  // ── sign-in ─────────────────────────────────────────────────────────────────────────────

  private async submitSignIn(event: Event): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    try {
      this.error = null;
      this.session = await this.api.signIn(String(data.get('site') ?? '') || undefined, String(data.get('credential') ?? ''));
      this.signedIn();
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private async signOut(everywhere = false): Promise<void> {
    await (everywhere ? this.api.revokeSessions() : this.api.signOut()).catch(() => undefined);
    this.stream?.close();
    this.session = { signedIn: false, sites: this.session?.sites ?? [] };
    this.items = [];
  }

  private renderSignIn(): TemplateResult {
    const sites = this.session?.sites ?? [];
    const fromUrl = this.offeredToken;
    return html`<main class="signin" id="main">
      <form class="card signin-card" @submit=${(e: Event) => void this.submitSignIn(e)}>
        <div class="brand"><span class="logo" aria-hidden="true">P</span> Parley <span class="brand-sub">Moderation</span></div>
        <h1>Sign in to moderate</h1>
        <p class="muted">Paste a moderator or admin token of your site, or the site's admin key. The console keeps a session cookie, never the token.</p>
        ${sites.length > 1
          ? html`<label for="site">Site</label><select id="site" name="site">${sites.map((s) => html`<option value=${s}>${s}</option>`)}</select>`
          : html`<input type="hidden" name="site" value=${sites[0] ?? ''} />`}
        <label for="credential">Token or admin key</label>
        <textarea id="credential" name="credential" rows="4" required autocomplete="off" spellcheck="false" .value=${fromUrl}></textarea>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <button class="primary" type="submit">Sign in</button>
      </form>
    </main>`;
  }

  // ── the console ─────────────────────────────────────────────────────────────────────────

  /** A token handed over in the URL (the demo's /demo/moderate): put in the box once, then gone from the address bar. */
  private readonly offeredToken = new URLSearchParams(location.search).get('token') ?? '';

  protected override firstUpdated(): void {
    if (this.offeredToken) history.replaceState(null, '', location.pathname + location.hash);
  }

  override render(): TemplateResult {
    if (!this.session) return html`<main class="signin" id="main"><p class="muted">Loading…</p></main>`;
    if (!this.session.signedIn) return this.renderSignIn();
    const moderator = this.session.moderator;
    return html`
      <a class="skip" href="#main">Skip to the queue</a>
      <header class="top">
        <div class="brand"><span class="logo" aria-hidden="true">P</span> Parley <span class="brand-sub">Moderation</span></div>
        <span class="site-pill" title="Site">${this.session.site}</span>
        <span class="spacer"></span>
        <button class="ghost" @click=${() => (this.help = !this.help)} aria-expanded=${this.help ? 'true' : 'false'}>Shortcuts <kbd>?</kbd></button>
        <span class="who">${moderator?.name} <span class="role">${moderator?.role}</span></span>
        <button class="ghost" @click=${() => void this.signOut()}>Sign out</button>
      </header>
      <div class="layout">
        <nav class="side" aria-label="Queues">
          <ul>
            ${QUEUES.map(
              (q, i) => {
                const count = this.counts[q.id];
                return html`<li>
                  <a href="#${q.id}" title=${q.hint} aria-keyshortcuts=${String(i + 1)} aria-current=${this.view.name === 'queue' && this.view.queue === q.id ? 'page' : 'false'}
                    ><span class="label">${q.label}</span
                    ><span class="meta"
                      >${count === undefined ? nothing : html`<span class="count${count === 0 ? ' zero' : ''}" data-queue=${q.id}>${count}<span class="visually-hidden"> ${count === 1 ? 'item' : 'items'}</span></span>`}<kbd
                        class="key"
                        title="Shortcut: press ${i + 1}"
                        aria-hidden="true"
                        >${i + 1}</kbd
                      ></span
                    ></a
                  >
                </li>`;
              },
            )}
            <li class="sep"></li>
            <li><a href="#log" aria-current=${this.view.name === 'log' ? 'page' : 'false'}>Audit log</a></li>
            <li><a href="#settings" aria-current=${this.view.name === 'settings' ? 'page' : 'false'}>Settings &amp; threads</a></li>
          </ul>
        </nav>
        <main id="main" class="content" tabindex="-1">
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing} ${this.renderView()}
        </main>
      </div>
      ${this.help ? this.renderHelp() : nothing} ${this.dialog ? this.renderBanDialog() : nothing}
      <div class="toast" role="status" aria-live="polite">${this.toast ?? ''}</div>
    `;
  }

  private renderView(): TemplateResult {
    const view = this.view;
    if (view.name === 'log') return this.renderLog();
    if (view.name === 'settings') return this.renderSettings();
    if (view.name === 'thread') return this.renderThread();
    if (view.name === 'reader') return this.renderReader();
    const queue = QUEUES.find((q) => q.id === view.queue)!;
    return html`<div class="head">
        <div>
          <h1>${queue.label}</h1>
          <p class="muted">${queue.hint}</p>
        </div>
        ${this.renderToolbar()}
      </div>
      ${this.renderList()}`;
  }

  private renderToolbar(): TemplateResult {
    const n = this.selected.size;
    const held = this.view.name === 'queue' && this.view.queue === 'held';
    const readers = this.view.name === 'queue' && (this.view.queue === 'readers' || this.view.queue === 'bans');
    if (readers) return html``;
    return html`<div class="toolbar" role="toolbar" aria-label="Actions on ${n > 0 ? `${n} selected` : 'the current item'}">
      <span class="muted small">${n > 0 ? `${n} selected` : 'Current item'}</span>
      <button class="ok" @click=${() => this.decide('approve')}>${held ? 'Approve' : 'Keep'} <kbd>a</kbd></button>
      <button class="warn" @click=${() => this.decide('reject')}>${held ? 'Reject' : 'Hide'} <kbd>${held ? 'r' : 'h'}</kbd></button>
      ${held ? nothing : html`<button class="danger" @click=${() => this.decide('delete')}>Delete <kbd>d</kbd></button>`}
      <button class="danger" @click=${() => this.askBan()}>Ban author <kbd>b</kbd></button>
    </div>`;
  }

  private renderList(): TemplateResult {
    if (this.loading && this.items.length === 0) return html`<p class="empty">Loading…</p>`;
    if (this.items.length === 0) return html`<div class="empty"><p class="big">All clear</p><p class="muted">Nothing waits here. New items arrive on their own.</p></div>`;
    return html`<ul class="list" aria-label="Items">
      ${this.items.map((item, i) => this.renderItem(item, i))}
    </ul>`;
  }

  private renderItem(item: Item, index: number): TemplateResult {
    const key = keyOf(item);
    const current = index === this.cursor;
    const checked = this.selected.has(key);
    const depth = item.kind === 'comment' ? item.depth : item.kind === 'held' && item.parentId ? 1 : 0;
    const cls = `item ${current ? 'current' : ''} ${checked ? 'checked' : ''} ${this.view.name === 'thread' ? `depth-${Math.min(depth, 2)}` : ''}`;
    const pick = () => (this.cursor = index);
    if (item.kind === 'reader') {
      const reader = item;
      const ban: Ban | null = reader.ban;
      const name = reader.name;
      return html`<li class=${cls} data-index=${index} @click=${pick} aria-current=${current ? 'true' : 'false'}>
        <div class="avatar" aria-hidden="true">${initials(name)}</div>
        <div class="body">
          <div class="meta">
            <a class="name" href="#reader/${encodeURIComponent(item.userId)}">${name}</a>
            <span class="muted">${item.userId}</span>
            ${ban ? html`<span class="badge danger">${ban.kind}${ban.until ? ` until ${fullTime(ban.until)}` : ''}</span>` : nothing}
          </div>
          ${reader.flags > 0 ? html`<p>${reader.flags} flag${reader.flags === 1 ? '' : 's'} on ${reader.flaggedComments} comment${reader.flaggedComments === 1 ? '' : 's'}</p>` : nothing}
          ${ban?.reason ? html`<p class="muted">Reason: ${ban.reason}</p>` : nothing}
        </div>
        <div class="actions">
          ${ban ? html`<button @click=${() => this.unban(item.userId)}>Lift</button>` : html`<button class="danger" @click=${() => this.askBan()}>Restrict</button>`}
        </div>
      </li>`;
    }
    const comment = item;
    const held = comment.kind === 'held';
    const hidden = comment.kind === 'comment' && comment.hiddenAt;
    const deleted = comment.kind === 'comment' && comment.deletedAt !== null;
    const text = comment.kind === 'comment' && hidden ? (comment.hiddenBody ?? '') : comment.body;
    return html`<li class=${cls} data-index=${index} @click=${pick} aria-current=${current ? 'true' : 'false'}>
      <input type="checkbox" class="check" aria-label="Select the comment by ${comment.author.name}" .checked=${checked} @click=${(e: Event) => e.stopPropagation()} @change=${() => this.toggle(item)} />
      <div class="avatar" aria-hidden="true">${initials(comment.author.name)}</div>
      <div class="body">
        <div class="meta">
          <a class="name" href="#reader/${encodeURIComponent(comment.author.id)}">${comment.author.name}</a>
          <span class="lvl">LVL ${comment.author.level}</span>
          <span class="muted" title=${fullTime(comment.createdAt)}>${when(comment.createdAt)}</span>
          ${this.view.name === 'thread' ? nothing : html`<span class="muted">in <a href="#thread/${encodeURIComponent(comment.thread)}">${comment.thread}</a></span>`}
          ${held ? html`<span class="badge warn">Awaiting review</span>` : nothing} ${hidden ? html`<span class="badge">Hidden</span>` : nothing}
          ${deleted ? html`<span class="badge">Deleted</span>` : nothing}
        </div>
        <p class="text ${deleted ? 'muted' : ''}">${deleted ? 'This comment was deleted.' : text}</p>
        ${held && comment.reasons.length ? html`<ul class="reasons" aria-label="Why it was held">${comment.reasons.map((r) => html`<li>${r}</li>`)}${comment.tags.map((t) => html`<li class="tag">${t}</li>`)}</ul>` : nothing}
        ${comment.kind === 'comment' && comment.flags > 0
          ? html`<ul class="reasons" aria-label="Flags">
              ${Object.entries(comment.flagReasons).map(([reason, n]) => html`<li class="flag">${reason} × ${n}</li>`)}
              ${comment.flagNotes.map((f) => html`<li class="note">“${f.note}”</li>`)}
            </ul>`
          : nothing}
      </div>
      <div class="actions">
        ${held
          ? html`<button class="ok" @click=${() => void this.run([{ action: 'approve', commentId: comment.id }], 'Approved')}>Approve</button>
              <button class="warn" @click=${() => void this.run([{ action: 'reject', commentId: comment.id }], 'Rejected')}>Reject</button>`
          : deleted
            ? nothing
            : html`${comment.kind === 'comment' && comment.flags > 0 ? html`<button class="ok" @click=${() => void this.run([{ action: 'keep', thread: comment.thread, commentId: comment.id }], 'Kept')}>Keep</button>` : nothing}
                <button class="warn" @click=${() => void this.run([{ action: hidden ? 'unhide' : 'hide', thread: comment.thread, commentId: comment.id }], hidden ? 'Shown again' : 'Hidden')}>${hidden ? 'Unhide' : 'Hide'}</button>
                <button class="danger" @click=${() => void this.run([{ action: 'delete', thread: comment.thread, commentId: comment.id }], 'Deleted')}>Delete</button>`}
      </div>
    </li>`;
  }

  private renderThread(): TemplateResult {
    const data = this.detail as Awaited<ReturnType<Api['thread']>> | null;
    if (!data || this.view.name !== 'thread') return html`<p class="empty">Loading…</p>`;
    const { thread, premoderation, gates } = data;
    return html`<div class="head">
        <div>
          <p class="crumb"><a href="#held">Queues</a> › Thread</p>
          <h1>${thread.title ?? thread.id}</h1>
          <p class="muted">${thread.id} · ${thread.commentCount} comments ${thread.url ? html`· <a href=${thread.url} target="_blank" rel="noopener">open the page</a>` : nothing}</p>
        </div>
        ${this.renderToolbar()}
      </div>
      <details class="card settings">
        <summary>Thread settings: pre-moderation and gates</summary>
        <form @submit=${(e: Event) => void this.saveThread(e, thread.id)}>
          ${this.policyFields(premoderation.thread ?? {}, 'thread')}
          <fieldset>
            <legend>Level gates of this thread (tightenings of the site's)</legend>
            <div class="grid">
              ${Object.entries(gates.siteGates).map(
                ([action, level]) => html`<label>${action}<input type="number" min="0" max="1000" name="gate-${action}" .value=${String(gates.recorded[action] ?? '')} placeholder=${String(level)} /></label>`,
              )}
            </div>
          </fieldset>
          <label class="inline"><input type="checkbox" name="publish" /> Publish the post (read-to-earn, author rewards)</label>
          <button class="primary" type="submit">Save thread settings</button>
        </form>
      </details>
      ${this.renderList()}`;
  }

  private renderReader(): TemplateResult {
    const data = this.detail as Awaited<ReturnType<Api['reader']>> | null;
    if (!data || this.view.name !== 'reader') return html`<p class="empty">Loading…</p>`;
    const name = data.comments[0]?.author.name ?? data.userId;
    return html`<div class="head">
        <div>
          <p class="crumb"><a href="#readers">Reported readers</a> › Reader</p>
          <h1>${name}</h1>
          <p class="muted">${data.userId} · ${data.comments.length} comment${data.comments.length === 1 ? '' : 's'} across threads</p>
          ${data.ban ? html`<p><span class="badge danger">${data.ban.kind}${data.ban.until ? ` until ${fullTime(data.ban.until)}` : ''}</span> ${data.ban.reason ?? ''} — by ${data.ban.byName}</p>` : nothing}
        </div>
        <div class="toolbar">
          ${data.ban
            ? html`<button @click=${() => this.unban(data.userId)}>Lift restriction</button>`
            : html`<button class="danger" @click=${() => {
                this.dialog = { title: `Restrict ${name}`, items: [{ kind: 'reader', userId: data.userId, name, flags: 0, flaggedComments: 0, ban: null } satisfies ReaderItem], ban: true };
              }}>Ban, suspend or mute</button>`}
        </div>
      </div>
      ${this.renderList()}
      <h2>Moderation history</h2>
      ${this.renderLogTable(data.log)}`;
  }

  private renderLog(): TemplateResult {
    const data = this.detail as { entries: LogEntry[] } | null;
    return html`<div class="head"><div><h1>Audit log</h1><p class="muted">Every moderator action: who, what, when, why.</p></div></div>
      ${data ? this.renderLogTable(data.entries) : html`<p class="empty">Loading…</p>`}`;
  }

  private renderLogTable(entries: LogEntry[]): TemplateResult {
    if (entries.length === 0) return html`<p class="empty muted">No moderator action yet.</p>`;
    return html`<div class="table-wrap"><table class="log">
      <caption class="visually-hidden">Moderator actions, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">On</th><th scope="col">Why</th></tr></thead>
      <tbody>
        ${entries.map(
          (e) => html`<tr>
            <td title=${fullTime(e.at)}>${when(e.at)}</td>
            <td>${e.actorName} <span class="role">${e.actorRole}</span></td>
            <td><span class="badge action-${e.action}">${e.action}</span></td>
            <td>
              ${e.thread ? html`<a href="#thread/${encodeURIComponent(e.thread)}">${e.thread}</a>` : nothing}
              ${e.userId ? html`<a href="#reader/${encodeURIComponent(e.userId)}">${e.userId}</a>` : nothing}
              ${e.action === 'settings' ? html`<span class="muted small">${describeSettings(e.detail)}</span>` : nothing}
            </td>
            <td>${e.reason ?? html`<span class="muted">—</span>`}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>`;
  }

  private policyFields(policy: Policy, scope: string): TemplateResult {
    return html`<fieldset>
      <legend>Pre-moderation: hold for review${scope === 'thread' ? ' (adds to the site\'s)' : ''}</legend>
      <label class="inline"><input type="checkbox" name="all" .checked=${policy.all ?? false} /> Every comment</label>
      <label class="inline"><input type="checkbox" name="links" .checked=${policy.links ?? false} /> Comments with links</label>
      <div class="grid">
        <label for="${scope}-below">Readers below LVL<input id="${scope}-below" type="number" min="0" max="1000" name="belowLevel" .value=${policy.belowLevel === undefined ? '' : String(policy.belowLevel)} /></label>
        <label for="${scope}-first">A new reader's first N comments<input id="${scope}-first" type="number" min="0" max="1000" name="firstComments" .value=${policy.firstComments === undefined ? '' : String(policy.firstComments)} /></label>
      </div>
    </fieldset>`;
  }

  /** A thread's policy only adds to the site's (`tightening`): unchecked means "as the site says". */
  private readPolicy(data: FormData, tightening = false): Policy {
    const number = (name: string): number | undefined => (String(data.get(name) ?? '') === '' ? undefined : Number(data.get(name)));
    const policy: Policy = {};
    for (const flag of ['all', 'links'] as const) if (data.get(flag) === 'on' || !tightening) policy[flag] = data.get(flag) === 'on';
    const below = number('belowLevel');
    const first = number('firstComments');
    if (below !== undefined) policy.belowLevel = below;
    if (first !== undefined) policy.firstComments = first;
    return policy;
  }

  private async saveThread(event: Event, id: string): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const gates: Record<string, number> = {};
    for (const [name, value] of data.entries()) if (name.startsWith('gate-') && value !== '') gates[name.slice(5)] = Number(value);
    try {
      await this.api.saveThread(id, { premoderation: this.readPolicy(data, true), gates, ...(data.get('publish') === 'on' && { publish: true }) });
      this.notify('Thread settings saved');
      await this.load(true);
    } catch (error) {
      this.fail(error);
    }
  }

  private renderSettings(): TemplateResult {
    const data = this.detail as { settings: Awaited<ReturnType<Api['settings']>>; threads: { id: string; title: string | null; commentCount: number }[] } | null;
    if (!data) return html`<p class="empty">Loading…</p>`;
    const { settings, threads } = data;
    return html`<div class="head"><div><h1>Settings &amp; threads</h1><p class="muted">Site ${settings.site}: what the config file says, and what you change here.</p></div></div>
      <section class="card">
        <h2>Pre-moderation for the whole site</h2>
        <form
          @submit=${async (e: Event) => {
            e.preventDefault();
            try {
              await this.api.saveSettings(this.readPolicy(new FormData(e.target as HTMLFormElement)));
              this.notify('Site settings saved');
              await this.load(true);
            } catch (error) {
              this.fail(error);
            }
          }}
        >
          ${this.policyFields(settings.premoderation.effective, 'site')}
          <p class="muted small">From the config file: ${JSON.stringify(settings.premoderation.config)}. A thread's own settings win over these.</p>
          <button class="primary" type="submit">Save site settings</button>
        </form>
      </section>
      <section class="card">
        <h2>Your console sessions</h2>
        <p class="muted small">Sign out revokes this session on every node. Signed in elsewhere too (another browser, a lost laptop)? End them all.</p>
        <button class="danger" id="sign-out-everywhere" @click=${() => void this.signOut(true)}>Sign out everywhere</button>
      </section>
      <section class="card">
        <h2>Site gates</h2>
        <p class="muted small">From the config file (minimum level per action): ${Object.entries(settings.gates).map(([a, l]) => `${a} ${l}`).join(' · ')}. Tighten a thread's gates from its page below.</p>
      </section>
      <section class="card">
        <h2>Threads</h2>
        <ul class="threads">
          ${threads.map((t) => html`<li><a href="#thread/${encodeURIComponent(t.id)}">${t.title ?? t.id}</a> <span class="muted">${t.commentCount} comments</span></li>`)}
        </ul>
      </section>`;
  }

  private renderHelp(): TemplateResult {
    const keys: [string, string][] = [
      ['j / k', 'next / previous item'],
      ['x', 'select the item (batch)'],
      ['A', 'select every item'],
      ['a', 'approve (held) · keep (flagged)'],
      ['r', 'reject (held) · hide'],
      ['h', 'hide or show again'],
      ['d', 'delete'],
      ['b', 'ban, suspend or mute the author'],
      ['Enter', 'open the thread'],
      ['u', "open the author's history"],
      ['1 – 5', 'switch queue (the key beside each queue; the number before it is how many items it holds)'],
      ['Esc', 'close'],
    ];
    return html`<div class="overlay" @click=${() => (this.help = false)}>
      <section class="card dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" @click=${(e: Event) => e.stopPropagation()}>
        <h2 id="help-title">Keyboard shortcuts</h2>
        <dl class="keys">${keys.map(([k, v]) => html`<dt><kbd>${k}</kbd></dt><dd>${v}</dd>`)}</dl>
        <button class="primary" @click=${() => (this.help = false)}>Close</button>
      </section>
    </div>`;
  }

  private renderBanDialog(): TemplateResult {
    const dialog = this.dialog!;
    return html`<div class="overlay">
      <form class="card dialog" role="dialog" aria-modal="true" aria-labelledby="ban-title" @submit=${(e: Event) => this.confirmBan(e)}>
        <h2 id="ban-title">${dialog.title}</h2>
        <label for="ban-kind">Restriction</label>
        <select id="ban-kind" name="kind">
          <option value="ban">Ban from the site (until lifted)</option>
          <option value="suspend">Suspend for a while</option>
          <option value="mute">Shadow mute (they see their comments, nobody else does)</option>
        </select>
        <label for="ban-hours">Suspension, hours</label>
        <input id="ban-hours" name="hours" type="number" min="1" max="8760" value="24" />
        <label for="ban-reason">Reason (shown to the reader for a ban or suspension, kept in the log)</label>
        <input id="ban-reason" name="reason" maxlength="500" />
        <div class="row">
          <button type="button" class="ghost" @click=${() => (this.dialog = null)}>Cancel</button>
          <button class="danger" type="submit">Restrict</button>
        </div>
      </form>
    </div>`;
  }
}

customElements.define('parley-console', ParleyConsole);
