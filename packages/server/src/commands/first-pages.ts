/**
 * [PERF-6] The first page of a thread as readers see it, kept per (store, thread, sort, page size)
 * and used while the thread's seq is the one it was read at. Every change a reader can see on a page
 * (a comment, an edit, a delete, a hide, a like count, a reply count) takes a seq, so a join storm —
 * thousands of readers arriving at one seq — reads the page once, and the first join after any change
 * reads it again. Moderators' views (flag counts, hidden words) are never kept. At most
 * `maxEntries` pages per store, the least recently stored dropped first.
 */
import type { CommentPage, CommentView, Sort } from '@parley/protocol';
import type { CommentRecord, ReadTx, Store } from '../store/types.js';
import { loadPage } from './page.js';

const maxEntries = 500;

class FirstPages {
  private readonly pages = new Map<string, { seq: number; page: CommentPage }>();

  async get(tx: ReadTx, thread: string, seq: number, sort: Sort, pageSize: number, view: (c: CommentRecord) => CommentView, shared: boolean): Promise<CommentPage> {
    if (!shared) return loadPage(tx, thread, sort, null, pageSize, view);
    const key = `${thread}\n${sort}\n${pageSize}`;
    const kept = this.pages.get(key);
    if (kept && kept.seq === seq) return kept.page;
    const page = await loadPage(tx, thread, sort, null, pageSize, view);
    this.pages.delete(key);
    if (this.pages.size >= maxEntries) this.pages.delete(this.pages.keys().next().value as string);
    this.pages.set(key, { seq, page });
    return page;
  }
}

const byStore = new WeakMap<Store, FirstPages>();

export const firstPages = {
  /** The first page for a join that read the thread at `seq`; `shared`: the readers' view (cacheable). */
  get(store: Store, tx: ReadTx, thread: string, seq: number, sort: Sort, pageSize: number, view: (c: CommentRecord) => CommentView, shared: boolean): Promise<CommentPage> {
    let pages = byStore.get(store);
    if (!pages) byStore.set(store, (pages = new FirstPages()));
    return pages.get(tx, thread, seq, sort, pageSize, view, shared);
  },
};
