/** Render helpers of `<parley-thread>`: header, composer area, list. Pure functions of their input. */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { Limits, type AuthorView, type ParleyError, type Sort, type Vote } from '@parley/protocol';
import type { ConnectionStatus } from '../state/connection.js';
import type { DisplayComment, DisplayGroup } from '../state/display.js';
import { chatIcon, minusIcon, plusIcon } from '../shared/icons.js';
import type { Translate } from '../i18n/translator.js';
import type { TypingMap } from '../realtime/room-view.js';
import { loadedLiveParts } from './live-parts-loader.js';
import { availableFrom, voteLockText, type ViewerAccess } from './viewer-access.js';
import type { CommentModeration } from './moderation-desk.js';
import type { ComposerSubmitEvent } from '../composer/composer.js';
import { renderCommentPrice, type ThreadEconomy } from '../economy/thread-economy.js';

/** The parts inside `<parley-comment>` re-exported, so `parley-thread::part(like)` styles work. */
export const COMMENT_PARTS = [
  'comment-main', 'avatar', 'author-name', 'level', 'time', 'edited', 'delivery', 'reply-to', 'body', 'tombstone',
  'actions', 'like', 'dislike', 'reply', 'edit', 'delete', 'hide', 'delete-confirmation', 'delete-confirm', 'delete-cancel',
  'flag', 'flag-chooser', 'flag-reason', 'flag-cancel', 'flags', 'show-hidden', 'hidden-body',
  'retry', 'discard', 'error', 'reply-composer', 'edit-composer', 'composer-input', 'composer-submit',
  'composer-cancel', 'edit-input', 'edit-save', 'counter',
  'permalink', 'link', 'mention',
].join(', ');

const STATUS_TEXT = { connected: 'live', reconnecting: 'reconnecting', offline: 'offline' } as const;

export interface HeaderInput {
  t: Translate;
  count: number | null;
  plus: number;
  minus: number;
  vote: Vote | null;
  /** Who may vote: signed in, and at or above the post's plus/minus gates. */
  access: ViewerAccess;
  sort: Sort;
  status: ConnectionStatus;
  onVote: (value: Vote | null) => void;
  onSort: (sort: Sort) => void;
  /** Distinct readers here now (presence); null until presence has loaded. */
  readingNow?: number | null;
}

export function renderHeader(h: HeaderInput): TemplateResult {
  // "connecting" is not in the public contract: before the first connect we are, in effect, reconnecting.
  const status = h.status === 'connecting' ? 'reconnecting' : h.status;
  const t = h.t;
  const statusText = t(h.status === 'connecting' ? 'connecting' : STATUS_TEXT[status]);
  const voteLock = voteLockText(t, h.access);
  const voteButton = (value: Vote, label: string, count: number, icon: TemplateResult) => {
    const lockedFrom = h.access.signedIn ? h.access.lockedFrom(value) : 0;
    const why = !h.access.signedIn ? t('signInToRate') : lockedFrom ? availableFrom(t, lockedFrom) : null;
    return html`<button
      type="button"
      class=${`vote ${value}`}
      part=${value}
      aria-pressed=${h.vote === value ? 'true' : 'false'}
      aria-label=${why && lockedFrom ? `${label}. ${why}` : label}
      title=${why ?? label}
      ?disabled=${why !== null}
      @click=${() => h.onVote(h.vote === value ? null : value)}
    >${icon}<span class="count">${t.n(count)}</span></button>`;
  };
  return html`<header class="header" part="header">
    <div class="title">
      <h2 class="count" part="count" id="parley-heading">${h.count === null ? t('commentsTitle') : t('comments', { count: h.count })}</h2>
      <span class="status" part="status" data-status=${status} role="status">${statusText}</span>
      ${h.readingNow ? html`<span class="reading-now" part="reading-now">${t('readingNow', { count: h.readingNow })}</span>` : nothing}
    </div>
    <div class="tools">
      <div class="votes" role="group" aria-label=${t('rateThisPost')}>
        ${voteButton('plus', t('plusLabel', { count: h.plus }), h.plus, plusIcon)}
        ${voteButton('minus', t('minusLabel', { count: h.minus }), h.minus, minusIcon)}
      </div>
      ${voteLock ? html`<span class="vote-lock" part="vote-lock">${voteLock}</span>` : nothing}
      <select class="sort" part="sort" aria-label=${t('sortLabel')} .value=${h.sort}
        @change=${(e: Event) => h.onSort((e.target as HTMLSelectElement).value as Sort)}>
        <option value="top" ?selected=${h.sort === 'top'}>${t('sortTop')}</option>
        <option value="new" ?selected=${h.sort === 'new'}>${t('sortNew')}</option>
        <option value="old" ?selected=${h.sort === 'old'}>${t('sortOld')}</option>
      </select>
    </div>
  </header>`;
}

