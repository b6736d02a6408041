/**
 * The comments the server has confirmed, in display order: roots in the thread's sort, each root
 * followed by its replies as a tree (oldest first at every level, at most depth 2).
 * Knows nothing about pending mutations or the network.
 */
import type { CommentView, Sort } from '@parley/protocol';

export class CommentCollection {
  private readonly byId = new Map<string, CommentView>();
  private rootOrder: string[] = [];

  get size(): number {
    return this.byId.size;
  }

  /** Every comment held, by id. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  get(id: string): CommentView | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  clear(): void {
    this.byId.clear();
    this.rootOrder = [];
  }

  /** Adds comments from a page, in the page's order; ones already known are kept as they are. */
  addPage(comments: readonly CommentView[]): void {
    for (const comment of comments) {
      if (this.byId.has(comment.id)) continue;
      this.byId.set(comment.id, comment);
      if (comment.parentId === null) this.rootOrder.push(comment.id);
    }
  }

  /**
   * Adds a comment that arrived live. A new root goes where a reader expects to see it: first for
   * "top" and "new" (roots are not re-sorted while reading, so nothing jumps), last for "old".
   * `countReply` is false when the root's replyCount already includes it (it predates our snapshot).
   * Returns false when the comment was already known.
   */
  addLive(comment: CommentView, sort: Sort, countReply = true): boolean {
    if (this.byId.has(comment.id)) return false;
    this.byId.set(comment.id, comment);
    if (comment.parentId === null) {
      if (sort === 'old') this.rootOrder.push(comment.id);
      else this.rootOrder.unshift(comment.id);
    } else if (countReply) {
      const root = this.byId.get(comment.rootId);
      if (root) this.byId.set(root.id, { ...root, replyCount: root.replyCount + 1 });
    }
    return true;
  }

  update(id: string, change: Partial<CommentView>): CommentView | undefined {
    const current = this.byId.get(id);
    if (!current) return undefined;
    const next = { ...current, ...change };
    this.byId.set(id, next);
    return next;
  }

  roots(): CommentView[] {
    return this.rootOrder.map((id) => this.byId.get(id)).filter((c): c is CommentView => c !== undefined);
  }

  /** All loaded replies of a root, in tree order: each depth-1 reply followed by its depth-2 replies. */
  repliesOf(rootId: string, extra: readonly CommentView[] = []): CommentView[] {
    const children = new Map<string, CommentView[]>();
    for (const comment of [...this.byId.values(), ...extra]) {
      if (comment.rootId !== rootId || comment.parentId === null) continue;
      const list = children.get(comment.parentId) ?? [];
      list.push(comment);
      children.set(comment.parentId, list);
    }
    const ordered: CommentView[] = [];
    const visit = (parentId: string, guard: number): void => {
      const list = (children.get(parentId) ?? []).sort((a, b) => a.seq - b.seq);
      for (const child of list) {
        ordered.push(child);
        if (guard > 0) visit(child.id, guard - 1);
      }
    };
    visit(rootId, 3);
    return ordered;
  }
}
