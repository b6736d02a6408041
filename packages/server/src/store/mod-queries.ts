/**
 * The storage of pre-moderation, bans, the moderators' audit log and the console's queues
 * (SPEC PREMOD-*, BAN-*, MODLOG-*, CON-*). One implementation for both stores: the statements are
 * written once, in the common subset of SQLite and PostgreSQL, with `$n` placeholders each used once
 * and in order (SQLite gets them as `?`); each store runs them on its own transaction (`tx.mod`).
 *
 * A held comment is NOT a row of `comments` until it is approved: it takes no seq, writes no event,
 * counts nowhere and no page, join or replay can reach it — only its author's own view (listOwnHeld)
 * and the moderators' queue. Approval inserts the comment with the thread's next seq.
 */
import type { AuthorView } from '@parley/protocol';
import type { CommentRecord } from './types.js';

export type HeldState = 'held' | 'muted' | 'approved' | 'rejected';

export interface HeldComment {
  id: string;
  site: string;
  /** The thread KEY (`<site>:<id>`). */
  thread: string;
  parentId: string | null;
  author: AuthorView;
  body: string;
  createdAt: number;
  state: HeldState;
  reasons: string[];
  tags: string[];
  requestId: string;
  decidedAt: number | null;
  decidedBy: string | null;
}

export type BanKind = 'ban' | 'suspend' | 'mute';

export interface BanRecord {
  site: string;
  userId: string;
  kind: BanKind;
  /** ms epoch; null = until lifted. A suspension always has one. */
  until: number | null;
  reason: string | null;
  byId: string;
  byName: string;
  at: number;
}

export interface ModLogEntry {
  id: number;
  site: string;
  at: number;
  actorId: string;
  actorName: string;
  actorRole: string;
  action: string;
  /** The thread's public id, when the action was about a comment or a thread. */
  thread: string | null;
  commentId: string | null;
  userId: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
}

export type NewModLogEntry = Omit<ModLogEntry, 'id'>;

/** Per-site (thread '') or per-thread pre-moderation, as a host set it in the console. */
export interface PremodPolicy {
  /** Hold every comment. */
  all?: boolean;
  /** Hold comments of readers below this level. */
  belowLevel?: number;
  /** Hold a reader's first N comments on the site (counting only published ones). */
  firstComments?: number;
  /** Hold comments that contain a link. */
  links?: boolean;
}

/** A reader's standing on a site, for the reported-readers queue. */
export interface ReportedReader {
  userId: string;
  name: string;
  flags: number;
  flaggedComments: number;
}

/** The console's queue counts (`recent` has none: it is every comment). */
export interface QueueCounts {
  held: number;
  flagged: number;
  readers: number;
  bans: number;
}

export interface ModReadTx {
  getHeld(id: string): Promise<HeldComment | null>;
  /** The author's own held and muted comments of one thread, oldest first. */
  listOwnHeld(thread: string, authorId: string): Promise<HeldComment[]>;
  /** A site's held comments in `state`, oldest first (the queue is worked in order). */
  listHeld(site: string, state: HeldState, limit: number): Promise<HeldComment[]>;
  countHeld(site: string): Promise<number>;
  /** How many items each console queue holds now (SPEC CON-7): one indexed COUNT each. */
  countQueues(site: string, now: number): Promise<QueueCounts>;
  getBan(site: string, userId: string): Promise<BanRecord | null>;
  listBans(site: string, limit: number): Promise<BanRecord[]>;
  /** Newest first, strictly before `beforeId` when given. */
  listLog(site: string, beforeId: number | null, limit: number, filter?: { userId?: string }): Promise<ModLogEntry[]>;
  /** Comments with flags no moderator has reviewed yet, most flagged first. */
  listFlagged(site: string, limit: number): Promise<CommentRecord[]>;
  /** The newest comments of the site. */
  listRecent(site: string, limit: number): Promise<CommentRecord[]>;
  /** One reader's comments across the site's threads, newest first. */
  listByAuthor(site: string, userId: string, limit: number): Promise<CommentRecord[]>;
  /** How many comments the reader has published on the site (deleted ones too). */
  countByAuthor(site: string, userId: string): Promise<number>;
  reportedReaders(site: string, limit: number): Promise<ReportedReader[]>;
  getPolicy(site: string, thread: string): Promise<PremodPolicy | null>;
  /** [DUR-11] The site's own policy override (`siteScope`) and the thread's, in one read. */
  getPolicies(site: string, siteScope: string, thread: string): Promise<{ site: PremodPolicy | null; thread: PremodPolicy | null }>;
  /**
   * The latest revocation time of any of `subjects` (`sid:<id>`, `mod:<moderator>`: a console
   * session, SPEC CON-8; store/console-sessions-sql.ts), or null when none is revoked.
   */
  consoleRevokedAt(site: string, subjects: readonly [string, string]): Promise<number | null>;
}

