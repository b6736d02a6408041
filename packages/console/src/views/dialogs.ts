/** The sign-in page and the overlays: keyboard help and the ban dialog. */
import { html, nothing, type TemplateResult } from 'lit';
import type { ConsoleHost } from '../host.js';

/** The sign-in page: `fromUrl` is a token the URL handed over; `error` the last sign-in's. */
export function renderSignIn(sites: string[], fromUrl: string, error: string | null, submit: (event: Event) => Promise<void>): TemplateResult {
  return html`<main class="signin" id="main">
    <form class="card signin-card" @submit=${(e: Event) => void submit(e)}>
      <div class="brand"><span class="logo" aria-hidden="true">P</span> Parley <span class="brand-sub">Moderation</span></div>
      <h1>Sign in to moderate</h1>
      <p class="muted">Paste a moderator or admin token of your site, or the site's admin key. The console keeps a session cookie, never the token.</p>
      ${sites.length > 1
        ? html`<label for="site">Site</label><select id="site" name="site">${sites.map((s) => html`<option value=${s}>${s}</option>`)}</select>`
        : html`<input type="hidden" name="site" value=${sites[0] ?? ''} />`}
      <label for="credential">Token or admin key</label>
      <textarea id="credential" name="credential" rows="4" required autocomplete="off" spellcheck="false" .value=${fromUrl}></textarea>
      ${error ? html`<p class="error" role="alert">${error}</p>` : nothing}
      <button class="primary" type="submit">Sign in</button>
    </form>
  </main>`;
}

export function renderHelp(host: ConsoleHost): TemplateResult {
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
  return html`<div class="overlay" @click=${() => (host.help = false)}>
    <section class="card dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" @click=${(e: Event) => e.stopPropagation()}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <dl class="keys">${keys.map(([k, v]) => html`<dt><kbd>${k}</kbd></dt><dd>${v}</dd>`)}</dl>
      <button class="primary" @click=${() => (host.help = false)}>Close</button>
    </section>
  </div>`;
}

export function renderBanDialog(host: ConsoleHost): TemplateResult {
  const dialog = host.dialog!;
  return html`<div class="overlay">
    <form class="card dialog" role="dialog" aria-modal="true" aria-labelledby="ban-title" @submit=${(e: Event) => host.confirmBan(e)}>
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
        <button type="button" class="ghost" @click=${() => (host.dialog = null)}>Cancel</button>
        <button class="danger" type="submit">Restrict</button>
      </div>
    </form>
  </div>`;
}
