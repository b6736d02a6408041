import { css, unsafeCSS } from 'lit';
import { AVATAR_COLORS } from '../shared/avatar-style.js';

/** One rule per avatar color: classes of the stylesheet, never inline styles (strict CSP) [W-A11Y1]. */
const avatarColors = unsafeCSS(AVATAR_COLORS.map((color, n) => `.avatar[data-color='${n}']{background:${color};color:#fff}`).join(''));

/**
 * Right to left, arrows that point a way turn (`.flip`, the reply icon; thumbs do not) [I18N-7], and
 * readers' words run in their own direction (`unicode-bidi: plaintext`) [I18N-8].
 */
export const commentStyles = css`
  :host {
    display: block;
  }
  .comment {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr);
    gap: 0.75rem;
    padding: 0.875rem 0;
  }
  .avatar {
    width: 2.5rem;
    height: 2.5rem;
    border-radius: 50%;
    object-fit: cover;
    background: var(--_surface);
    display: grid;
    place-items: center;
    font-size: 0.875rem;
    font-weight: 700;
    letter-spacing: 0.02em;
    color: #fff;
    user-select: none;
  }
  ${avatarColors}
  :host([data-depth='1']) .avatar,
  :host([data-depth='2']) .avatar {
    width: 2rem;
    height: 2rem;
    font-size: 0.75rem;
  }
  .meta {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 0.25rem 0.5rem;
    margin: 0 0 0.25rem;
    font-size: 0.8125rem;
    color: var(--_muted);
  }
  .author {
    margin: 0;
    font-size: 0.9375rem;
    font-weight: 650;
    color: var(--_fg);
    /* A long unbroken name wraps inside the comment instead of widening the widget. */
    overflow-wrap: anywhere;
    min-width: 0;
  }
  time {
    white-space: nowrap;
  }
  .dot::before {
    content: '·';
  }
  .delivery {
    font-style: italic;
  }
  .flip {
    display: inline-block;
  }
  .flip:dir(rtl),
  [part~='reply'] .icon:dir(rtl) {
    transform: scaleX(-1);
  }
  .body,
  .body > *,
  .hidden-body,
  .author {
    unicode-bidi: plaintext;
  }
  .reply-to {
    display: inline-block;
    margin-bottom: 0.125rem;
    font-size: 0.8125rem;
    font-weight: 600;
    color: var(--_accent);
  }
  .body {
    margin: 0;
    font-size: var(--_font-size);
    line-height: 1.55;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  [hidden] {
    display: none !important;
  }
  :host([data-state='pending']) .body {
    opacity: 0.6;
  }
  .tombstone {
    margin: 0;
    font-style: italic;
    color: var(--_muted);
  }
  .flags {
    font-weight: 600;
    color: var(--_danger);
  }
  .hidden-body {
    margin-top: 0.25rem;
    padding-inline-start: 0.5rem;
    border-inline-start: 2px solid var(--_warning);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem;
    margin: 0.375rem 0 0 -0.5rem;
  }
  .action {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    min-height: 2rem;
    padding: 0.25rem 0.5rem;
    border: 0;
    border-radius: 999px;
    background: transparent;
    color: var(--_muted);
    font-size: 0.8125rem;
    font-weight: 550;
    font-variant-numeric: tabular-nums;
    transition: background-color 120ms ease, color 120ms ease;
  }
  .action:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_fg) 7%, transparent);
    color: var(--_fg);
  }
  .action:disabled {
    opacity: 0.55;
  }
  .action[aria-pressed='true'] {
    color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 12%, transparent);
  }
  .action.dislike[aria-pressed='true'] {
    color: var(--_danger);
    background: color-mix(in srgb, var(--_danger) 12%, transparent);
  }
  .action[aria-pressed='true'] .icon {
    fill: currentColor;
    fill-opacity: 0.18;
  }
  .action.danger:hover {
    color: var(--_danger);
  }
  .notice {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    margin-top: 0.5rem;
    padding: 0.5rem 0.75rem;
    border-radius: calc(var(--_radius) - 4px);
    font-size: 0.8125rem;
  }
  .notice.error {
    color: var(--_danger);
    background: color-mix(in srgb, var(--_danger) 9%, transparent);
  }
  .notice.confirm {
    background: var(--_surface);
    border: 1px solid var(--_border);
  }
  .notice .spacer {
    flex: 1 1 auto;
  }
  .small {
    border-radius: 999px;
    padding: 0.3rem 0.8rem;
    border: 1px solid var(--_border);
    background: var(--_bg);
    font-size: 0.8125rem;
    font-weight: 600;
  }
  .small:hover {
    border-color: var(--_muted);
  }
  .small.strong {
    border-color: transparent;
    background: var(--_danger);
    color: var(--_danger-fg);
  }
  .small.primary {
    border-color: transparent;
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  .inline-composer {
    margin-top: 0.5rem;
  }
  @media (prefers-reduced-motion: no-preference) {
    :host([data-new]) .comment {
      animation: arrive 1.6s ease-out;
    }
  }
  @keyframes arrive {
    from {
      background: color-mix(in srgb, var(--_accent) 10%, transparent);
    }
    to {
      background: transparent;
    }
  }
`;