/** What keeps the thread from working as asked: no thread id, a refused join, a refused action. */
export function renderProblems(
  t: Translate, thread: string, joinError: ParleyError | null, problem: string, onDismiss: () => void,
) {
  return html`${!thread ? html`<p class="problem" role="alert">${t('missingThread')}</p>` : nothing}
    ${joinError
      ? html`<div class="problem" role="alert">
          <span>${t('loadFailed', { reason: t.error(joinError) })}</span>
        </div>`
      : nothing}
    ${problem
      ? html`<div class="problem" part="problem" role="alert">
          <span>${problem}</span>
          <button type="button" class="button" @click=${onDismiss}>${t('dismiss')}</button>
        </div>`
      : nothing}`;
}

/** A guest's prompt: a link to the host's login page when `login-url` is set, else a button (event). */
function renderSignIn(t: Translate, onSignIn: () => void, loginUrl = ''): TemplateResult {
  return html`<div class="sign-in" part="sign-in">
    <span class="text">${t('signInPrompt')}</span>
    ${loginUrl
      ? html`<a class="button primary" part="sign-in-button" href=${loginUrl} @click=${onSignIn}>${t('signIn')}</a>`
      : html`<button type="button" class="button primary" part="sign-in-button" @click=${onSignIn}>${t('signIn')}</button>`}
  </div>`;
}

/** "Add your comment — Available from LVL 13", as on the reference page: the box, visibly locked. */
function renderLocked(t: Translate, user: AuthorView, requiredLevel: number): TemplateResult {
  return html`<div class="locked" part="locked" role="group" aria-labelledby="parley-locked-title">
    <p class="locked-title" id="parley-locked-title">${t('addComment')}</p>
    <textarea class="locked-input" aria-label=${t('addComment')} placeholder=${t('addComment')} disabled></textarea>
    <p class="lock-reason" part="lock-reason">${availableFrom(t, requiredLevel)}</p>
    <p class="lock-level">${t('youAreAt')} <span class="level">${t('level', { level: user.level })}</span></p>
  </div>`;
}

function renderComposeAs(t: Translate, user: AuthorView): TemplateResult {
  return html`<p class="compose-as">${t('commentingAs')} <strong>${user.name}</strong><span class="level">${t('level', { level: user.level })}</span></p>`;
}

export interface ComposeInput {
  t: Translate;
  /** null for a guest. */
  user: AuthorView | null;
  /** 0 when the viewer may comment; otherwise the level that unlocks it. */
  commentLock: number;
  /** Banned or suspended: the server's words instead of the composer. */
  restriction: string | null;
  economy: ThreadEconomy | null;
  loginUrl: string;
  /** Who is typing a new comment (not a reply). */
  typing: readonly string[] | undefined;
  onSubmit: (event: ComposerSubmitEvent) => void;
  onSignIn: () => void;
}

/** Above the list: the main composer, or its locked box, or a guest's sign-in; then who is typing. */
export function renderCompose(c: ComposeInput): TemplateResult {
  return html`<div class="compose">
    ${c.user && c.restriction
      ? html`<div class="locked" part="locked restricted" role="status">
          <p class="locked-title">${c.t('addComment')}</p>
          <textarea class="locked-input" aria-label=${c.t('addComment')} disabled></textarea>
          <p class="lock-reason" part="lock-reason">${c.restriction}</p>
        </div>`
      : c.user && c.commentLock > 0
      ? renderLocked(c.t, c.user, c.commentLock)
      : c.user
      ? html`${renderComposeAs(c.t, c.user)}
          <parley-composer
            part="composer"
            exportparts="composer-input, composer-submit, counter"
            .t=${c.t}
            label=${c.t('addComment')}
            placeholder=${c.t('addComment')}
            max-length=${Limits.maxBodyLength}
            @parley-composer-submit=${c.onSubmit}
          ></parley-composer>
          ${renderCommentPrice(c.economy)}`
      : renderSignIn(c.t, c.onSignIn, c.loginUrl)}
    ${renderTyping(c.t, c.typing, '')}
  </div>`;
}

export function renderSkeleton(t: Translate): TemplateResult {
  const row = (a: string, b: string) => html`<div class="skeleton" aria-hidden="true">
    <div class="circle"></div>
    <div><div class="line short"></div><div class=${`line ${a}`}></div><div class=${`line ${b}`}></div></div>
  </div>`;
  return html`<div class="skeleton-composer" aria-hidden="true"></div>
    <div role="status" class="sr-only">${t('loadingComments')}</div>
    ${row('long', 'mid')}${row('mid', 'long')}${row('long', 'short')}`;
}

