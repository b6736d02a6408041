import { css } from 'lit';

/** Elements every view uses: links, headings, keys, buttons, form fields, cards. */
export const base = css`
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
`;
