/**
 * <parley-console>: the moderators' console. Queues (held, flagged, recent, reported readers,
 * restricted readers), a thread view, a reader view, the audit log and the site's settings; every
 * action from the keyboard (j/k move, x select, a approve/keep, r reject, h hide, d delete,
 * b ban the author, Enter open the thread, u open the reader, ? help) and in batches. New items
 * arrive live over /admin/api/stream.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { Api, ApiError, type Action, type Item, type Session } from './api.js';
import { authorOf, isComment, keyOf } from './format.js';
import type { BanDialog, ConsoleHost, Decision } from './host.js';
import { QUEUES, viewOf, type Counts, type View } from './routes.js';
import { styles } from './styles.js';
import { renderBanDialog, renderHelp, renderSignIn } from './views/dialogs.js';
import { renderLog } from './views/log.js';
import { renderNav } from './views/nav.js';
import { readPolicy } from './views/policy.js';
import { renderQueue } from './views/queue.js';
import { renderSettings } from './views/settings.js';
import { renderReader, renderThread } from './views/thread.js';

export class ParleyConsole extends LitElement implements ConsoleHost {
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
  dialog: BanDialog | null = null;
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
    this.view = viewOf(location.hash);
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

  async run(actions: Action[], done: string): Promise<void> {
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

  decide(kind: Decision): void {
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

  askBan(): void {
    const items = this.targets();
    if (items.length === 0) return;
    this.dialog = { title: items.length === 1 ? `Restrict ${authorOf(items[0]!).name}` : `Restrict ${items.length} readers`, items, ban: true };
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLSelectElement>('#ban-kind')?.focus());
  }

  confirmBan(event: Event): void {
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

  unban(userId: string): void {
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

  toggle(item: Item): void {
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

  async signOut(everywhere = false): Promise<void> {
    await (everywhere ? this.api.revokeSessions() : this.api.signOut()).catch(() => undefined);
    this.stream?.close();
    this.session = { signedIn: false, sites: this.session?.sites ?? [] };
    this.items = [];
  }


  // ── the console ─────────────────────────────────────────────────────────────────────────

  /** A token handed over in the URL (the demo's /demo/moderate): put in the box once, then gone from the address bar. */
  private readonly offeredToken = new URLSearchParams(location.search).get('token') ?? '';

  protected override firstUpdated(): void {
    if (this.offeredToken) history.replaceState(null, '', location.pathname + location.hash);
  }

  override render(): TemplateResult {
    if (!this.session) return html`<main class="signin" id="main"><p class="muted">Loading…</p></main>`;
    if (!this.session.signedIn) return renderSignIn(this.session.sites ?? [], this.offeredToken, this.error, (event) => this.submitSignIn(event));
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
        ${renderNav(this.view, this.counts)}
        <main id="main" class="content" tabindex="-1">
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing} ${this.renderView()}
        </main>
      </div>
      ${this.help ? renderHelp(this) : nothing} ${this.dialog ? renderBanDialog(this) : nothing}
      <div class="toast" role="status" aria-live="polite">${this.toast ?? ''}</div>
    `;
  }


  async saveThread(event: Event, id: string): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const gates: Record<string, number> = {};
    for (const [name, value] of data.entries()) if (name.startsWith('gate-') && value !== '') gates[name.slice(5)] = Number(value);
    try {
      await this.api.saveThread(id, { premoderation: readPolicy(data, true), gates, ...(data.get('publish') === 'on' && { publish: true }) });
      this.notify('Thread settings saved');
      await this.load(true);
    } catch (error) {
      this.fail(error);
    }
  }

  async saveSettings(event: Event): Promise<void> {
    event.preventDefault();
    try {
      await this.api.saveSettings(readPolicy(new FormData(event.target as HTMLFormElement)));
      this.notify('Site settings saved');
      await this.load(true);
    } catch (error) {
      this.fail(error);
    }
  }

  private renderView(): TemplateResult {
    const view = this.view;
    if (view.name === 'log') return renderLog(this);
    if (view.name === 'settings') return renderSettings(this);
    if (view.name === 'thread') return renderThread(this);
    if (view.name === 'reader') return renderReader(this);
    return renderQueue(this, view.queue);
  }
}

customElements.define('parley-console', ParleyConsole);
