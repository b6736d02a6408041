import { css } from 'lit';

/** The app shell: brand, sign-in page, top bar, side bar of queues, content area. */
export const shell = css`
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
`;

/** The narrow screen (under 760px): the side bar becomes a row above the content. Last, so it wins. */
export const narrow = css`
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
