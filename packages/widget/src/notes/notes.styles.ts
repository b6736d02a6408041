import { css } from 'lit';

/** The readers' notes run in their own direction (`unicode-bidi: plaintext`) [I18N-8]. */
export const notesStyles = css`
  :host {
    display: block;
  }
  .notes {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    padding: 0.75rem 0.875rem;
  }
  .head {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: 0.75rem;
    margin-bottom: 0.5rem;
  }
  h3 {
    margin: 0;
    font-size: 0.95em;
    font-weight: 650;
  }
  .lock,
  .hint {
    color: var(--_muted);
    font-size: 0.85em;
  }
  textarea {
    display: block;
    width: 100%;
    min-height: 4.5rem;
    field-sizing: content;
    resize: vertical;
    padding: 0.5rem 0.625rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) - 2px);
    background: var(--_bg);
    color: var(--_fg);
    font: inherit;
    line-height: 1.5;
  }
  textarea:focus {
    outline: none;
    border-color: var(--_accent);
    box-shadow: var(--_focus-ring);
  }
  textarea,
  .text {
    unicode-bidi: plaintext;
  }
  .text {
    margin: 0;
    white-space: pre-wrap;
    line-height: 1.5;
  }
  .empty {
    color: var(--_muted);
    font-style: italic;
  }
  .error {
    margin: 0.5rem 0 0;
    color: var(--_danger);
    font-size: 0.85em;
  }
`;
