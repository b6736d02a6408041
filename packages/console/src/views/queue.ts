/** A queue's page, and the item list and action toolbar the thread and reader pages share. */
import { html, nothing, type TemplateResult } from 'lit';
import type { Ban, Item } from '../api.js';
import { fullTime, initials, keyOf, when } from '../format.js';
import type { ConsoleHost } from '../host.js';
import { QUEUES, type QueueName } from '../routes.js';

export function renderQueue(host: ConsoleHost, name: QueueName): TemplateResult {
  const queue = QUEUES.find((q) => q.id === name)!;
  return html`<div class="head">
      <div>
        <h1>${queue.label}</h1>
        <p class="muted">${queue.hint}</p>
      </div>
      ${renderToolbar(host)}
    </div>
    ${renderList(host)}`;
}

export function renderToolbar(host: ConsoleHost): TemplateResult {
  const n = host.selected.size;
  const held = host.view.name === 'queue' && host.view.queue === 'held';
  const readers = host.view.name === 'queue' && (host.view.queue === 'readers' || host.view.queue === 'bans');
  if (readers) return html``;
  return html`<div class="toolbar" role="toolbar" aria-label="Actions on ${n > 0 ? `${n} selected` : 'the current item'}">
    <span class="muted small">${n > 0 ? `${n} selected` : 'Current item'}</span>
    <button class="ok" @click=${() => host.decide('approve')}>${held ? 'Approve' : 'Keep'} <kbd>a</kbd></button>
    <button class="warn" @click=${() => host.decide('reject')}>${held ? 'Reject' : 'Hide'} <kbd>${held ? 'r' : 'h'}</kbd></button>
    ${held ? nothing : html`<button class="danger" @click=${() => host.decide('delete')}>Delete <kbd>d</kbd></button>`}
    <button class="danger" @click=${() => host.askBan()}>Ban author <kbd>b</kbd></button>
  </div>`;
}

export function renderList(host: ConsoleHost): TemplateResult {
  if (host.loading && host.items.length === 0) return html`<p class="empty">Loading…</p>`;
  if (host.items.length === 0) return html`<div class="empty"><p class="big">All clear</p><p class="muted">Nothing waits here. New items arrive on their own.</p></div>`;
  return html`<ul class="list" aria-label="Items">
    ${host.items.map((item, i) => renderItem(host, item, i))}
  </ul>`;
}

function renderItem(host: ConsoleHost, item: Item, index: number): TemplateResult {
  const key = keyOf(item);
  const current = index === host.cursor;
  const checked = host.selected.has(key);
  const depth = item.kind === 'comment' ? item.depth : item.kind === 'held' && item.parentId ? 1 : 0;
  const cls = `item ${current ? 'current' : ''} ${checked ? 'checked' : ''} ${host.view.name === 'thread' ? `depth-${Math.min(depth, 2)}` : ''}`;
  const pick = () => (host.cursor = index);
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
        ${ban ? html`<button @click=${() => host.unban(item.userId)}>Lift</button>` : html`<button class="danger" @click=${() => host.askBan()}>Restrict</button>`}
      </div>
    </li>`;
  }
  const comment = item;
  const held = comment.kind === 'held';
  const hidden = comment.kind === 'comment' && comment.hiddenAt;
  const deleted = comment.kind === 'comment' && comment.deletedAt !== null;
  const text = comment.kind === 'comment' && hidden ? (comment.hiddenBody ?? '') : comment.body;
  return html`<li class=${cls} data-index=${index} @click=${pick} aria-current=${current ? 'true' : 'false'}>
    <input type="checkbox" class="check" aria-label="Select the comment by ${comment.author.name}" .checked=${checked} @click=${(e: Event) => e.stopPropagation()} @change=${() => host.toggle(item)} />
    <div class="avatar" aria-hidden="true">${initials(comment.author.name)}</div>
    <div class="body">
      <div class="meta">
        <a class="name" href="#reader/${encodeURIComponent(comment.author.id)}">${comment.author.name}</a>
        <span class="lvl">LVL ${comment.author.level}</span>
        <span class="muted" title=${fullTime(comment.createdAt)}>${when(comment.createdAt)}</span>
        ${host.view.name === 'thread' ? nothing : html`<span class="muted">in <a href="#thread/${encodeURIComponent(comment.thread)}">${comment.thread}</a></span>`}
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
        ? html`<button class="ok" @click=${() => void host.run([{ action: 'approve', commentId: comment.id }], 'Approved')}>Approve</button>
            <button class="warn" @click=${() => void host.run([{ action: 'reject', commentId: comment.id }], 'Rejected')}>Reject</button>`
        : deleted
          ? nothing
          : html`${comment.kind === 'comment' && comment.flags > 0 ? html`<button class="ok" @click=${() => void host.run([{ action: 'keep', thread: comment.thread, commentId: comment.id }], 'Kept')}>Keep</button>` : nothing}
              <button class="warn" @click=${() => void host.run([{ action: hidden ? 'unhide' : 'hide', thread: comment.thread, commentId: comment.id }], hidden ? 'Shown again' : 'Hidden')}>${hidden ? 'Unhide' : 'Hide'}</button>
              <button class="danger" @click=${() => void host.run([{ action: 'delete', thread: comment.thread, commentId: comment.id }], 'Deleted')}>Delete</button>`}
    </div>
  </li>`;
}
