/**
 * The permalink follower (SPEC LINK-5), a lazy chunk loaded only by a page whose hash names a
 * comment (`#comment-<id>`): scrolls to that comment, highlights it (`data-linked` on its
 * `<parley-comment>`) and moves focus to it, for keyboard and screen-reader readers. The browser
 * cannot: the comment lives in `<parley-thread>`'s shadow root, where a document fragment never
 * looks. When no loaded page holds it, the thread asks the server for its root and the replies
 * around it (`comments:around`), which go to the top of the list.
 */
import { css, type ReactiveControllerHost } from 'lit';
import type { ThreadStore } from '../state/thread-store.js';

/** The comment id a hash names (`#comment-<id>`), or null. */
export function linkedCommentId(hash: string): string | null {
  const match = /^#comment-(.+)$/.exec(hash);
  try {
    return match ? decodeURIComponent(match[1]!) : null;
  } catch {
    return null;
  }
}

/** Adopted into the linked comment's shadow root (constructable: strict-CSP safe). */
const linkedStyles = css`
  :host([data-linked]) .comment {
    border-radius: 8px;
    background: color-mix(in srgb, var(--_accent) 10%, transparent);
    box-shadow: inset 3px 0 0 var(--_accent);
  }
  .comment:focus {
    outline: none;
  }
  .comment:focus-visible {
    box-shadow: var(--_focus-ring);
  }
`;
const styled = new WeakSet<ShadowRoot>();

export class PermalinkFollower {
  /** The comment the page's hash names. */
  private target: string | null = null;
  /** The target already scrolled to and focused (once per hash: later updates leave focus alone). */
  private shown: string | null = null;
  /** The target already asked of the server. */
  private asked: string | null = null;
  private highlighted: Element | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly store: () => ThreadStore | null,
  ) {}

  /** The hash changed (or the page opened with one). */
  hash(): void {
    this.target = linkedCommentId(location.hash);
    this.shown = null;
    this.host.requestUpdate();
  }

  /** After each render of the thread. */
  update(): void {
    const id = this.target;
    const store = this.store();
    if (!id) return this.mark(null);
    if (!store?.loaded) return;
    const element = this.host.shadowRoot?.querySelector(`parley-comment[data-id="${CSS.escape(id)}"]`) ?? null;
    // Rows are reused as the list changes: the highlight follows the comment, not the element.
    this.mark(element);
    if (!element) {
      if (this.asked !== id && store.status === 'connected') {
        this.asked = id;
        store.loadAround(id);
      }
      return;
    }
    if (this.shown === id) return;
    this.shown = id;
    void (element as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete?.then(() => {
      element.scrollIntoView({ block: 'center' });
      const article = element.shadowRoot?.querySelector<HTMLElement>('article');
      article?.setAttribute('tabindex', '-1'); // focusable from here, never a tab stop
      article?.focus({ preventScroll: true });
    });
  }

  private mark(element: Element | null): void {
    if (this.highlighted === element && element?.hasAttribute('data-linked')) return;
    this.highlighted?.removeAttribute('data-linked');
    this.highlighted = element;
    element?.setAttribute('data-linked', '');
    const root = element?.shadowRoot;
    const sheet = linkedStyles.styleSheet;
    if (root && sheet && !styled.has(root) && 'adoptedStyleSheets' in root) {
      styled.add(root);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    }
  }
}
