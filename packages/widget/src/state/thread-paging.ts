/** The thread store's paging (thread-store.ts): the next page of roots, a root's replies, a permalink's neighbourhood. */
import { Limits, type ParleyError } from '@parley/protocol';
import type { ThreadConnection } from './connection.js';
import type { ThreadState } from './thread-state.js';

export interface PagingHost {
  readonly thread: string;
  readonly connection: ThreadConnection;
  readonly state: ThreadState;
  readonly pageSize: number | undefined;
  /** Changes at every join: a page asked for before it belongs to another listing. */
  joinGeneration(): number;
  disposed(): boolean;
  changed(): void;
  fail(error: ParleyError, action: string): void;
}

export class ThreadPaging {
  loadingMore = false;
  readonly loadingReplies = new Set<string>();

  constructor(private readonly host: PagingHost) {}

  loadMore(): void {
    const { connection, state, pageSize } = this.host;
    const cursor = state.nextCursor;
    if (!cursor || this.loadingMore || connection.status !== 'connected') return;
    this.loadingMore = true;
    const generation = this.host.joinGeneration();
    connection.request(
      'comments:page',
      { thread: this.host.thread, sort: state.sort, cursor, ...(pageSize ? { pageSize } : {}) },
      (ack) => {
        this.loadingMore = false;
        if (this.host.disposed() || generation !== this.host.joinGeneration()) return this.host.changed();
        if (!ack.ok) return this.host.fail(ack.error, 'page');
        state.applyPage(ack.data);
        this.host.changed();
      },
    );
    this.host.changed();
  }

  /** A permalink's comment that no loaded page holds: its root and the replies around it [LINK-5]. */
  loadAround(commentId: string): void {
    this.host.connection.request('comments:around', { thread: this.host.thread, commentId }, (ack) => {
      if (!ack.ok || this.host.disposed()) return;
      this.host.state.applyAround(ack.data);
      this.host.changed();
    });
  }

  loadReplies(rootId: string): void {
    const { connection, state } = this.host;
    if (this.loadingReplies.has(rootId) || connection.status !== 'connected') return;
    this.loadingReplies.add(rootId);
    const cursor = state.replyCursors.get(rootId) ?? null;
    connection.request(
      'comments:replies',
      { thread: this.host.thread, rootId, cursor, pageSize: Limits.maxPageSize },
      (ack) => {
        this.loadingReplies.delete(rootId);
        if (this.host.disposed()) return;
        if (!ack.ok) return this.host.fail(ack.error, 'replies');
        state.applyReplies(rootId, ack.data);
        this.host.changed();
      },
    );
    this.host.changed();
  }
}
