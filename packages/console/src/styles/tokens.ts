import { css } from 'lit';

/** The colours of light and dark (prefers-color-scheme); every text colour meets WCAG AA on its surface. */
export const tokens = css`
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
`;
