import { css } from 'lit';

/** The overlays: help and ban dialogs, and the toast. */
export const overlays = css`
  .overlay {
    position: fixed;
    inset: 0;
    background: rgb(0 0 0 / 45%);
    display: grid;
    place-items: center;
    z-index: 20;
    padding: 1rem;
  }
  .dialog {
    width: min(460px, 100%);
  }
  .dialog .row {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 1.2rem;
  }
  .keys {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.4rem 1rem;
    margin: 0 0 1rem;
  }
  .keys dd {
    margin: 0;
  }
  .toast {
    position: fixed;
    bottom: 1.2rem;
    left: 50%;
    transform: translateX(-50%);
    background: var(--text);
    color: var(--bg);
    border-radius: 8px;
    padding: 0.5rem 1rem;
    font-weight: 600;
    z-index: 30;
  }
  .toast:empty {
    display: none;
  }
`;
