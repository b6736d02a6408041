/**
 * Design tokens. Public knobs are `--parley-*` custom properties; components read the private
 * `--_*` copies, which fall back to the light or dark palette. Custom properties inherit through
 * shadow roots, so the comment and composer elements follow the thread's theme.
 */
import { css } from 'lit';

const light = css`
  --_accent: var(--parley-accent, #4f46e5);
  --_accent-fg: var(--parley-accent-fg, #ffffff);
  --_bg: var(--parley-bg, #ffffff);
  --_surface: var(--parley-surface, #f6f7f9);
  --_fg: var(--parley-fg, #16181d);
  --_muted: var(--parley-muted, #626b7a);
  --_border: var(--parley-border, #e3e6eb);
  --_danger: var(--parley-danger, #c8322a);
  --_danger-fg: var(--parley-danger-fg, #ffffff);
  --_success: var(--parley-success, #15803d);
  --_warning: var(--parley-warning, #b45309);
  --_skeleton: color-mix(in srgb, var(--_fg) 8%, transparent);
  color-scheme: light;
`;

const dark = css`
  --_accent: var(--parley-accent, #8b8dff);
  --_accent-fg: var(--parley-accent-fg, #0d0e1a);
  --_bg: var(--parley-bg, #121419);
  --_surface: var(--parley-surface, #1b1e25);
  --_fg: var(--parley-fg, #e9ebf0);
  --_muted: var(--parley-muted, #9aa3b2);
  --_border: var(--parley-border, #2b303b);
  --_danger: var(--parley-danger, #f2726a);
  /* Dark words on the light red of the dark theme: 7.4:1 where white managed 2.84 [W-A11Y2]. */
  --_danger-fg: var(--parley-danger-fg, #1b0d0c);
  --_success: var(--parley-success, #4ade80);
  --_warning: var(--parley-warning, #fbbf24);
  --_skeleton: color-mix(in srgb, var(--_fg) 10%, transparent);
  color-scheme: dark;
`;

export const themeTokens = css`
  :host {
    ${light}
    --_radius: var(--parley-radius, 12px);
    --_font-size: var(--parley-font-size, 15px);
    --_focus-ring: 0 0 0 3px color-mix(in srgb, var(--_accent) 35%, transparent);
    --_indent: var(--parley-indent, 2.75rem);
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${dark}
    }
  }
`;

/** Shared by every element: box sizing, buttons that look like text, visible focus. */
export const baseStyles = css`
  :host {
    /* The page's own font unless --parley-font names one [W-A11Y3]: with no fallback, an unset (or
       \`inherit\`) --parley-font leaves font-family invalid at computed-value time, so it inherits. */
    font-family: var(--parley-font);
    color: var(--_fg);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
  }
  :focus-visible {
    outline: none;
    box-shadow: var(--_focus-ring);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
`;
