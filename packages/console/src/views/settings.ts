/** The settings page: the site's pre-moderation, the moderator's sessions, the site's gates and its threads. */
import { html, type TemplateResult } from 'lit';
import type { Api } from '../api.js';
import type { ConsoleHost } from '../host.js';
import { policyFields } from './policy.js';

export function renderSettings(host: ConsoleHost): TemplateResult {
  const data = host.detail as { settings: Awaited<ReturnType<Api['settings']>>; threads: { id: string; title: string | null; commentCount: number }[] } | null;
  if (!data) return html`<p class="empty">Loading…</p>`;
  const { settings, threads } = data;
  return html`<div class="head"><div><h1>Settings &amp; threads</h1><p class="muted">Site ${settings.site}: what the config file says, and what you change here.</p></div></div>
    <section class="card">
      <h2>Pre-moderation for the whole site</h2>
      <form @submit=${(e: Event) => void host.saveSettings(e)}>
        ${policyFields(settings.premoderation.effective, 'site')}
        <p class="muted small">From the config file: ${JSON.stringify(settings.premoderation.config)}. A thread's own settings win over these.</p>
        <button class="primary" type="submit">Save site settings</button>
      </form>
    </section>
    <section class="card">
      <h2>Your console sessions</h2>
      <p class="muted small">Sign out revokes this session on every node. Signed in elsewhere too (another browser, a lost laptop)? End them all.</p>
      <button class="danger" id="sign-out-everywhere" @click=${() => void host.signOut(true)}>Sign out everywhere</button>
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
