/**
 * Permalinks (SPEC LINK-5): every stored comment's time links to `<page url>#comment-<id>`; a page
 * opened with such a hash, or whose hash changes to one, loads the follower (permalink-follow.ts, a
 * lazy chunk) that scrolls to, highlights and focuses the comment, loading it if need be.
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { DisplayComment } from '../state/display.js';
import type { ThreadStore } from '../state/thread-store.js';
import type { PermalinkFollower } from './permalink-follow.js';

/**
 * Wraps the comment's time in its permalink once it is stored (a comment still sending has none):
 * `#comment-<id>`, which the browser resolves against the page's URL (its base URL: a page with a
 * `<base>` elsewhere should not use one), so "Copy link" gives `<page url>#comment-<id>`.
 */
export function permalinkOf(c: DisplayComment, time: TemplateResult): TemplateResult {
  return c.requestId
    ? time
    : html`<a class="permalink" part="permalink" href=${`#comment-${c.id}`}>${time}</a>`;
}

export class PermalinkController implements ReactiveController {
  private follower: PermalinkFollower | null = null;
  private readonly onHash = (): void => {
    if (this.follower) return this.follower.hash();
    if (!location.hash.startsWith('#comment-')) return;
    void import('./permalink-follow.js').then((chunk) => {
      this.follower ??= new chunk.PermalinkFollower(this.host, this.store);
      this.follower.hash();
    });
  };

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly store: () => ThreadStore | null,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('hashchange', this.onHash);
    this.onHash();
  }

  hostDisconnected(): void {
    window.removeEventListener('hashchange', this.onHash);
  }

  hostUpdated(): void {
    this.follower?.update();
  }
}
