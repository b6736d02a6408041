/** The audit log: its page, and the table the reader page shows too. */
import { html, nothing, type TemplateResult } from 'lit';
import type { LogEntry, Policy } from '../api.js';
import { fullTime, when } from '../format.js';
import type { ConsoleHost } from '../host.js';

export function renderLog(host: ConsoleHost): TemplateResult {
  const data = host.detail as { entries: LogEntry[] } | null;
  return html`<div class="head"><div><h1>Audit log</h1><p class="muted">Every moderator action: who, what, when, why.</p></div></div>
    ${data ? renderLogTable(data.entries) : html`<p class="empty">Loading…</p>`}`;
}

export function renderLogTable(entries: LogEntry[]): TemplateResult {
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
