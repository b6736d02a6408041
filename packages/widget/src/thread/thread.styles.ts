import { css } from 'lit';

/** Logical properties throughout; right to left, the sort select's arrow sits at its start [I18N-7]. */
export const threadStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    font-size: var(--_font-size);
    line-height: 1.5;
    color: var(--_fg);
    -webkit-font-smoothing: antialiased;
  }
  :host([hidden]) {
    display: none;
  }
  .thread {
    background: var(--_bg);
    color: var(--_fg);
    border-radius: var(--_radius);
  }

  /* ── header ─────────────────────────────────────────────────────────────── */
  .header {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 0.75rem 1rem;
    padding-bottom: 1rem;
    margin-bottom: 1rem;
    border-bottom: 1px solid var(--_border);
  }
  .title {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 0.25rem 0.875rem;
  }
  .count {
    margin: 0;
    font-size: 1.25rem;
    font-weight: 700;
    letter-spacing: -0.01em;
    font-variant-numeric: tabular-nums;
  }
  .tools {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 0.5rem 0.75rem;
    margin-inline-start: auto;
  }
  .votes {
    display: inline-flex;
    border: 1px solid var(--_border);
    border-radius: 999px;
    overflow: hidden;
  }
  .vote {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    min-height: 2.125rem;
    padding: 0.25rem 0.8rem;
    border: 0;
    background: transparent;
    color: var(--_muted);
    font-size: 0.875rem;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
    transition: background-color 120ms ease, color 120ms ease;
  }
  .vote + .vote {
    border-inline-start: 1px solid var(--_border);
  }
  .vote:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_fg) 6%, transparent);
    color: var(--_fg);
  }
  .vote:disabled {
    opacity: 0.6;
  }
  .vote[aria-pressed='true'] {
    color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 12%, transparent);
  }
  .vote-lock {
    font-size: 0.8125rem;
    font-weight: 600;
    color: var(--_warning);
  }
  .vote.minus[aria-pressed='true'] {
    color: var(--_danger);
    background: color-mix(in srgb, var(--_danger) 12%, transparent);
  }
  .sort {
    appearance: none;
    min-height: 2.125rem;
    padding-block: 0.25rem;
    padding-inline: 0.8rem 2rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background-color: var(--_bg);
    background-image: linear-gradient(45deg, transparent 50%, var(--_muted) 50%),
      linear-gradient(135deg, var(--_muted) 50%, transparent 50%);
    background-position: calc(100% - 15px) 50%, calc(100% - 10px) 50%;
    background-size: 5px 5px;
    background-repeat: no-repeat;
    color: var(--_fg);
    font: inherit;
    font-size: 0.875rem;
    font-weight: 600;
    cursor: pointer;
  }
  .sort:dir(rtl) {
    background-position: 10px 50%, 15px 50%;
  }
  /* Presence: quiet, beside the live status; typing sits right under the comment answered. */
  .reading-now {
    color: var(--_muted);
    font-size: 0.85em;
  }
  .typing {
    color: var(--_muted);
    font-size: 0.85em;
    font-style: italic;
    padding: 0.25rem 0 0.5rem;
  }
  parley-notes {
    margin-block: 1rem;
  }
  .status {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    font-size: 0.8125rem;
    color: var(--_muted);
    white-space: nowrap;
  }
  .status::before {
    content: '';
    width: 0.5rem;
    height: 0.5rem;
    border-radius: 50%;
    background: var(--_muted);
  }
  .status[data-status='connected']::before {
    background: var(--_success);
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--_success) 22%, transparent);
  }
  .status[data-status='reconnecting']::before {
    background: var(--_warning);
  }
  .status[data-status='offline']::before {
    background: var(--_danger);
  }
  @media (prefers-reduced-motion: no-preference) {
    .status[data-status='reconnecting']::before {
      animation: pulse 1.2s ease-in-out infinite;
    }
    .skeleton .line,
    .skeleton .circle,
    .skeleton-composer {
      animation: shimmer 1.4s ease-in-out infinite;
    }
  }
  @keyframes pulse {
    50% {
      opacity: 0.3;
    }
  }
  @keyframes shimmer {
    50% {
      opacity: 0.5;
    }
  }

  /* ── composer area ──────────────────────────────────────────────────────── */
  .comment-price {
    margin: 0.4rem 0 0;
    font-size: 0.8rem;
    color: var(--_muted);
  }
  .compose {
    margin-bottom: 1.25rem;
  }
  .compose-as {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0 0 0.5rem;
    font-size: 0.8125rem;
    color: var(--_muted);
  }
  .compose-as strong {
    color: var(--_fg);
    /* A long unbroken name wraps instead of widening the widget [W-CM1]. */
    overflow-wrap: anywhere;
    min-width: 0;
  }
  .locked {
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
    padding: 0.75rem 1rem;
    background: var(--_surface);
  }
  .locked .locked-title {
    margin: 0 0 0.5rem;
    font-weight: 600;
  }
  .locked .locked-input {
    width: 100%;
    min-height: 3rem;
    box-sizing: border-box;
    resize: none;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: transparent;
    opacity: 0.6;
    cursor: not-allowed;
    font: inherit;
  }
  .locked .lock-reason {
    margin: 0.5rem 0 0;
    font-weight: 600;
    color: var(--_warning);
  }
  .locked .lock-level {
    margin: 0.25rem 0 0;
    color: var(--_muted);
    font-size: 0.875em;
  }
  a.button {
    text-decoration: none;
    display: inline-block;
  }
  .sign-in {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 0.75rem;
    padding: 0.875rem 1rem;
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_muted);
  }
  .sign-in .text {
    flex: 1 1 12rem;
  }
  .button {
    border-radius: 999px;
    padding: 0.45rem 1rem;
    border: 1px solid var(--_border);
    background: var(--_bg);
    font-size: 0.875rem;
    font-weight: 600;
    transition: border-color 120ms ease, background-color 120ms ease;
  }
  .button:hover:not(:disabled) {
    border-color: var(--_muted);
  }
  .button.primary {
    border-color: transparent;
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  /* [PAINT-10] Until the first page is in, the thread holds a screen: what follows it on the page is
     not on screen, so it does not move when the thread arrives. --parley-reserve changes it. */
  .thread.loading {
    min-height: var(--parley-reserve, 100vh);
  }
  /* <parley-composer> comes with the live parts: until it is defined, its box keeps its height and
     draws its empty frame (the text area, the footer's band), so only its words arrive. */
  parley-composer:not(:defined) {
    display: block;
    box-sizing: border-box;
    height: 9.03rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: linear-gradient(var(--_bg) 5.5rem, var(--_border) 0 calc(5.5rem + 1px), var(--_surface) 0);
  }
  .skeleton-composer {
    height: 8.375rem;
    border-radius: var(--_radius);
    background: var(--_skeleton);
  }

  /* ── list ───────────────────────────────────────────────────────────────── */
  .list {
    display: flex;
    flex-direction: column;
  }
  .list > [data-depth='0']:not(:first-child) {
    border-top: 1px solid var(--_border);
  }
  .list > [data-depth='1'],
  .list > [data-depth='2'] {
    position: relative;
    margin-inline-start: var(--_indent);
    padding-inline-start: 0.875rem;
    border-inline-start: 2px solid var(--_border);
  }
  .list > [data-depth='2'] {
    margin-inline-start: calc(var(--_indent) * 2);
  }
  .more-replies {
    padding-block: 0.25rem 0.75rem;
    padding-inline: 0.875rem 0;
  }
  .link-button {
    border: 0;
    padding: 0.25rem 0.5rem;
    margin-inline-start: -0.5rem;
    border-radius: 999px;
    background: transparent;
    color: var(--_accent);
    font-size: 0.875rem;
    font-weight: 600;
  }
  .link-button:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_accent) 10%, transparent);
  }
  .load-more {
    display: block;
    width: 100%;
    margin-top: 1rem;
    padding: 0.7rem 1rem;
  }
  .empty {
    display: grid;
    justify-items: center;
    gap: 0.25rem;
    padding: 2.5rem 1rem;
    text-align: center;
    color: var(--_muted);
  }
  .empty strong {
    color: var(--_fg);
    font-size: 1rem;
  }
  .empty .icon {
    width: 28px;
    height: 28px;
    color: var(--_accent);
    margin-bottom: 0.25rem;
  }
  .problem > span {
    flex: 1 1 auto;
  }
  .problem {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 0.75rem;
    padding: 0.75rem 1rem;
    margin-bottom: 1rem;
    border-radius: var(--_radius);
    color: var(--_danger);
    background: color-mix(in srgb, var(--_danger) 9%, transparent);
  }
  .skeleton {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.75rem;
    padding: 0.875rem 0;
  }
  .skeleton .circle {
    width: 2.5rem;
    height: 2.5rem;
    border-radius: 50%;
    background: var(--_skeleton);
  }
  .skeleton .line {
    height: 0.75rem;
    margin: 0.35rem 0 0.6rem;
    border-radius: 6px;
    background: var(--_skeleton);
  }
  .skeleton .line.short {
    width: 35%;
  }
  .skeleton .line.long {
    width: 90%;
  }
  .skeleton .line.mid {
    width: 65%;
  }

  @container (max-width: 520px) {
    .header {
      gap: 0.625rem;
    }
    .tools {
      margin-inline-start: 0;
    }
    .list > [data-depth='1'],
    .list > [data-depth='2'] {
      margin-inline-start: 0.75rem;
      padding-inline-start: 0.625rem;
    }
    .list > [data-depth='2'] {
      margin-inline-start: 1.5rem;
    }
  }
`;
