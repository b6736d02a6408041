import type { Reaction, ThreadEvent, Vote } from '@parley/protocol';
import type { RootPosition } from '../../domain/cursor.js';
import type { GateTightenings } from '@parley/protocol';
import type { ThreadSettings } from '../identity-store.js';
import type {
  CommentRecord,
  CountDelta,
  NewComment,
  NewThreadOptions,
  StoredRequest,
  ThreadListPosition,
  ThreadMetaUpdate,
  ThreadRecord,
  WriteTx,
} from '../types.js';
import { siteOfKey } from '../../domain/thread-key.js';
import { isReaction, isVote, toComment, toThread, type CommentRow, type ThreadRow } from './rows.js';
import type { NotesStats } from '../notes-store.js';
import { sqliteIdentity, toSettings, type SettingsRow } from './sqlite-identity.js';
import { sqliteModeration } from './moderation-sql.js';
import { docColumn, mentionsColumn, sqliteFormat } from './format-sql.js';
import type { CommentFormat } from '../format-store.js';
import type { Mention } from '../../domain/markdown.js';
import type { FlagRecord } from '../moderation-store.js';
import { toJson } from '../../domain/encoded-json.js';
import type { Statements } from './statements.js';
import { SqliteLedger } from './sqlite-ledger.js';
import { SqliteDeliveries } from './notify-sql.js';
import { ModQueries } from '../mod-queries.js';
import { SqlitePorting } from './porting-sql.js';

/**
 * One transaction's view of the SQLite connection. The store opens and closes the transaction;
 * this object only refuses to be used after that, so a leaked `tx` can never write outside it.
 */
export class SqliteTx implements WriteTx {
  private open = true;
  /** Per thread, the newest note id `listNoteUpdates` returned: what a replacement may delete. */
  private readonly listedNotes = new Map<string, number>();
  /** [DUR-11] Thread settings read along with `getThread` (a gate check's two reads in one); dropped when written. */
  private readonly settingsAhead = new Map<string, SettingsRow | null>();
  /** The Twei ledger, bound to this transaction. */
  readonly ledger = new SqliteLedger((write) => this.check(write));
  /** The notification outbox and readers' email preferences, bound to this transaction. */
  readonly deliveries = new SqliteDeliveries((write) => this.check(write));
  /** [DUR-15] What `readAheadGate` read, each part answered once; dropped at the transaction's first write. */
  private gateAhead: GateAhead | null = null;
  readonly mod = new ModQueries(async (write, name, params) => {
    const ahead = this.gateAhead;
    if (ahead && !write) {
      const rows = ahead.answer(name, params);
      if (rows) return { rows, changes: 0 };
    }
    const statement = this.check(write)[`mod_${name}`];
    if (statement.reader) return { rows: statement.all(...params) as Record<string, unknown>[], changes: 0 };
    return { rows: [], changes: statement.run(...params).changes };
  }, toComment);
  /** Import, export, readers' rights, counts (store/porting-store.ts). */
  readonly porting = new SqlitePorting((write) => this.check(write));

  constructor(
    private readonly st: Statements,
    private readonly writable: boolean,
  ) {}

  /** Called by the store when the transaction commits or rolls back. */
  end(): void {
    this.open = false;
  }

  private check(write = false): Statements {
    if (!this.open) throw new Error('store transaction used after it ended');
    if (write) {
      if (!this.writable) throw new Error('write attempted inside a read transaction');
      this.gateAhead = null;
      this.ledger.dropAhead();
    }
    return this.st;
  }

  readAheadGate(site: string, userId: string, thread: string, siteScope: string): void {
    const row = this.check().readAheadGate.get({ site, user: userId, thread, siteScope }) as GateRow | undefined;
    // No thread: nothing read ahead, and the reads run as before (the thread's `not_found` after the ban).
    this.gateAhead = row ? new GateAhead(site, userId, thread, siteScope, row) : null;
  }

  async getThread(id: string): Promise<ThreadRecord | null> {
    const ahead = this.gateAhead?.takeThread(id);
    const row = (ahead ?? this.check().getThreadWithSettings.get(id)) as ThreadWithSettingsRow | undefined;
    if (!row) return null;
    const { s_site: site, s_gates: gates, s_updated_at: updatedAt } = row;
    this.settingsAhead.set(id, site === null || gates === null || updatedAt === null ? null : { site, gates, updated_at: updatedAt });
    // toThread reads the thread's own columns by name: no copy of the row without the settings' (an
    // object rest copy costs a post's gate check microseconds).
    return toThread(row);
  }

