import { css } from 'lit';

/** Light and dark (prefers-color-scheme); every text colour meets WCAG AA on its surface. */
export const styles = css`
  :host {
    --bg: #f6f7f9;
    --panel: #ffffff;
    --text: #1b1f24;
    --muted: #57606a;
    --line: #d8dee4;
    --accent: #1f5fbf;
    --accent-text: #ffffff;
    --current: #eaf1fb;
    --checked: #fff8e1;
    --ok: #116329;
    --ok-bg: #dafbe1;
    --warn: #7d4e00;
    --warn-bg: #fff1c2;
    --danger: #a40e26;
    --danger-bg: #ffe3e6;
    --badge: #eaeef2;
    display: block;
    min-height: 100vh;
    background: var(--bg);
    color: var(--text);
    font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --bg: #0d1117;
      --panel: #161b22;
      --text: #e6edf3;
      --muted: #9da7b3;
      --line: #30363d;
      --accent: #4493f8;
      --accent-text: #0d1117;
      --current: #1a2a40;
      --checked: #2d2a14;
      --ok: #56d364;
      --ok-bg: #12351c;
      --warn: #e3b341;
      --warn-bg: #3a2c07;
      --danger: #ff7b72;
      --danger-bg: #3d1418;
      --badge: #262c36;
    }
  }
  * {
    box-sizing: border-box;
  }
  a {
    color: var(--accent);
    text-decoration: none;
  }
  a:hover {
    text-decoration: underline;
  }
  p a,
  .meta a:not(.name),
  td a {
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  :focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 2px;
  }
  h1 {
    font-size: 1.45rem;
    margin: 0;
    letter-spacing: -0.01em;
  }
  h2 {
    font-size: 1.05rem;
    margin: 1.2rem 0 0.6rem;
  }
  .muted {
    color: var(--muted);
  }
  .small {
    font-size: 0.85rem;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
  }
  .skip {
    position: absolute;
    left: -999px;
  }
  .skip:focus {
    left: 1rem;
    top: 0.5rem;
    z-index: 10;
    background: var(--panel);
    padding: 0.4rem 0.8rem;
  }
  kbd {
    font: 0.75rem ui-monospace, SFMono-Regular, Menlo, monospace;
    padding: 0 0.35em;
    border: 1px solid var(--line);
    border-bottom-width: 2px;
    border-radius: 4px;
    color: var(--muted);
    background: var(--panel);
  }
  button {
    font: inherit;
    font-size: 0.9rem;
    border: 1px solid var(--line);
    background: var(--panel);
    color: var(--text);
    border-radius: 7px;
    padding: 0.35rem 0.75rem;
    cursor: pointer;
    display: inline-flex;
    gap: 0.4rem;
    align-items: center;
    white-space: nowrap;
  }
  button:hover {
    border-color: var(--muted);
  }
  button.primary {
    background: var(--accent);
    color: var(--accent-text);
    border-color: var(--accent);
    font-weight: 600;
  }
  button.ok {
    color: var(--ok);
    background: var(--ok-bg);
    border-color: transparent;
  }
  button.warn {
    color: var(--warn);
    background: var(--warn-bg);
    border-color: transparent;
  }
  button.danger {
    color: var(--danger);
    background: var(--danger-bg);
    border-color: transparent;
  }
  button.ghost {
    background: transparent;
    border-color: transparent;
  }
  button kbd {
    background: transparent;
    border-color: currentColor;
    color: inherit;
    opacity: 0.8;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--text);
    background: var(--panel);
    border: 1px solid var(--line);
    border-radius: 7px;
    padding: 0.45rem 0.6rem;
    width: 100%;
  }
  input[type='checkbox'] {
    width: auto;
    accent-color: var(--accent);
  }
  label {
    display: block;
    font-weight: 600;
    font-size: 0.88rem;
    margin: 0.8rem 0 0.3rem;
  }
  label.inline {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    font-weight: 500;
  }
  fieldset {
    border: 1px solid var(--line);
    border-radius: 10px;
    padding: 0.6rem 1rem 1rem;
    margin: 0 0 1rem;
  }
  legend {
    font-weight: 600;
    padding: 0 0.3rem;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
    gap: 0 1rem;
  }
  .card {
    background: var(--panel);
    border: 1px solid var(--line);
    border-radius: 12px;
    padding: 1.1rem 1.3rem;
    margin: 0 0 1rem;
    box-shadow: 0 1px 2px rgb(0 0 0 / 4%);
  }
  .brand {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    font-weight: 700;
    font-size: 1.05rem;
  }
  .brand-sub {
    font-weight: 500;
    color: var(--muted);
  }
  .logo {
    display: inline-grid;
    place-items: center;
    width: 1.8rem;
    height: 1.8rem;
    border-radius: 8px;
    background: var(--accent);
    color: var(--accent-text);
    font-weight: 800;
  }
  .signin {
    display: grid;
    place-items: center;
    min-height: 100vh;
    padding: 1rem;
  }
  .signin-card {
    width: min(440px, 100%);
    padding: 2rem;
  }
  .signin-card h1 {
    margin-top: 1.4rem;
  }
  .signin-card button {
    margin-top: 1rem;
    width: 100%;
    justify-content: center;
    padding: 0.6rem;
  }
  .error {
    color: var(--danger);
    background: var(--danger-bg);
    border-radius: 8px;
    padding: 0.5rem 0.8rem;
  }
  .top {
    position: sticky;
    top: 0;
    z-index: 5;
    display: flex;
    align-items: center;
    gap: 0.8rem;
    padding: 0.6rem 1.2rem;
    background: var(--panel);
    border-bottom: 1px solid var(--line);
  }
  .spacer {
    flex: 1;
  }
  .site-pill,
  .role,
  .lvl {
    font-size: 0.75rem;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    background: var(--badge);
    color: var(--muted);
    font-weight: 600;
  }
  .who {
    font-weight: 600;
  }
  .layout {
    display: grid;
    grid-template-columns: 240px 1fr;
    min-height: calc(100vh - 52px);
  }
  .side {
    border-right: 1px solid var(--line);
    padding: 1rem 0.6rem;
  }
  .side ul {
    list-style: none;
    margin: 0;
    padding: 0;
    position: sticky;
    top: 70px;
  }
  .side a {
    display: flex;
    justify-content: space-between;
    align-items: center;
    padding: 0.5rem 0.8rem;
    border-radius: 8px;
    color: var(--text);
    font-weight: 500;
  }
  .side a:hover {
    background: var(--current);
    text-decoration: none;
  }
  .side a[aria-current='page'] {
    background: var(--current);
    color: var(--accent);
    font-weight: 700;
  }
  .side .sep {
    border-top: 1px solid var(--line);
    margin: 0.6rem 0.4rem;
  }
  .side .meta {
    display: inline-flex;
    align-items: center;
    gap: 0.45rem;
  }
  .side kbd.key {
    font-size: 0.68rem;
    line-height: 1.2;
    min-width: 1.15rem;
    text-align: center;
    padding: 0.05em 0.3em;
    border-radius: 4px;
    border: 1px solid var(--line);
    box-shadow: 0 1px 0 var(--line);
    color: var(--muted);
    background: transparent;
    opacity: 0.75;
  }
  .count.zero {
    background: transparent;
    color: var(--muted);
    font-weight: 500;
  }
  .count {
    background: var(--accent);
    color: var(--accent-text);
    border-radius: 999px;
    font-size: 0.78rem;
    font-weight: 700;
    padding: 0 0.5rem;
    min-width: 1.6rem;
    text-align: center;
  }
  .content {
    padding: 1.4rem 2rem 4rem;
    max-width: 1100px;
    width: 100%;
    outline: none;
  }
  .head {
    display: flex;
    justify-content: space-between;
    align-items: flex-end;
    gap: 1rem;
    flex-wrap: wrap;
    margin-bottom: 1rem;
  }
  .head p {
    margin: 0.2rem 0 0;
  }
  .crumb {
    font-size: 0.85rem;
  }
  .toolbar {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    flex-wrap: wrap;
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
    background: var(--panel);
    border: 1px solid var(--line);
    border-radius: 12px;
    overflow: hidden;
  }
  .item {
    display: grid;
    grid-template-columns: auto auto 1fr auto;
    gap: 0.8rem;
    padding: 0.9rem 1rem;
    border-top: 1px solid var(--line);
    border-left: 3px solid transparent;
    align-items: start;
  }
  .item.depth-1 {
    padding-left: 2.5rem;
  }
  .item.depth-2 {
    padding-left: 4rem;
  }
  td:first-child {
    white-space: nowrap;
  }
  .badge.action-ban,
  .badge.action-suspend,
  .badge.action-mute,
  .badge.action-delete,
  .badge.action-reject {
    background: var(--danger-bg);
    color: var(--danger);
  }
  .badge.action-approve,
  .badge.action-unban,
  .badge.action-review-flags {
    background: var(--ok-bg);
    color: var(--ok);
  }
  .badge.action-hide {
    background: var(--warn-bg);
    color: var(--warn);
  }
  .item:first-child {
    border-top: 0;
  }
  .item.current {
    background: var(--current);
    border-left-color: var(--accent);
  }
  .item.checked {
    background: var(--checked);
  }
  .check {
    margin-top: 0.6rem;
  }
  .avatar {
    width: 2.2rem;
    height: 2.2rem;
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: var(--badge);
    color: var(--text);
    font-weight: 700;
    font-size: 0.85rem;
  }
  .item:not(:has(.check)) {
    grid-template-columns: auto 1fr auto;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2rem 0.6rem;
    align-items: center;
    font-size: 0.88rem;
  }
  .name {
    font-weight: 700;
    color: var(--text);
  }
  .text {
    margin: 0.3rem 0 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .badge {
    font-size: 0.75rem;
    font-weight: 700;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    background: var(--badge);
    color: var(--muted);
  }
  .badge.warn {
    background: var(--warn-bg);
    color: var(--warn);
  }
  .badge.danger {
    background: var(--danger-bg);
    color: var(--danger);
  }
  .reasons {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    list-style: none;
    padding: 0;
    margin: 0.5rem 0 0;
    font-size: 0.82rem;
  }
  .reasons li {
    border: 1px solid var(--line);
    border-radius: 6px;
    padding: 0.05rem 0.5rem;
    color: var(--muted);
  }
  .reasons li.flag {
    color: var(--danger);
    border-color: var(--danger);
    font-weight: 600;
  }
  .actions {
    display: flex;
    gap: 0.4rem;
    flex-wrap: wrap;
    justify-content: flex-end;
  }
  .empty {
    text-align: center;
    padding: 3rem 1rem;
    background: var(--panel);
    border: 1px dashed var(--line);
    border-radius: 12px;
  }
  .empty .big {
    font-size: 1.2rem;
    font-weight: 700;
    margin: 0;
  }
  .table-wrap {
    overflow-x: auto;
    background: var(--panel);
    border: 1px solid var(--line);
    border-radius: 12px;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.9rem;
  }
  th,
  td {
    text-align: left;
    padding: 0.55rem 0.9rem;
    border-top: 1px solid var(--line);
    vertical-align: top;
  }
  thead th {
    border-top: 0;
    color: var(--muted);
    font-weight: 600;
  }
  td a + a {
    margin-left: 0.5rem;
  }
  .settings summary {
    cursor: pointer;
    font-weight: 600;
  }
  .settings form {
    margin-top: 0.8rem;
  }
  .threads {
    margin: 0;
    padding-left: 1.1rem;
  }
  .overlay {
    position: fixed;
    inset: 0;
    background: rgb(0 0 0 / 45%);
    display: grid;
    place-items: center;
    z-index: 20;
    padding: 1rem;
  }
  .dialog {
    width: min(460px, 100%);
  }
  .dialog .row {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 1.2rem;
  }
  .keys {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.4rem 1rem;
    margin: 0 0 1rem;
  }
  .keys dd {
    margin: 0;
  }
  .toast {
    position: fixed;
    bottom: 1.2rem;
    left: 50%;
    transform: translateX(-50%);
    background: var(--text);
    color: var(--bg);
    border-radius: 8px;
    padding: 0.5rem 1rem;
    font-weight: 600;
    z-index: 30;
  }
  .toast:empty {
    display: none;
  }
  @media (max-width: 760px) {
    .layout {
      grid-template-columns: 1fr;
      grid-template-rows: auto 1fr;
    }
    .side {
      border-right: 0;
      border-bottom: 1px solid var(--line);
      padding: 0.4rem;
      overflow-x: auto;
    }
    .side ul {
      display: flex;
      gap: 0.2rem;
      position: static;
    }
    .side a {
      white-space: nowrap;
      gap: 0.4rem;
    }
    .side kbd,
    .side .sep,
    .who,
    .top .ghost:first-of-type {
      display: none;
    }
    .content {
      padding: 1rem;
    }
    .item {
      grid-template-columns: auto auto 1fr;
    }
    .item .actions {
      grid-column: 1 / -1;
      justify-content: flex-start;
    }
  }
`;
