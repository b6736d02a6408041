/**
 * A schema for every inbound payload. Objects are strict: unknown keys are rejected, so a client
 * cannot smuggle server-owned fields (author, counts, timestamps) or prototype keys in.
 * This module is a separate entry (`@parley/protocol/schemas`) so the widget never bundles zod.
 */
import { z } from 'zod';
import { FlagReasons, Limits, MAX_FLAG_NOTE_LENGTH, ReactionValues, Sorts, VoteValues } from './constants.js';
import { MAX_GATE_LEVEL } from './gates.js';
import { EconomyInputSchemas } from './economy-schemas.js';
import { RealtimeInputSchemas } from './realtime-schemas.js';

const id = z.string().min(1).max(Limits.maxIdLength);

/** Thread ids are chosen by publishers: letters, digits and `._:/-`, e.g. `news/2025/iran-mediation`. */
export const threadId = z
  .string()
  .min(1)
  .max(Limits.maxIdLength)
  .regex(/^[A-Za-z0-9._:/-]+$/, 'use letters, digits and . _ : / - only');

export const requestId = id;
/** Bodies are length-checked again after trimming, with their own error code (`body_too_long`). */
const body = z.string().max(Limits.maxPacketBytes);
const pageSize = z.number().int().min(1).max(Limits.maxPageSize);
const cursor = z.string().min(1).max(512);

const gateLevel = z.number().int().min(0).max(MAX_GATE_LEVEL);

/**
 * Gates a page asks for (`comment-level="15"` → `{ comment: 15 }`). The server keeps only those that
 * tighten the site's gates, and only when the thread is first created from an allowed origin.
 */
export const GateTightenings = z.strictObject({
  react: gateLevel.optional(),
  plus: gateLevel.optional(),
  minus: gateLevel.optional(),
  comment: gateLevel.optional(),
  reply: gateLevel.optional(),
  flag: gateLevel.optional(),
  notes: gateLevel.optional(),
  report: gateLevel.optional(),
});

/** A fresh token over the open socket (refresh before expiry, or sign in/out); `null` = become a guest. */
export const SessionAuthInput = z.strictObject({
  token: z.string().min(1).max(Limits.maxTokenLength).nullable(),
});

export const ThreadJoinInput = z.strictObject({
  thread: threadId,
  since: z.number().int().min(0).optional(),
  sort: z.enum(Sorts).optional(),
  pageSize: pageSize.optional(),
  /**
   * The host's signed thread claim (the widget's `thread-token`): the only way a page can set the
   * thread's title, URL, gates or author. Unsigned attributes are never sent.
   */
  claim: z.string().min(1).max(Limits.maxTokenLength).optional(),
  /** The page's canonical URL: used only by paste-and-go creation, and only when it is on the page's Origin. */
  url: z.string().max(2000).optional(),
  /**
   * With `since`: comments the client already shows (a first page it had over HTTP, SPEC PAINT-6), whose
   * reactions by this reader the answer's `viewer.reactions` then includes, so a signed-in reader
   * need not ask for a snapshot again.
   */
  reactionsFor: z.array(id).max(Limits.maxPageSize * (1 + Limits.repliesPerRoot)).optional(),
});

export const ThreadLeaveInput = z.strictObject({ thread: threadId });

export const CommentPageInput = z.strictObject({
  thread: threadId,
  sort: z.enum(Sorts),
  cursor,
  pageSize: pageSize.optional(),
});

export const CommentRepliesInput = z.strictObject({
  thread: threadId,
  rootId: id,
  cursor: cursor.nullable().optional(),
  pageSize: pageSize.optional(),
});

export const CommentPostInput = z.strictObject({
  requestId,
  thread: threadId,
  parentId: id.nullable().optional(),
  body,
});

export const CommentEditInput = z.strictObject({ requestId, thread: threadId, commentId: id, body });

export const CommentDeleteInput = z.strictObject({ requestId, thread: threadId, commentId: id });

export const CommentReactInput = z.strictObject({
  requestId,
  thread: threadId,
  commentId: id,
  value: z.enum(ReactionValues).nullable(),
});

export const CommentHideInput = z.strictObject({ requestId, thread: threadId, commentId: id, hidden: z.boolean() });

export const CommentFlagInput = z.strictObject({
  requestId,
  thread: threadId,
  commentId: id,
  reason: z.enum(FlagReasons),
  note: z.string().max(MAX_FLAG_NOTE_LENGTH).optional(),
});

/** Moderators and admins only: the words of a comment a moderator hid, to review it knowingly. */
export const CommentHiddenBodyInput = z.strictObject({ thread: threadId, commentId: id });

export const PostVoteInput = z.strictObject({
  requestId,
  thread: threadId,
  value: z.enum(VoteValues).nullable(),
});

export type ThreadJoinInput = z.infer<typeof ThreadJoinInput>;
export type ThreadLeaveInput = z.infer<typeof ThreadLeaveInput>;
export type CommentPageInput = z.infer<typeof CommentPageInput>;
export type CommentRepliesInput = z.infer<typeof CommentRepliesInput>;
export type CommentPostInput = z.infer<typeof CommentPostInput>;
export type CommentEditInput = z.infer<typeof CommentEditInput>;
export type CommentDeleteInput = z.infer<typeof CommentDeleteInput>;
export type CommentReactInput = z.infer<typeof CommentReactInput>;
export type PostVoteInput = z.infer<typeof PostVoteInput>;
export type CommentHideInput = z.infer<typeof CommentHideInput>;
export type CommentFlagInput = z.infer<typeof CommentFlagInput>;
export type CommentHiddenBodyInput = z.infer<typeof CommentHiddenBodyInput>;
export type GateTightenings = z.infer<typeof GateTightenings>;
export type SessionAuthInput = z.infer<typeof SessionAuthInput>;

export * from './economy-schemas.js';
export * from './realtime-schemas.js';

/** Event name → its schema. A Map, so a client string never indexes a plain object. */
export const InputSchemas = new Map<string, z.ZodType>([
  ['thread:join', ThreadJoinInput],
  ['thread:leave', ThreadLeaveInput],
  ['comments:page', CommentPageInput],
  ['comments:replies', CommentRepliesInput],
  ['comment:post', CommentPostInput],
  ['comment:edit', CommentEditInput],
  ['comment:delete', CommentDeleteInput],
  ['comment:react', CommentReactInput],
  ['comment:hide', CommentHideInput],
  ['comment:flag', CommentFlagInput],
  ['comment:hidden-body', CommentHiddenBodyInput],
  ['post:vote', PostVoteInput],
  ['session:auth', SessionAuthInput],
  ...EconomyInputSchemas,
  ...RealtimeInputSchemas,
]);

/** Turns zod issues into short, readable lines: `body: expected string, received number`. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(payload)',
    message: issue.message,
  }));
}
