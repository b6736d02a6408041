import { css } from 'lit';

/** What the reader types runs in its own direction (`unicode-bidi: plaintext`) [I18N-8]. */
export const composerStyles = css`
  :host {
    display: block;
  }
  .composer {
    display: flex;
    flex-direction: column;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    transition: border-color 120ms ease, box-shadow 120ms ease;
  }
  .composer:focus-within {
    border-color: var(--_accent);
    box-shadow: var(--_focus-ring);
  }
  textarea {
    display: block;
    width: 100%;
    min-height: 5.5rem;
    max-height: 24rem;
    field-sizing: content;
    resize: vertical;
    padding: 0.75rem 0.875rem;
    border: 0;
    border-radius: var(--_radius) var(--_radius) 0 0;
    background: transparent;
    color: var(--_fg);
    font: inherit;
    font-size: var(--_font-size);
    line-height: 1.5;
  }
  textarea {
    unicode-bidi: plaintext;
  }
  :host([compact]) textarea {
    min-height: 3.5rem;
  }
  textarea::placeholder {
    color: var(--_muted);
  }
  textarea:focus,
  textarea:focus-visible {
    outline: none;
    box-shadow: none;
  }
  .footer {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    flex-wrap: wrap;
    padding: 0.5rem 0.5rem 0.5rem 0.875rem;
    border-top: 1px solid var(--_border);
    background: var(--_surface);
    border-radius: 0 0 var(--_radius) var(--_radius);
    font-size: 0.8125rem;
    color: var(--_muted);
  }
  .hint {
    flex: 1 1 auto;
    min-width: 0;
  }
  kbd {
    font: inherit;
    font-size: 0.75rem;
    padding: 0 0.3rem;
    border: 1px solid var(--_border);
    border-bottom-width: 2px;
    border-radius: 4px;
    background: var(--_bg);
  }
  .counter {
    font-variant-numeric: tabular-nums;
  }
  .counter[data-level='near'] {
    color: var(--_warning);
  }
  .counter[data-level='over'] {
    color: var(--_danger);
    font-weight: 600;
  }
  .over {
    margin: 0;
    padding: 0.4rem 0.75rem 0.6rem;
    font-size: 0.85rem;
    color: var(--_danger);
  }
  .buttons {
    display: flex;
    gap: 0.375rem;
    margin-inline-start: auto;
  }
  button {
    border-radius: 999px;
    padding: 0.45rem 1rem;
    font-weight: 600;
    font-size: 0.875rem;
    border: 1px solid transparent;
    transition: background-color 120ms ease, opacity 120ms ease;
  }
  .submit {
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  .submit:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_accent) 88%, black);
  }
  .submit:disabled {
    opacity: 0.45;
  }
  .cancel {
    background: transparent;
    color: var(--_muted);
  }
  .cancel:hover {
    background: color-mix(in srgb, var(--_fg) 7%, transparent);
    color: var(--_fg);
  }
  @media (max-width: 480px) {
    .hint {
      display: none;
    }
  }
`;
