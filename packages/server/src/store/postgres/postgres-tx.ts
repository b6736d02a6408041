import type { Reaction, ThreadEvent, Vote } from '@parley/protocol';
import type { RootPosition } from '../../domain/cursor.js';
import { toJson } from '../../domain/encoded-json.js';
import { siteOfKey } from '../../domain/thread-key.js';
import { isReaction, isVote, toComment, toThread, type CommentRow, type ThreadRow } from '../sqlite/rows.js';
import { docColumn, mentionsColumn } from '../sqlite/format-sql.js';
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
import { SITE_SCOPE } from '../../moderation/policy.js';
import { modSql } from '../mod-queries.js';
import type { AccountFacts } from './pg-known-accounts.js';
import { inlineableValues, inlineStatement, type Query } from './pg-statements.js';
import { PgTxBase } from './pg-tx-base.js';

/**
 * [HOT-7] A request record looked for in the committed state when its write was queued, before the
 * thread's turn: the write's first run takes the answer (`found` is then cleared); a run after it
 * (a re-run, or a run again after a request race) looks again.
 */
export interface EarlyLook {
  key: string;
  found: Promise<StoredRequest | null> | undefined;
}

/** [HOT-3] The request record as committed now (the committed pool), or as this transaction sees it. */
export async function lookRequest(q: Query, userId: string, requestId: string): Promise<StoredRequest | null> {
  const text = 'SELECT fingerprint, result, created_at FROM requests WHERE user_id = $1 AND request_id = $2';
  const row = (await q<{ fingerprint: string; result: string; created_at: number }>(text, [userId, requestId])).rows[0];
  return row ? { fingerprint: row.fingerprint, result: JSON.parse(row.result), createdAt: row.created_at } : null;
}

/** [HOT-7] Starts the look for a write's request record now, in the committed state. */
export function lookEarly(committed: Query, owner: string, requestId: string, answered: () => void): EarlyLook {
  const found = lookRequest(committed, owner, requestId);
  void found.then(answered, () => undefined);
  // Awaited by the write's first run, if it gets that far; a failure then fails that run.
  found.catch(() => undefined);
  return { key: `${owner}\n${requestId}`, found };
}

/** [HOT-1] A thread with its settings, one round trip for a gate check; [HOT-8] read ahead in a thread's turn. */
const THREAD_WITH_SETTINGS = `SELECT t.*, s.site AS s_site, s.gates AS s_gates, s.updated_at AS s_updated_at
  FROM threads t LEFT JOIN thread_settings s ON s.thread = t.id WHERE t.id = $1`;
/** [HOT-10] The thread's post author, read ahead in its turn (a like's and a vote's rewards ask for it after their first write). */
const POST_AUTHOR = 'SELECT account FROM post_authors WHERE thread = $1';