  async getComment(thread: string, id: string): Promise<CommentRecord | null> {
    const row = this.check().getComment.get(id, thread) as CommentRow | undefined;
    return row ? toComment(row) : null;
  }

  async listRoots(
    thread: string,
    sort: RootPosition['sort'],
    after: RootPosition | null,
    limit: number,
  ): Promise<CommentRecord[]> {
    const st = this.check();
    let rows: unknown[];
    if (sort === 'top') {
      rows =
        after?.sort === 'top'
          ? st.rootsTopAfter.all(thread, after.score, after.seq, limit)
          : st.rootsTopFirst.all(thread, limit);
    } else if (sort === 'new') {
      rows = st.rootsNew.all(thread, after ? after.seq : Number.MAX_SAFE_INTEGER, limit);
    } else {
      rows = st.rootsOld.all(thread, after ? after.seq : -1, limit);
    }
    return (rows as CommentRow[]).map(toComment);
  }

  async listReplies(thread: string, rootId: string, afterSeq: number | null, limit: number): Promise<CommentRecord[]> {
    const rows = this.check().replies.all(thread, rootId, afterSeq ?? -1, limit) as CommentRow[];
    return rows.map(toComment);
  }

  async listEvents(thread: string, since: number, limit: number): Promise<ThreadEvent[]> {
    const rows = this.check().listEvents.all(thread, since, limit) as { payload: string }[];
    return rows.map((row) => JSON.parse(row.payload) as ThreadEvent);
  }

  async getReactions(thread: string, userId: string, commentIds: readonly string[]): Promise<Map<string, Reaction>> {
    const reactions = new Map<string, Reaction>();
    if (commentIds.length === 0) return reactions;
    const rows = this.check().getReactions.all(thread, userId, JSON.stringify(commentIds)) as {
      comment: string;
      value: string;
    }[];
    for (const row of rows) if (isReaction(row.value)) reactions.set(row.comment, row.value);
    return reactions;
  }

  async getVote(thread: string, userId: string): Promise<Vote | null> {
    const row = this.check().getVote.get(thread, userId) as { value: string } | undefined;
    return row && isVote(row.value) ? row.value : null;
  }

  async getRequest(userId: string, requestId: string): Promise<StoredRequest | null> {
    const row = this.check().getRequest.get(userId, requestId) as
      | { fingerprint: string; result: string; created_at: number }
      | undefined;
    return row ? { fingerprint: row.fingerprint, result: JSON.parse(row.result), createdAt: row.created_at } : null;
  }

  async ensureThread(id: string, title: string | null, url: string | null, at: number, options: NewThreadOptions = {}): Promise<ThreadRecord> {
    const st = this.check(true);
    st.insertThread.run(id, options.site ?? siteOfKey(id), options.origin ?? 'admin', title, url, at);
    return toThread(st.getThread.get(id) as ThreadRow);
  }

  async updateThread(id: string, meta: ThreadMetaUpdate): Promise<ThreadRecord | null> {
    const st = this.check(true);
    st.updateThreadMeta.run({ id, title: meta.title ?? null, url: meta.url ?? null, claimIat: meta.claimIat ?? null });
    const row = st.getThread.get(id) as ThreadRow | undefined;
    return row ? toThread(row) : null;
  }

  async publishThread(id: string, at: number): Promise<boolean> {
    return this.check(true).publishThread.run(at, id).changes === 1;
  }

  async listThreads(site: string, after: ThreadListPosition | null, limit: number): Promise<ThreadRecord[]> {
    const st = this.check();
    const rows = after ? st.listThreadsAfter.all(site, after.createdAt, after.id, limit) : st.listThreadsFirst.all(site, limit);
    return (rows as ThreadRow[]).map(toThread);
  }

  async nextSeq(thread: string, counts?: CountDelta): Promise<number> {
    const st = this.check(true);
    const row = (
      counts
        ? st.nextSeqCounting.get({ thread, comments: counts.comments ?? 0, plus: counts.plus ?? 0, minus: counts.minus ?? 0 })
        : st.nextSeq.get(thread)
    ) as { seq: number } | undefined;
    if (!row) throw new Error(`nextSeq: thread ${thread} does not exist`);
    return row.seq;
  }

  async appendEvent(thread: string, event: ThreadEvent): Promise<void> {
    this.check(true).appendEvent.run(thread, event.seq, event.type, toJson(event), event.at);
  }

