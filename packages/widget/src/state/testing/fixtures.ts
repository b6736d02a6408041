import { OPEN_GATES } from '@parley/protocol';
/** Builders for protocol objects in tests: sensible defaults, override what the test is about. */
import type {
  AuthorView,
  CommentView,
  JoinResult,
  ThreadEvent,
  ThreadView,
  ViewerState,
} from '@parley/protocol';

export const THREAD = 'news/2025/iran-mediation';

export const bella: AuthorView = { id: 'u-bella', name: 'Bella Ciao', avatar: null, level: 13 };
export const omar: AuthorView = { id: 'u-omar', name: 'Omar Haddad', avatar: null, level: 21 };

export function comment(id: string, overrides: Partial<CommentView> = {}): CommentView {
  return {
    id,
    thread: THREAD,
    rootId: overrides.parentId ? (overrides.rootId ?? overrides.parentId) : id,
    parentId: null,
    replyToId: overrides.parentId ?? null,
    replyToName: null,
    depth: overrides.parentId ? 1 : 0,
    seq: 1,
    author: omar,
    body: `Body of ${id}`,
    createdAt: Date.UTC(2025, 9, 29, 12, 0, 0),
    editedAt: null,
    deletedAt: null,
    likes: 0,
    dislikes: 0,
    replyCount: 0,
    ...overrides,
  };
}

export function threadView(overrides: Partial<ThreadView> = {}): ThreadView {
  return { id: THREAD, title: null, url: null, seq: 0, commentCount: 0, plus: 0, minus: 0, ...overrides };
}

export function viewer(user: AuthorView | null = bella, overrides: Partial<ViewerState> = {}): ViewerState {
  return { user, role: user ? 'reader' : 'guest', reactions: {}, vote: null, level: user?.level ?? 0, gates: OPEN_GATES, ...overrides };
}

export function snapshot(
  comments: CommentView[],
  options: { seq?: number; nextCursor?: string | null; viewer?: ViewerState; thread?: Partial<ThreadView> } = {},
): JoinResult {
  const seq = options.seq ?? comments.reduce((max, c) => Math.max(max, c.seq), 0);
  return {
    mode: 'snapshot',
    thread: threadView({ seq, commentCount: comments.filter((c) => c.deletedAt === null).length, ...options.thread }),
    page: { sort: 'top', comments, nextCursor: options.nextCursor ?? null },
    viewer: options.viewer ?? viewer(),
  };
}

export function created(seq: number, c: CommentView): ThreadEvent {
  return { type: 'comment.created', thread: THREAD, seq, at: c.createdAt, comment: { ...c, seq } };
}

export function reacted(seq: number, commentId: string, likes: number, dislikes = 0, userId = omar.id): ThreadEvent {
  return { type: 'comment.reacted', thread: THREAD, seq, at: 0, commentId, likes, dislikes, userId, value: 'like' };
}
