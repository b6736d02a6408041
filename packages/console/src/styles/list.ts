import { css } from 'lit';

/** A page's head and toolbar, and the item list of queues, threads and readers. */
export const list = css`
  .head {
    display: flex;
    justify-content: space-between;
    align-items: flex-end;
    gap: 1rem;
    flex-wrap: wrap;
    margin-bottom: 1rem;
  }
  .head p {
    margin: 0.2rem 0 0;
  }
  .crumb {
    font-size: 0.85rem;
  }
  .toolbar {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    flex-wrap: wrap;
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
    background: var(--panel);
    border: 1px solid var(--line);
    border-radius: 12px;
    overflow: hidden;
  }
  .item {
    display: grid;
    grid-template-columns: auto auto 1fr auto;
    gap: 0.8rem;
    padding: 0.9rem 1rem;
    border-top: 1px solid var(--line);
    border-left: 3px solid transparent;
    align-items: start;
  }
  .item.depth-1 {
    padding-left: 2.5rem;
  }
  .item.depth-2 {
    padding-left: 4rem;
  }
  .item:first-child {
    border-top: 0;
  }
  .item.current {
    background: var(--current);
    border-left-color: var(--accent);
  }
  .item.checked {
    background: var(--checked);
  }
  .check {
    margin-top: 0.6rem;
  }
  .avatar {
    width: 2.2rem;
    height: 2.2rem;
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: var(--badge);
    color: var(--text);
    font-weight: 700;
    font-size: 0.85rem;
  }
  .item:not(:has(.check)) {
    grid-template-columns: auto 1fr auto;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2rem 0.6rem;
    align-items: center;
    font-size: 0.88rem;
  }
  .name {
    font-weight: 700;
    color: var(--text);
  }
  .text {
    margin: 0.3rem 0 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .badge {
    font-size: 0.75rem;
    font-weight: 700;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    background: var(--badge);
    color: var(--muted);
  }
  .badge.warn {
    background: var(--warn-bg);
    color: var(--warn);
  }
  .badge.danger {
    background: var(--danger-bg);
    color: var(--danger);
  }
  .reasons {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    list-style: none;
    padding: 0;
    margin: 0.5rem 0 0;
    font-size: 0.82rem;
  }
  .reasons li {
    border: 1px solid var(--line);
    border-radius: 6px;
    padding: 0.05rem 0.5rem;
    color: var(--muted);
  }
  .reasons li.flag {
    color: var(--danger);
    border-color: var(--danger);
    font-weight: 600;
  }
  .actions {
    display: flex;
    gap: 0.4rem;
    flex-wrap: wrap;
    justify-content: flex-end;
  }
  .empty {
    text-align: center;
    padding: 3rem 1rem;
    background: var(--panel);
    border: 1px dashed var(--line);
    border-radius: 12px;
  }
  .empty .big {
    font-size: 1.2rem;
    font-weight: 700;
    margin: 0;
  }
`;