  async adjustThreadCounts(thread: string, delta: CountDelta): Promise<ThreadRecord> {
    const row = this.check(true).adjustThreadCounts.get({
      thread,
      comments: delta.comments ?? 0,
      plus: delta.plus ?? 0,
      minus: delta.minus ?? 0,
    }) as ThreadRow | undefined;
    if (!row) throw new Error(`adjustThreadCounts: thread ${thread} does not exist`);
    return toThread(row);
  }

  async insertComment(c: NewComment): Promise<CommentRecord> {
    // Positional: 16 parameters bound by name cost a post 4 µs more (ledger-sql.ts).
    this.check(true).insertComment.run(
      c.id, c.thread, c.rootId, c.parentId, c.replyToId, c.replyToName, c.depth, c.seq,
      c.author.id, c.author.name, c.author.avatar, c.author.level, c.body, c.createdAt, docColumn(c.doc), mentionsColumn(c.mentions),
    );
    // [DUR-6] The row as inserted, without reading it back: every other column starts at its default.
    return {
      id: c.id,
      thread: c.thread,
      rootId: c.rootId,
      parentId: c.parentId,
      replyToId: c.replyToId,
      replyToName: c.replyToName,
      depth: c.depth,
      seq: c.seq,
      author: { id: c.author.id, name: c.author.name, avatar: c.author.avatar, level: c.author.level },
      body: c.body,
      ...(c.doc && { doc: c.doc }),
      createdAt: c.createdAt,
      editedAt: null,
      deletedAt: null,
      likes: 0,
      dislikes: 0,
      score: 0,
      replyCount: 0,
      flagCount: 0,
      ...(c.mentions && c.mentions.length > 0 && { mentions: [...c.mentions] }),
    };
  }

  async setCommentBody(thread: string, id: string, body: string, editedAt: number): Promise<void> {
    this.check(true).setCommentBody.run(body, editedAt, thread, id);
  }

  async markCommentDeleted(thread: string, id: string, deletedAt: number): Promise<void> {
    this.check(true).markCommentDeleted.run(deletedAt, thread, id);
  }

  async adjustReplyCount(thread: string, rootId: string, delta: number): Promise<void> {
    this.check(true).adjustReplyCount.run(delta, thread, rootId);
  }

  async adjustReactionCounts(
    thread: string,
    id: string,
    likes: number,
    dislikes: number,
  ): Promise<{ likes: number; dislikes: number }> {
    const row = this.check(true).adjustReactionCounts.get(likes, dislikes, thread, id) as
      | { likes: number; dislikes: number }
      | undefined;
    if (!row) throw new Error(`adjustReactionCounts: comment ${id} does not exist`);
    return row;
  }

  async setReaction(thread: string, commentId: string, userId: string, value: Reaction | null): Promise<void> {
    const st = this.check(true);
    if (value) st.upsertReaction.run(thread, commentId, userId, value);
    else st.deleteReaction.run(thread, commentId, userId);
  }

  async setVote(thread: string, userId: string, value: Vote | null): Promise<void> {
    const st = this.check(true);
    if (value) st.upsertVote.run(thread, userId, value);
    else st.deleteVote.run(thread, userId);
  }

  async getThreadSettings(thread: string): Promise<ThreadSettings | null> {
    const st = this.check();
    const ahead = this.settingsAhead.get(thread);
    if (ahead !== undefined) return ahead && toSettings(ahead);
    return sqliteIdentity.getThreadSettings(st, thread);
  }

  async getXp(site: string, userId: string): Promise<number> {
    return sqliteIdentity.getXp(this.check(), site, userId);
  }

  async recordThreadSettings(thread: string, site: string, gates: GateTightenings, at: number): Promise<ThreadSettings> {
    this.settingsAhead.delete(thread);
    return sqliteIdentity.recordThreadSettings(this.check(true), thread, site, gates, at);
  }

  async setThreadGates(thread: string, site: string, gates: GateTightenings, at: number): Promise<ThreadSettings> {
    this.settingsAhead.delete(thread);
    return sqliteIdentity.setThreadGates(this.check(true), thread, site, gates, at);
  }

  async addXp(site: string, userId: string, amount: number): Promise<number> {
    return sqliteIdentity.addXp(this.check(true), site, userId, amount);
  }

  async hideComment(thread: string, id: string, by: string, at: number): Promise<void> {
    sqliteIdentity.hideComment(this.check(true), thread, id, by, at);
  }

  async showComment(thread: string, id: string): Promise<string> {
    return sqliteIdentity.showComment(this.check(true), thread, id);
  }

  async addFlag(flag: FlagRecord): Promise<{ added: boolean; flags: number }> {
    return sqliteModeration.addFlag(this.check(true), flag);
  }

