import { css } from 'lit';

/** The audit-log table (and its action badges) and the settings page. */
export const pages = css`
  td:first-child {
    white-space: nowrap;
  }
  .badge.action-ban,
  .badge.action-suspend,
  .badge.action-mute,
  .badge.action-delete,
  .badge.action-reject {
    background: var(--danger-bg);
    color: var(--danger);
  }
  .badge.action-approve,
  .badge.action-unban,
  .badge.action-review-flags {
    background: var(--ok-bg);
    color: var(--ok);
  }
  .badge.action-hide {
    background: var(--warn-bg);
    color: var(--warn);
  }
  .table-wrap {
    overflow-x: auto;
    background: var(--panel);
    border: 1px solid var(--line);
    border-radius: 12px;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.9rem;
  }
  th,
  td {
    text-align: left;
    padding: 0.55rem 0.9rem;
    border-top: 1px solid var(--line);
    vertical-align: top;
  }
  thead th {
    border-top: 0;
    color: var(--muted);
    font-weight: 600;
  }
  td a + a {
    margin-left: 0.5rem;
  }
  .settings summary {
    cursor: pointer;
    font-weight: 600;
  }
  .settings form {
    margin-top: 0.8rem;
  }
  .threads {
    margin: 0;
    padding-left: 1.1rem;
  }
`;