const INSERT_COMMENT = `INSERT INTO comments (id, thread, root_id, parent_id, reply_to_id, reply_to_name, depth, seq,
    author_id, author_name, author_avatar, author_level, body, created_at, doc, mentions)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;

/** [HOT-11] The row `INSERT … RETURNING *` gives back for a new comment: what was given, and every column's default. */
const newCommentRow = (c: NewComment): CommentRow => ({
  id: c.id,
  thread: c.thread,
  root_id: c.rootId,
  parent_id: c.parentId,
  reply_to_id: c.replyToId,
  reply_to_name: c.replyToName,
  depth: c.depth,
  seq: c.seq,
  author_id: c.author.id,
  author_name: c.author.name,
  author_avatar: c.author.avatar,
  author_level: c.author.level,
  body: c.body,
  created_at: c.createdAt,
  edited_at: null,
  deleted_at: null,
  hidden_at: null,
  likes: 0,
  dislikes: 0,
  score: 0,
  reply_count: 0,
  flag_count: 0,
  doc: docColumn(c.doc),
  mentions: mentionsColumn(c.mentions),
});

/** The statements a reader's page runs; each must be one range scan of its index (tested with EXPLAIN). */
export const pageSql = {
  rootsTopFirst: 'SELECT * FROM comments WHERE thread = $1 AND depth = 0 ORDER BY score DESC, seq DESC LIMIT $2',
  rootsTopAfter: 'SELECT * FROM comments WHERE thread = $1 AND depth = 0 AND (score, seq) < ($2, $3) ORDER BY score DESC, seq DESC LIMIT $4',
  rootsNew: 'SELECT * FROM comments WHERE thread = $1 AND depth = 0 AND seq < $2 ORDER BY seq DESC LIMIT $3',
  rootsOld: 'SELECT * FROM comments WHERE thread = $1 AND depth = 0 AND seq > $2 ORDER BY seq ASC LIMIT $3',
  replies: 'SELECT * FROM comments WHERE thread = $1 AND root_id = $2 AND depth > 0 AND seq > $3 ORDER BY seq LIMIT $4',
  listEvents: 'SELECT payload FROM events WHERE thread = $1 AND seq > $2 ORDER BY seq LIMIT $3',
} as const;

/**
 * One transaction on one pooled connection. The store opens and ends the transaction; this object
 * refuses to be used after that (and refuses writes in a read transaction), like SqliteTx. Its
 * plumbing and the identity, moderation and notes statements are PgTxBase's (pg-tx-base.ts).
 */
export class PostgresTx extends PgTxBase implements WriteTx {
  /** [HOT-3] A request record was looked for outside and not found: a duplicate key then means a concurrent run. */
  lookedForRequest = false;
  private readonly savedRequests = new Map<string, StoredRequest>();
  /**
   * [HOT-11] Comments' reaction counts as this write last read or left them (folded): only
   * `adjustReactionCounts` changes them, and a concurrent change to the row makes its UPDATE fail
   * (SERIALIZABLE), so the counts after an adjustment are these plus its deltas.
   */
  private readonly counts = new Map<string, { likes: number; dislikes: number }>();

  constructor(
    query: Query,
    writable: boolean,
    fold = false,
    committed?: Query,
    /** [HOT-7] The write's request record, looked for when it was queued. */
    private readonly early?: EarlyLook,
    /** [HOT-8] The thread whose turn the write holds: its row, settings and policies are read with the first statement. */
    turnKey?: string,
    /** [HOT-9] The node's known accounts, and the tick taken before this transaction's first statement. */
    facts?: AccountFacts,
  ) {
    super(query, writable, fold, committed, facts);
    if (fold && writable && turnKey !== undefined) {
      const policies = [siteOfKey(turnKey), SITE_SCOPE, turnKey];
      if (inlineableValues([turnKey]) && inlineableValues(policies)) {
        const author = inlineStatement(POST_AUTHOR, [turnKey]);
        this.readAhead.push(inlineStatement(THREAD_WITH_SETTINGS, [turnKey]), inlineStatement(modSql.getPolicies, policies), author);
        // [HOT-10] Kept until this transaction sets a post author (the only write to the table).
        this.aheadHooks.set(author, (answer) => {
          this.ledger.authorsAhead.set(turnKey, (answer.rows[0] as { account: string } | undefined)?.account ?? null);
        });
      }
    }
  }

  async getThread(id: string): Promise<ThreadRecord | null> {
    if (!this.fold) {
      const row = await this.one<ThreadRow>(false, 'SELECT * FROM threads WHERE id = $1', [id]);
      return row ? toThread(row) : null;
    }
    // The gate check reads the thread and then its settings: both in one round trip (HOT-1).
    const row = await this.one<ThreadRow & { s_site: string | null; s_gates: string | null; s_updated_at: number | null }>(false, THREAD_WITH_SETTINGS, [id]);
    if (!row) return null;
    const { s_site: site, s_gates: gates, s_updated_at: updatedAt, ...thread } = row;
    this.settingsAhead.set(id, site === null || gates === null || updatedAt === null ? null : { site, gates, updated_at: updatedAt });
    return toThread(thread);
  }

  async getComment(thread: string, id: string): Promise<CommentRecord | null> {
    const row = await this.one<CommentRow>(false, 'SELECT * FROM comments WHERE id = $1 AND thread = $2', [id, thread]);
    if (row && this.fold) this.counts.set(`${thread}\n${id}`, { likes: row.likes, dislikes: row.dislikes });
    return row ? toComment(row) : null;
  }

  /** [HOT-14] A like's two reads in one statement: the comment, and the viewer's reaction to it. */
  async getCommentWithReaction(thread: string, id: string, userId: string): Promise<{ comment: CommentRecord; reaction: Reaction | null } | null> {
    const row = await this.one<CommentRow & { viewer_reaction: string | null }>(
      false,
      `SELECT c.*, r.value AS viewer_reaction FROM comments c
        LEFT JOIN reactions r ON r.comment = c.id AND r.user_id = $3 AND r.thread = $2 WHERE c.id = $1 AND c.thread = $2`,
      [id, thread, userId],
    );
    if (!row) return null;
    const { viewer_reaction: value, ...comment } = row;
    if (this.fold) this.counts.set(`${thread}\n${id}`, { likes: comment.likes, dislikes: comment.dislikes });
    return { comment: toComment(comment), reaction: value !== null && isReaction(value) ? value : null };
  }

  async listRoots(thread: string, sort: RootPosition['sort'], after: RootPosition | null, limit: number): Promise<CommentRecord[]> {
    const q = this.check();
    let result;
    if (sort === 'top') {
      result =
        after?.sort === 'top'
          ? await q<CommentRow>(
              pageSql.rootsTopAfter,
              [thread, after.score, after.seq, limit],
            )
          : await q<CommentRow>(pageSql.rootsTopFirst, [thread, limit]);
    } else if (sort === 'new') {
      result = await q<CommentRow>(pageSql.rootsNew, [
        thread,
        after ? after.seq : Number.MAX_SAFE_INTEGER,
        limit,
      ]);
    } else {
      result = await q<CommentRow>(pageSql.rootsOld, [
        thread,
        after ? after.seq : -1,
        limit,
      ]);
    }
    return result.rows.map(toComment);
  }

  async listReplies(thread: string, rootId: string, afterSeq: number | null, limit: number): Promise<CommentRecord[]> {
    const { rows } = await this.check()<CommentRow>(
      pageSql.replies,
      [thread, rootId, afterSeq ?? -1, limit],
    );
    return rows.map(toComment);
  }

  async listEvents(thread: string, since: number, limit: number): Promise<ThreadEvent[]> {
    const { rows } = await this.check()<{ payload: string }>(pageSql.listEvents, [
      thread,
      since,
      limit,
    ]);
    return rows.map((row) => JSON.parse(row.payload) as ThreadEvent);
  }

  async getReactions(thread: string, userId: string, commentIds: readonly string[]): Promise<Map<string, Reaction>> {
    const q = this.check();
    const reactions = new Map<string, Reaction>();
    if (commentIds.length === 0) return reactions;
    const { rows } = await q<{ comment: string; value: string }>(
      'SELECT comment, value FROM reactions WHERE thread = $1 AND user_id = $2 AND comment = ANY($3::text[])',
      [thread, userId, [...commentIds]],
    );
    for (const row of rows) if (isReaction(row.value)) reactions.set(row.comment, row.value);
    return reactions;
  }

  async getVote(thread: string, userId: string): Promise<Vote | null> {
    const row = await this.one<{ value: string }>(false, 'SELECT value FROM votes WHERE thread = $1 AND user_id = $2', [thread, userId]);
    return row && isVote(row.value) ? row.value : null;
  }

  /**
   * [HOT-3] In a write transaction, the request record is read outside it, as committed now: a
   * record is written once and never changed, so one found is the answer, and one not found yet
   * but committed meanwhile by a concurrent run makes this run's insert fail on the key, which
   * re-runs it (postgres-store.ts). Read inside, its index page would carry a predicate lock that
   * every other writer's record lands in — the commonest serialization failure of writers on
   * threads of their own.
   */
  async getRequest(userId: string, requestId: string): Promise<StoredRequest | null> {
    this.check();
    const key = `${userId}\n${requestId}`;
    const saved = this.savedRequests.get(key);
    if (saved) return saved;
    let found: Promise<StoredRequest | null>;
    if (this.committed && this.early?.found && this.early.key === key) {
      // [HOT-7] Looked for while the write was queued: no round trip in the thread's turn.
      found = this.early.found;
      this.early.found = undefined;
    } else {
      found = lookRequest(this.committed ?? this.run, userId, requestId);
    }
    const record = await found;
    if (!record && this.committed) this.lookedForRequest = true;
    return record;
  }

  async listThreads(site: string, after: ThreadListPosition | null, limit: number): Promise<ThreadRecord[]> {
    const q = this.check();
    const { rows } = after
      ? await q<ThreadRow>(
          'SELECT * FROM threads WHERE site = $1 AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT $4',
          [site, after.createdAt, after.id, limit],
        )
      : await q<ThreadRow>('SELECT * FROM threads WHERE site = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [site, limit]);
    return rows.map(toThread);
  }

  async ensureThread(id: string, title: string | null, url: string | null, at: number, options: NewThreadOptions = {}): Promise<ThreadRecord> {
    const q = this.check(true);
    await q('INSERT INTO threads (id, site, origin, title, url, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING', [
      id,
      options.site ?? siteOfKey(id),
      options.origin ?? 'admin',
      title,
      url,
      at,
    ]);
    return toThread((await q<ThreadRow>('SELECT * FROM threads WHERE id = $1', [id])).rows[0]!);
  }

  async updateThread(id: string, meta: ThreadMetaUpdate): Promise<ThreadRecord | null> {
    const row = await this.one<ThreadRow>(
      true,
      `UPDATE threads SET title = coalesce($2, title), url = coalesce($3, url), claim_iat = coalesce($4, claim_iat)
        WHERE id = $1 RETURNING *`,
      [id, meta.title ?? null, meta.url ?? null, meta.claimIat ?? null],
    );
    return row ? toThread(row) : null;
  }

  async publishThread(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.check(true)('UPDATE threads SET published_at = $2 WHERE id = $1 AND published_at IS NULL', [id, at]);
    return rowCount === 1;
  }

  async nextSeq(thread: string, counts?: CountDelta): Promise<number> {
    const row = counts
      ? await this.one<{ seq: number }>(
          true,
          'UPDATE threads SET seq = seq + 1, comment_count = comment_count + $2, plus = plus + $3, minus = minus + $4 WHERE id = $1 RETURNING seq',
          [thread, counts.comments ?? 0, counts.plus ?? 0, counts.minus ?? 0],
        )
      : await this.one<{ seq: number }>(true, 'UPDATE threads SET seq = seq + 1 WHERE id = $1 RETURNING seq', [thread]);
    if (!row) throw new Error(`nextSeq: thread ${thread} does not exist`);
    return row.seq;
  }

  async appendEvent(thread: string, event: ThreadEvent): Promise<void> {
    await this.blind('INSERT INTO events (thread, seq, type, payload, at) VALUES ($1, $2, $3, $4, $5)', [
      thread,
      event.seq,
      event.type,
      toJson(event),
      event.at,
    ]);
  }

  async adjustThreadCounts(thread: string, delta: CountDelta): Promise<ThreadRecord> {
    const row = await this.one<ThreadRow>(
      true,
      'UPDATE threads SET comment_count = comment_count + $2, plus = plus + $3, minus = minus + $4 WHERE id = $1 RETURNING *',
      [thread, delta.comments ?? 0, delta.plus ?? 0, delta.minus ?? 0],
    );
    if (!row) throw new Error(`adjustThreadCounts: thread ${thread} does not exist`);
    return toThread(row);
  }

  async insertComment(c: NewComment): Promise<CommentRecord> {
    const row = newCommentRow(c);
    const values = [
      row.id,
      row.thread,
      row.root_id,
      row.parent_id,
      row.reply_to_id,
      row.reply_to_name,
      row.depth,
      row.seq,
      row.author_id,
      row.author_name,
      row.author_avatar,
      row.author_level,
      row.body,
      row.created_at,
      row.doc,
      row.mentions,
    ];
    // [HOT-11] Folded, the row it returns is known: the INSERT goes blind, with the next round trip
    // (a key or check it breaks fails the transaction there, whole, as any HOT-1 write).
    if (this.fold && inlineableValues(values)) {
      await this.blind(INSERT_COMMENT, values);
      this.counts.set(`${c.thread}\n${c.id}`, { likes: 0, dislikes: 0 });
      return toComment(row);
    }
    const returned = await this.one<CommentRow>(
      true,
      `${INSERT_COMMENT} RETURNING *`,
      [
        ...values,
      ],
    );
    return toComment(returned!);
  }

  async setCommentBody(thread: string, id: string, body: string, editedAt: number): Promise<void> {
    await this.blind('UPDATE comments SET body = $1, edited_at = $2 WHERE thread = $3 AND id = $4', [body, editedAt, thread, id]);
  }

  async markCommentDeleted(thread: string, id: string, deletedAt: number): Promise<void> {
    await this.blind("UPDATE comments SET body = '', doc = NULL, mentions = NULL, deleted_at = $1 WHERE thread = $2 AND id = $3", [deletedAt, thread, id]);
  }

  async adjustReplyCount(thread: string, rootId: string, delta: number): Promise<void> {
    await this.blind('UPDATE comments SET reply_count = reply_count + $1 WHERE thread = $2 AND id = $3', [delta, thread, rootId]);
  }

  async adjustReactionCounts(thread: string, id: string, likes: number, dislikes: number): Promise<{ likes: number; dislikes: number }> {
    const key = `${thread}\n${id}`;
    const known = this.counts.get(key);
    const text = 'UPDATE comments SET likes = likes + $1, dislikes = dislikes + $2 WHERE thread = $3 AND id = $4';
    // [HOT-11] The counts it returns are known: the UPDATE goes blind (a negative count is sent and refused as before).
    if (known && known.likes + likes >= 0 && known.dislikes + dislikes >= 0) {
      const after = { likes: known.likes + likes, dislikes: known.dislikes + dislikes };
      await this.blind(text, [likes, dislikes, thread, id]);
      this.counts.set(key, after);
      return { ...after };
    }
    this.counts.delete(key);
    const row = await this.one<{ likes: number; dislikes: number }>(
      true,
      'UPDATE comments SET likes = likes + $1, dislikes = dislikes + $2 WHERE thread = $3 AND id = $4 RETURNING likes, dislikes',
      [likes, dislikes, thread, id],
    );
    if (!row) throw new Error(`adjustReactionCounts: comment ${id} does not exist`);
    return row;
  }

  async setReaction(thread: string, commentId: string, userId: string, value: Reaction | null): Promise<void> {
    if (value) {
      await this.blind(
        `INSERT INTO reactions (thread, comment, user_id, value) VALUES ($1, $2, $3, $4)
          ON CONFLICT (comment, user_id) DO UPDATE SET value = EXCLUDED.value`,
        [thread, commentId, userId, value],
      );
    } else {
      await this.blind('DELETE FROM reactions WHERE thread = $1 AND comment = $2 AND user_id = $3', [thread, commentId, userId]);
    }
  }

  async setVote(thread: string, userId: string, value: Vote | null): Promise<void> {
    if (value) {
      await this.blind('INSERT INTO votes (thread, user_id, value) VALUES ($1, $2, $3) ON CONFLICT (thread, user_id) DO UPDATE SET value = EXCLUDED.value', [
        thread,
        userId,
        value,
      ]);
    } else {
      await this.blind('DELETE FROM votes WHERE thread = $1 AND user_id = $2', [thread, userId]);
    }
  }

  async saveRequest(userId: string, requestId: string, request: StoredRequest): Promise<void> {
    // What this transaction saved, it sees (its own write is not committed yet for the outside read).
    if (this.committed) this.savedRequests.set(`${userId}\n${requestId}`, { ...request, result: JSON.parse(JSON.stringify(request.result ?? null)) as unknown });
    await this.blind('INSERT INTO requests (user_id, request_id, fingerprint, result, created_at) VALUES ($1, $2, $3, $4, $5)', [
      userId,
      requestId,
      request.fingerprint,
      toJson(request.result),
      request.createdAt,
    ]);
  }

}