  async listFlags(thread: string, commentId: string): Promise<FlagRecord[]> {
    return sqliteModeration.listFlags(this.check(), thread, commentId);
  }

  async findThreadAuthors(thread: string, keys: readonly string[]): Promise<Map<string, Mention>> {
    return sqliteFormat.findThreadAuthors(this.check(), thread, keys);
  }

  async recordThreadAuthor(thread: string, key: string, author: Mention): Promise<void> {
    sqliteFormat.recordThreadAuthor(this.check(true), thread, key, author);
  }

  async setCommentFormat(thread: string, id: string, format: CommentFormat): Promise<void> {
    sqliteFormat.setCommentFormat(this.check(true), thread, id, format);
  }

  async getHiddenBody(thread: string, commentId: string): Promise<string | null> {
    return sqliteModeration.getHiddenBody(this.check(), thread, commentId);
  }

  async saveRequest(userId: string, requestId: string, request: StoredRequest): Promise<void> {
    this.check(true).insertRequest.run(
      userId,
      requestId,
      request.fingerprint,
      toJson(request.result),
      request.createdAt,
    );
  }

  async listNoteUpdates(thread: string): Promise<Uint8Array[]> {
    const rows = this.check().listNoteUpdates.all(thread) as { id: number; body: Buffer }[];
    const last = rows.at(-1);
    if (last) this.listedNotes.set(thread, Math.max(this.listedNotes.get(thread) ?? 0, last.id));
    return rows.map((row) => row.body);
  }

  async noteStats(thread: string): Promise<NotesStats> {
    return this.check().noteStats.get(thread) as NotesStats;
  }

  async appendNoteUpdate(thread: string, update: Uint8Array, at: number): Promise<NotesStats> {
    const st = this.check(true);
    st.insertNoteUpdate.run(thread, asBuffer(update), at);
    return st.noteStats.get(thread) as NotesStats;
  }

  async replaceNoteUpdates(thread: string, merged: Uint8Array, at: number): Promise<void> {
    const st = this.check(true);
    // Only what this transaction listed (and merged): an update appended since stays (SPEC ST-26).
    const upTo = this.listedNotes.get(thread) ?? (st.noteStats.get(thread) as NotesStats).version;
    st.deleteNoteUpdates.run(thread, upTo);
    st.insertNoteUpdate.run(thread, asBuffer(merged), at);
  }
}

/** better-sqlite3 binds Buffers, not plain Uint8Arrays; this view copies nothing. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

type ThreadWithSettingsRow = ThreadRow & { s_site: string | null; s_gates: string | null; s_updated_at: number | null };

/** The `readAheadGate` row: the thread with its settings, the ban's columns (`b_*`) and both policies. */
type GateRow = ThreadWithSettingsRow & {
  b_kind: string | null;
  b_until_at: number | null;
  b_reason: string | null;
  b_by_id: string | null;
  b_by_name: string | null;
  b_at: number | null;
  p_site: string | null;
  p_thread: string | null;
};

/**
 * [DUR-15] A gate's reads answered from one row, each once and only for the very parameters read
 * ahead (anything else runs its own statement): the ban as `mod_getBan`'s row, the policies as
 * `mod_getPolicies`' rows, the thread as `getThreadWithSettings`' row.
 */
class GateAhead {
  private ban = true;
  private policies = true;
  private thread = true;

  constructor(
    private readonly site: string,
    private readonly userId: string,
    private readonly threadKey: string,
    private readonly siteScope: string,
    private readonly row: GateRow,
  ) {}

  answer(name: string, params: unknown[]): Record<string, unknown>[] | undefined {
    const { row } = this;
    if (name === 'getBan' && this.ban && params[0] === this.site && params[1] === this.userId) {
      this.ban = false;
      if (row.b_kind === null) return [];
      return [{ site: this.site, user_id: this.userId, kind: row.b_kind, until_at: row.b_until_at, reason: row.b_reason, by_id: row.b_by_id, by_name: row.b_by_name, at: row.b_at }];
    }
    if (name === 'getPolicies' && this.policies && params[0] === this.site && params[1] === this.siteScope && params[2] === this.threadKey) {
      this.policies = false;
      const rows: Record<string, unknown>[] = [];
      if (row.p_site !== null) rows.push({ thread: this.siteScope, policy: row.p_site });
      if (row.p_thread !== null) rows.push({ thread: this.threadKey, policy: row.p_thread });
      return rows;
    }
    return undefined;
  }

  takeThread(id: string): ThreadWithSettingsRow | undefined {
    if (!this.thread || id !== this.threadKey) return undefined;
    this.thread = false;
    return this.row;
  }
}
