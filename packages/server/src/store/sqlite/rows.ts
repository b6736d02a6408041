import type { Reaction, RichText, Vote } from '@parley/protocol';
import type { Mention } from '../../domain/markdown.js';
import type { CommentRecord, ThreadOrigin, ThreadRecord } from '../types.js';

export interface ThreadRow {
  id: string;
  title: string | null;
  url: string | null;
  seq: number;
  comment_count: number;
  plus: number;
  minus: number;
  created_at: number;
  /** Migration 6. */
  site?: string;
  origin?: string;
  published_at?: number | null;
  claim_iat?: number | null;
}

export interface CommentRow {
  id: string;
  thread: string;
  root_id: string;
  parent_id: string | null;
  reply_to_id: string | null;
  reply_to_name: string | null;
  depth: number;
  seq: number;
  author_id: string;
  author_name: string;
  author_avatar: string | null;
  author_level: number;
  body: string;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  /** Migration 2. */
  hidden_at?: number | null;
  likes: number;
  dislikes: number;
  score: number;
  reply_count: number;
  /** Migration 5. */
  flag_count?: number;
  /** Migration 10: JSON, NULL for none. */
  doc?: string | null;
  mentions?: string | null;
}

export const toThread = (row: ThreadRow): ThreadRecord => ({
  id: row.id,
  title: row.title,
  url: row.url,
  seq: row.seq,
  commentCount: row.comment_count,
  plus: row.plus,
  minus: row.minus,
  createdAt: row.created_at,
  site: row.site ?? '?',
  origin: (row.origin ?? 'legacy') as ThreadOrigin,
  publishedAt: row.published_at ?? null,
  claimIat: row.claim_iat ?? null,
});

export const toComment = (row: CommentRow): CommentRecord => ({
  id: row.id,
  thread: row.thread,
  rootId: row.root_id,
  parentId: row.parent_id,
  replyToId: row.reply_to_id,
  replyToName: row.reply_to_name,
  depth: row.depth,
  seq: row.seq,
  author: { id: row.author_id, name: row.author_name, avatar: row.author_avatar, level: row.author_level },
  body: row.body,
  ...(row.doc != null && { doc: JSON.parse(row.doc) as RichText }),
  createdAt: row.created_at,
  editedAt: row.edited_at,
  deletedAt: row.deleted_at,
  ...(row.hidden_at != null && { hiddenAt: row.hidden_at }),
  likes: row.likes,
  dislikes: row.dislikes,
  score: row.score,
  replyCount: row.reply_count,
  flagCount: row.flag_count ?? 0,
  ...(row.mentions != null && { mentions: JSON.parse(row.mentions) as Mention[] }),
});

export const isReaction = (value: unknown): value is Reaction => value === 'like' || value === 'dislike';
export const isVote = (value: unknown): value is Vote => value === 'plus' || value === 'minus';
