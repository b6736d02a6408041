/** A thread's page (its comments, its pre-moderation and gates) and a reader's page (comments, restriction, history). */
import { html, nothing, type TemplateResult } from 'lit';
import type { Api, ReaderItem } from '../api.js';
import { fullTime } from '../format.js';
import type { ConsoleHost } from '../host.js';
import { renderLogTable } from './log.js';
import { policyFields } from './policy.js';
import { renderList, renderToolbar } from './queue.js';

export function renderThread(host: ConsoleHost): TemplateResult {
  const data = host.detail as Awaited<ReturnType<Api['thread']>> | null;
  if (!data || host.view.name !== 'thread') return html`<p class="empty">Loading…</p>`;
  const { thread, premoderation, gates } = data;
  return html`<div class="head">
      <div>
        <p class="crumb"><a href="#held">Queues</a> › Thread</p>
        <h1>${thread.title ?? thread.id}</h1>
        <p class="muted">${thread.id} · ${thread.commentCount} comments ${thread.url ? html`· <a href=${thread.url} target="_blank" rel="noopener">open the page</a>` : nothing}</p>
      </div>
      ${renderToolbar(host)}
    </div>
    <details class="card settings">
      <summary>Thread settings: pre-moderation and gates</summary>
      <form @submit=${(e: Event) => void host.saveThread(e, thread.id)}>
        ${policyFields(premoderation.thread ?? {}, 'thread')}
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
    ${renderList(host)}`;
}

export function renderReader(host: ConsoleHost): TemplateResult {
  const data = host.detail as Awaited<ReturnType<Api['reader']>> | null;
  if (!data || host.view.name !== 'reader') return html`<p class="empty">Loading…</p>`;
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
          ? html`<button @click=${() => host.unban(data.userId)}>Lift restriction</button>`
          : html`<button class="danger" @click=${() => {
              host.dialog = { title: `Restrict ${name}`, items: [{ kind: 'reader', userId: data.userId, name, flags: 0, flaggedComments: 0, ban: null } satisfies ReaderItem], ban: true };
            }}>Ban, suspend or mute</button>`}
      </div>
    </div>
    ${renderList(host)}
    <h2>Moderation history</h2>
    ${renderLogTable(data.log)}`;
}