export function renderEmpty(t: Translate): TemplateResult {
  return html`<div class="empty" part="empty">
    ${chatIcon}<strong>${t('emptyTitle')}</strong><span>${t('emptyText')}</span>
  </div>`;
}

type ListItem =
  | { kind: 'comment'; key: string; comment: DisplayComment }
  | { kind: 'typing'; key: string; parentId: string; names: readonly string[] }
  | { kind: 'more'; key: string; rootId: string; count: number };

export interface ListInput {
  t: Translate;
  groups: DisplayGroup[];
  now: number;
  signedIn: boolean;
  canModerate: boolean;
  /** 0 = allowed; otherwise the level that unlocks replying / reacting. */
  replyLockedFrom: number;
  reactLockedFrom: number;
  flagLockedFrom: number;
  /** Flag states, moderators' flag counts and fetched hidden words. */
  moderation: CommentModeration;
  busy: boolean;
  freshIds: ReadonlySet<string>;
  loadingReplies: ReadonlySet<string>;
  onMoreReplies: (rootId: string) => void;
  /** Who is typing a reply under which comment (presence). */
  typing?: TypingMap;
}

/** "Load more comments" while the server has more roots. */
export function renderLoadMore(t: Translate, loading: boolean, onLoad: () => void): TemplateResult {
  return html`<button type="button" class="button load-more" part="load-more" ?disabled=${loading} @click=${onLoad}>
    ${t(loading ? 'loading' : 'loadMore')}
  </button>`;
}

/** "Bella Ciao is typing a reply…" under the comment being answered, or in the main composer. */
export function renderTyping(t: Translate, names: readonly string[] | undefined, parentId: string): TemplateResult | typeof nothing {
  // Only ever someone once presence is live, so the live parts are here.
  const sentence = loadedLiveParts()?.typingSentence;
  if (!names?.length || !sentence) return nothing;
  return html`<div class="typing" part="typing" data-parent=${parentId} aria-live="polite">
    ${sentence(t, names, parentId !== '')}
  </div>`;
}

export function renderList(l: ListInput): TemplateResult {
  const items: ListItem[] = l.groups.flatMap((g) => [
    ...[g.root, ...g.replies].flatMap((comment): ListItem[] => {
      const names = l.typing?.get(comment.id);
      const item: ListItem = { kind: 'comment', key: comment.id, comment };
      return names?.length ? [item, { kind: 'typing', key: `typing:${comment.id}`, parentId: comment.id, names }] : [item];
    }),
    ...(g.moreReplies > 0 ? [{ kind: 'more' as const, key: `more:${g.root.id}`, rootId: g.root.id, count: g.moreReplies }] : []),
  ]);
  return html`<div class="list" part="list" role="list" aria-labelledby="parley-heading" aria-busy=${l.busy ? 'true' : 'false'}>
    ${repeat(items, (item) => item.key, (item) =>
      item.kind === 'typing'
        ? html`<div role="listitem" class="typing-row" data-depth="1">${renderTyping(l.t, item.names, item.parentId)}</div>`
        : item.kind === 'comment'
        ? html`<parley-comment
            role="listitem"
            part="comment"
            exportparts=${COMMENT_PARTS}
            data-id=${item.comment.id}
            data-depth=${item.comment.depth}
            data-state=${item.comment.state}
            data-deleted=${item.comment.deleted ? 'true' : nothing}
            data-new=${l.freshIds.has(item.comment.id) ? '' : nothing}
            .comment=${item.comment}
            .t=${l.t}
            .now=${l.now}
            ?signed-in=${l.signedIn}
            ?can-moderate=${l.canModerate}
            reply-locked-from=${l.replyLockedFrom}
            react-locked-from=${l.reactLockedFrom}
            flag-locked-from=${l.flagLockedFrom}
            .flagState=${l.moderation.flagState(item.comment.id)}
            .flags=${l.moderation.flags(item.comment.id)}
            .hiddenBody=${l.moderation.hiddenBody(item.comment.id)}
            .rejected=${l.moderation.rejected(item.comment.id)}
          ></parley-comment>`
        : html`<div class="more-replies" role="listitem" data-depth="1">
            <button type="button" class="link-button" part="more-replies" ?disabled=${l.loadingReplies.has(item.rootId)}
              @click=${() => l.onMoreReplies(item.rootId)}>
              ${l.loadingReplies.has(item.rootId) ? l.t('loadingReplies') : l.t('moreReplies', { count: item.count })}
            </button>
          </div>`,
    )}
  </div>`;
}