export interface ModWriteTx extends ModReadTx {
  insertHeld(comment: Omit<HeldComment, 'decidedAt' | 'decidedBy'>): Promise<void>;
  /** held → approved/rejected (or muted → rejected); false when it was not in `from` any more (a race, a retry). */
  decideHeld(id: string, from: HeldState, to: HeldState, at: number, by: string): Promise<boolean>;
  setBan(ban: BanRecord): Promise<void>;
  /** True when there was one. */
  deleteBan(site: string, userId: string): Promise<boolean>;
  appendLog(entry: NewModLogEntry): Promise<void>;
  /** A moderator looked at the comment's flags: it leaves the flagged queue until flagged again. */
  reviewFlags(thread: string, commentId: string): Promise<void>;
  setPolicy(site: string, thread: string, policy: PremodPolicy | null, at: number): Promise<void>;
  /** Revokes the console sessions of `subject` signed in at or before `at`; forgets rows past their expiry. */
  revokeConsole(site: string, subject: string, at: number, expiresAt: number): Promise<void>;
}

/** The statements, by name. Columns by name, never `*` across a join. */
export const modSql = {
  insertHeld: `INSERT INTO held_comments (id, site, thread, parent_id, author_id, author_name, author_avatar, author_level,
      body, created_at, state, reasons, tags, request_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
  getHeld: 'SELECT * FROM held_comments WHERE id = $1',
  listOwnHeld: `SELECT * FROM held_comments WHERE thread = $1 AND author_id = $2 AND state IN ('held', 'muted')
    ORDER BY created_at, id LIMIT 200`,
  listHeld: 'SELECT * FROM held_comments WHERE site = $1 AND state = $2 ORDER BY created_at, id LIMIT $3',
  countHeld: "SELECT COUNT(*) AS n FROM held_comments WHERE site = $1 AND state = 'held'",
  countFlagged: `SELECT COUNT(*) AS n FROM comments c JOIN threads t ON t.id = c.thread
    WHERE t.site = $1 AND c.flag_count > c.flags_reviewed AND c.deleted_at IS NULL`,
  countReported: `SELECT COUNT(DISTINCT c.author_id) AS n FROM comments c JOIN threads t ON t.id = c.thread
    WHERE t.site = $1 AND c.flag_count > 0`,
  countBans: 'SELECT COUNT(*) AS n FROM bans WHERE site = $1 AND (until_at IS NULL OR until_at > $2)',
  decideHeld: 'UPDATE held_comments SET state = $1, decided_at = $2, decided_by = $3 WHERE id = $4 AND state = $5',
  getBan: 'SELECT * FROM bans WHERE site = $1 AND user_id = $2',
  listBans: 'SELECT * FROM bans WHERE site = $1 ORDER BY at DESC LIMIT $2',
  setBan: `INSERT INTO bans (site, user_id, kind, until_at, reason, by_id, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (site, user_id) DO UPDATE SET kind = excluded.kind, until_at = excluded.until_at, reason = excluded.reason,
      by_id = excluded.by_id, by_name = excluded.by_name, at = excluded.at`,
  deleteBan: 'DELETE FROM bans WHERE site = $1 AND user_id = $2',
  appendLog: `INSERT INTO moderation_log (site, at, actor_id, actor_name, actor_role, action, thread, comment_id, user_id, reason, detail)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
  listLogFirst: 'SELECT * FROM moderation_log WHERE site = $1 ORDER BY id DESC LIMIT $2',
  listLogBefore: 'SELECT * FROM moderation_log WHERE site = $1 AND id < $2 ORDER BY id DESC LIMIT $3',
  listLogUser: 'SELECT * FROM moderation_log WHERE site = $1 AND user_id = $2 ORDER BY id DESC LIMIT $3',
  listFlagged: `SELECT c.* FROM comments c JOIN threads t ON t.id = c.thread
    WHERE t.site = $1 AND c.flag_count > c.flags_reviewed AND c.deleted_at IS NULL
    ORDER BY c.flag_count DESC, c.created_at DESC LIMIT $2`,
  listRecent: `SELECT c.* FROM comments c JOIN threads t ON t.id = c.thread WHERE t.site = $1
    ORDER BY c.created_at DESC, c.id DESC LIMIT $2`,
  listByAuthor: `SELECT c.* FROM comments c JOIN threads t ON t.id = c.thread WHERE c.author_id = $1 AND t.site = $2
    ORDER BY c.created_at DESC, c.id DESC LIMIT $3`,
  countByAuthor: 'SELECT COUNT(*) AS n FROM comments c JOIN threads t ON t.id = c.thread WHERE c.author_id = $1 AND t.site = $2',
  reportedReaders: `SELECT c.author_id AS user_id, MAX(c.author_name) AS name, SUM(c.flag_count) AS flags, COUNT(*) AS flagged
    FROM comments c JOIN threads t ON t.id = c.thread WHERE t.site = $1 AND c.flag_count > 0
    GROUP BY c.author_id ORDER BY SUM(c.flag_count) DESC, c.author_id LIMIT $2`,
  reviewFlags: 'UPDATE comments SET flags_reviewed = flag_count WHERE thread = $1 AND id = $2',
  getPolicy: 'SELECT policy FROM moderation_settings WHERE site = $1 AND thread = $2',
  getPolicies: 'SELECT thread, policy FROM moderation_settings WHERE site = $1 AND thread IN ($2, $3)',
  setPolicy: `INSERT INTO moderation_settings (site, thread, policy, updated_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (site, thread) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at`,
  deletePolicy: 'DELETE FROM moderation_settings WHERE site = $1 AND thread = $2',
  consoleRevokedAt: 'SELECT MAX(before_at) AS at FROM console_revocations WHERE site = $1 AND subject IN ($2, $3)',
  revokeConsole: `INSERT INTO console_revocations (site, subject, before_at, expires_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (site, subject) DO UPDATE SET before_at = excluded.before_at, expires_at = excluded.expires_at`,
  forgetConsoleRevocations: 'DELETE FROM console_revocations WHERE expires_at < $1',
} as const;

export type ModStatement = keyof typeof modSql;

/** Runs a named statement: rows for a query, [] for a change (with how many rows it changed). */
export type ModRunner = (write: boolean, name: ModStatement, params: unknown[]) => Promise<{ rows: Record<string, unknown>[]; changes: number }>;

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const toHeld = (r: Row): HeldComment => ({
  id: str(r.id),
  site: str(r.site),
  thread: str(r.thread),
  parentId: strOrNull(r.parent_id),
  author: { id: str(r.author_id), name: str(r.author_name), avatar: strOrNull(r.author_avatar), level: num(r.author_level) },
  body: str(r.body),
  createdAt: num(r.created_at),
  state: str(r.state) as HeldState,
  reasons: JSON.parse(str(r.reasons)) as string[],
  tags: JSON.parse(str(r.tags)) as string[],
  requestId: str(r.request_id),
  decidedAt: numOrNull(r.decided_at),
  decidedBy: strOrNull(r.decided_by),
});

const toBan = (r: Row): BanRecord => ({
  site: str(r.site),
  userId: str(r.user_id),
  kind: str(r.kind) as BanKind,
  until: numOrNull(r.until_at),
  reason: strOrNull(r.reason),
  byId: str(r.by_id),
  byName: str(r.by_name),
  at: num(r.at),
});

const toLog = (r: Row): ModLogEntry => ({
  id: num(r.id),
  site: str(r.site),
  at: num(r.at),
  actorId: str(r.actor_id),
  actorName: str(r.actor_name),
  actorRole: str(r.actor_role),
  action: str(r.action),
  thread: strOrNull(r.thread),
  commentId: strOrNull(r.comment_id),
  userId: strOrNull(r.user_id),
  reason: strOrNull(r.reason),
  detail: JSON.parse(str(r.detail)) as Record<string, unknown>,
});

/** `tx.mod` of both stores; `toComment` is the store's own row mapping. */
export class ModQueries implements ModWriteTx {
  constructor(
    private readonly run: ModRunner,
    private readonly toComment: (row: never) => CommentRecord,
  ) {}

  private async rows(name: ModStatement, params: unknown[]): Promise<Row[]> {
    return (await this.run(false, name, params)).rows;
  }

  private async change(name: ModStatement, params: unknown[]): Promise<number> {
    return (await this.run(true, name, params)).changes;
  }

  private comments(rows: Row[]): CommentRecord[] {
    return rows.map((row) => this.toComment(row as never));
  }

  async getHeld(id: string): Promise<HeldComment | null> {
    const [row] = await this.rows('getHeld', [id]);
    return row ? toHeld(row) : null;
  }

  async listOwnHeld(thread: string, authorId: string): Promise<HeldComment[]> {
    return (await this.rows('listOwnHeld', [thread, authorId])).map(toHeld);
  }

  async listHeld(site: string, state: HeldState, limit: number): Promise<HeldComment[]> {
    return (await this.rows('listHeld', [site, state, limit])).map(toHeld);
  }

  async countHeld(site: string): Promise<number> {
    return num((await this.rows('countHeld', [site]))[0]?.n ?? 0);
  }

  async countQueues(site: string, now: number): Promise<QueueCounts> {
    const count = async (name: ModStatement, params: unknown[]): Promise<number> => num((await this.rows(name, params))[0]?.n ?? 0);
    return {
      held: await count('countHeld', [site]),
      flagged: await count('countFlagged', [site]),
      readers: await count('countReported', [site]),
      bans: await count('countBans', [site, now]),
    };
  }

  async getBan(site: string, userId: string): Promise<BanRecord | null> {
    const [row] = await this.rows('getBan', [site, userId]);
    return row ? toBan(row) : null;
  }

  async listBans(site: string, limit: number): Promise<BanRecord[]> {
    return (await this.rows('listBans', [site, limit])).map(toBan);
  }

  async listLog(site: string, beforeId: number | null, limit: number, filter: { userId?: string } = {}): Promise<ModLogEntry[]> {
    if (filter.userId) return (await this.rows('listLogUser', [site, filter.userId, limit])).map(toLog);
    const rows = beforeId === null ? await this.rows('listLogFirst', [site, limit]) : await this.rows('listLogBefore', [site, beforeId, limit]);
    return rows.map(toLog);
  }

  async listFlagged(site: string, limit: number): Promise<CommentRecord[]> {
    return this.comments(await this.rows('listFlagged', [site, limit]));
  }

  async listRecent(site: string, limit: number): Promise<CommentRecord[]> {
    return this.comments(await this.rows('listRecent', [site, limit]));
  }

  async listByAuthor(site: string, userId: string, limit: number): Promise<CommentRecord[]> {
    return this.comments(await this.rows('listByAuthor', [userId, site, limit]));
  }

  async countByAuthor(site: string, userId: string): Promise<number> {
    return num((await this.rows('countByAuthor', [userId, site]))[0]?.n ?? 0);
  }

  async reportedReaders(site: string, limit: number): Promise<ReportedReader[]> {
    return (await this.rows('reportedReaders', [site, limit])).map((r) => ({
      userId: str(r.user_id),
      name: str(r.name),
      flags: num(r.flags),
      flaggedComments: num(r.flagged),
    }));
  }

  async consoleRevokedAt(site: string, subjects: readonly [string, string]): Promise<number | null> {
    return numOrNull((await this.rows('consoleRevokedAt', [site, subjects[0], subjects[1]]))[0]?.at);
  }

  async revokeConsole(site: string, subject: string, at: number, expiresAt: number): Promise<void> {
    await this.change('forgetConsoleRevocations', [at]);
    await this.change('revokeConsole', [site, subject, at, expiresAt]);
  }

  async getPolicy(site: string, thread: string): Promise<PremodPolicy | null> {
    const [row] = await this.rows('getPolicy', [site, thread]);
    return row ? (JSON.parse(str(row.policy)) as PremodPolicy) : null;
  }

  async getPolicies(site: string, siteScope: string, thread: string): Promise<{ site: PremodPolicy | null; thread: PremodPolicy | null }> {
    const policies = { site: null as PremodPolicy | null, thread: null as PremodPolicy | null };
    for (const row of await this.rows('getPolicies', [site, siteScope, thread])) {
      const policy = JSON.parse(str(row.policy)) as PremodPolicy;
      if (str(row.thread) === siteScope) policies.site = policy;
      else policies.thread = policy;
    }
    return policies;
  }

  async insertHeld(c: Omit<HeldComment, 'decidedAt' | 'decidedBy'>): Promise<void> {
    await this.change('insertHeld', [
      c.id,
      c.site,
      c.thread,
      c.parentId,
      c.author.id,
      c.author.name,
      c.author.avatar,
      c.author.level,
      c.body,
      c.createdAt,
      c.state,
      JSON.stringify(c.reasons),
      JSON.stringify(c.tags),
      c.requestId,
    ]);
  }

  async decideHeld(id: string, from: HeldState, to: HeldState, at: number, by: string): Promise<boolean> {
    return (await this.change('decideHeld', [to, at, by, id, from])) === 1;
  }

  async setBan(b: BanRecord): Promise<void> {
    await this.change('setBan', [b.site, b.userId, b.kind, b.until, b.reason, b.byId, b.byName, b.at]);
  }

  async deleteBan(site: string, userId: string): Promise<boolean> {
    return (await this.change('deleteBan', [site, userId])) > 0;
  }

  async appendLog(e: NewModLogEntry): Promise<void> {
    await this.change('appendLog', [e.site, e.at, e.actorId, e.actorName, e.actorRole, e.action, e.thread, e.commentId, e.userId, e.reason, JSON.stringify(e.detail)]);
  }

  async reviewFlags(thread: string, commentId: string): Promise<void> {
    await this.change('reviewFlags', [thread, commentId]);
  }

  async setPolicy(site: string, thread: string, policy: PremodPolicy | null, at: number): Promise<void> {
    if (policy === null) await this.change('deletePolicy', [site, thread]);
    else await this.change('setPolicy', [site, thread, JSON.stringify(policy), at]);
  }
}
