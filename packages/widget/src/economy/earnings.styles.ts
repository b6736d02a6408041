import { css } from 'lit';

export const earningsStyles = css`
  :host {
    display: block;
    margin-bottom: 1.5rem;
    font-size: var(--_font-size);
  }
  h3 {
    margin: 0 0 0.6rem;
    font-size: 1.05rem;
    font-weight: 700;
    letter-spacing: -0.01em;
  }
  .card {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1rem 1.1rem;
    background: var(--_bg);
  }
  .card + .card {
    margin-top: 0.9rem;
  }
  .read {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
    gap: 0.75rem;
  }
  .stat {
    border-radius: calc(var(--_radius) - 4px);
    background: var(--_surface);
    padding: 0.6rem 0.8rem;
  }
  .stat .label {
    display: block;
    color: var(--_muted);
    font-size: 0.8rem;
  }
  .stat .value {
    display: block;
    font-size: 1.15rem;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .stat .value.date {
    font-size: 0.9rem;
    font-weight: 600;
  }
  .stat .value.earned {
    color: var(--_success);
  }
  .tables {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
    gap: 1rem;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  caption {
    text-align: start;
    font-weight: 700;
    padding-bottom: 0.35rem;
  }
  th,
  td {
    padding: 0.3rem 0;
    border-bottom: 1px solid var(--_border);
    font-weight: 400;
    text-align: start;
  }
  td {
    text-align: end;
  }
  tfoot th,
  tfoot td {
    font-weight: 700;
    border-bottom: none;
  }
  .profit tfoot td {
    color: var(--_success);
  }
  .loss tfoot td {
    color: var(--_danger);
  }
  .summary {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.6rem 1rem;
    margin-top: 0.9rem;
  }
  .total {
    font-weight: 700;
    margin-inline-end: auto;
  }
  .muted {
    color: var(--_muted);
    font-size: 0.85rem;
  }
  .button {
    border-radius: 999px;
    padding: 0.45rem 1rem;
    border: 1px solid transparent;
    background: var(--_accent);
    color: var(--_accent-fg);
    font-size: 0.875rem;
    font-weight: 600;
  }
  .summary .button {
    margin-inline-start: auto;
  }
  .button:disabled {
    opacity: 0.6;
  }
  .problem {
    margin-top: 0.6rem;
    color: var(--_danger);
    font-size: 0.875rem;
  }
  select {
    font: inherit;
    font-size: 0.85rem;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 6px;
    padding: 0.2rem 0.4rem;
  }
  .prices {
    margin: 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
  }
  .prices li {
    border-radius: 999px;
    background: var(--_surface);
    padding: 0.2rem 0.65rem;
    font-size: 0.8rem;
    color: var(--_muted);
  }
  .prices strong {
    color: var(--_fg);
  }
  .report-status {
    margin: 0.6rem 0 0;
    font-size: 0.85rem;
    color: var(--_muted);
  }
  .report-status + .muted {
    margin-top: 0.25rem;
  }
  .report-status.changed {
    color: var(--_fg);
    font-weight: 600;
  }
  .report-status.current::before {
    content: '✓ ';
    color: var(--_success);
    font-weight: 700;
  }
  /* Compact: one line (figures wrap beside the button on a phone), the report card opens below it. */
  .line {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.55rem 0.6rem 0.55rem 0.75rem;
    background: var(--_bg);
  }
  .compact .card {
    margin-top: 0.6rem;
  }
  .coin {
    flex: none;
    display: inline-grid;
    place-items: center;
    width: 1.6rem;
    height: 1.6rem;
    border-radius: 50%;
    background: color-mix(in srgb, var(--_warning) 18%, var(--_bg));
    color: var(--_warning);
    font-weight: 800;
    font-size: 0.8rem;
  }
  .figures {
    flex: 1;
    display: flex;
    flex-wrap: wrap;
    gap: 0.15rem 1.25rem;
    min-width: 0;
  }
  .figure {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .figure .label {
    color: var(--_muted);
    font-size: 0.85rem;
  }
  .figure strong.earned {
    color: var(--_success);
  }
  .toggle {
    flex: none;
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    border-radius: 999px;
    padding: 0.35rem 0.85rem;
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_fg);
    font-size: 0.85rem;
    font-weight: 600;
  }
  .chevron {
    width: 0.45rem;
    height: 0.45rem;
    border-right: 2px solid currentColor;
    border-bottom: 2px solid currentColor;
    transform: translateY(-2px) rotate(45deg);
    transition: transform 0.15s;
  }
  .toggle[aria-expanded='true'] .chevron {
    transform: translateY(1px) rotate(-135deg);
  }
`;
