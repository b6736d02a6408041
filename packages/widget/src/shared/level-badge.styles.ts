/** The "LVL 13" pill: beside a comment's author and beside "Commenting as" in the thread. */
import { css } from 'lit';

export const levelBadgeStyles = css`
  .level {
    font-size: 0.6875rem;
    font-weight: 700;
    letter-spacing: 0.04em;
    padding: 0.1rem 0.45rem;
    border-radius: 999px;
    color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 12%, transparent);
  }
`;
