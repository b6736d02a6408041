/** The side bar: the queues (with their counts and number keys), the audit log and the settings. */
import { html, nothing, type TemplateResult } from 'lit';
import { QUEUES, type Counts, type View } from '../routes.js';

export function renderNav(view: View, counts: Counts): TemplateResult {
  return html`<nav class="side" aria-label="Queues">
    <ul>
      ${QUEUES.map(
        (q, i) => {
          const count = counts[q.id];
          return html`<li>
            <a href="#${q.id}" title=${q.hint} aria-keyshortcuts=${String(i + 1)} aria-current=${view.name === 'queue' && view.queue === q.id ? 'page' : 'false'}
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
      <li><a href="#log" aria-current=${view.name === 'log' ? 'page' : 'false'}>Audit log</a></li>
      <li><a href="#settings" aria-current=${view.name === 'settings' ? 'page' : 'false'}>Settings &amp; threads</a></li>
    </ul>
  </nav>`;
}
