import type {
  ClientEventName,
  CommentDeleteInput,
  CommentEditInput,
  CommentFlagInput,
  CommentHiddenBodyInput,
  CommentHideInput,
  CommentPageInput,
  CommentPostInput,
  CommentReactInput,
  CommentRepliesInput,
  PostVoteInput,
  SessionAuthInput,
  ThreadJoinInput,
  ThreadLeaveInput,
} from '@parley/protocol';
import {
  deleteComment,
  editComment,
  flagComment,
  hideComment,
  joinThread,
  listComments,
  listReplies,
  postComment,
  reactComment,
  readHiddenBody,
  votePost,
  type CommandContext,
  type CommandOutput,
} from '../commands/index.js';
import { sessionAuth } from './session-auth.js';
import { economyHandlers, economyMutatingEvents } from './economy-handlers.js';
import { roomOf, type Caller } from './types.js';

/** A handler gets input already validated against the event's schema. */
export type Handler = (ctx: CommandContext, caller: Caller, input: unknown) => Promise<CommandOutput<unknown>>;

const typed =
  <I>(fn: (ctx: CommandContext, caller: Caller, input: I) => Promise<CommandOutput<unknown>>): Handler =>
  (ctx, caller, input) =>
    fn(ctx, caller, input as I);

/**
 * Event name → handler. A Map, never a plain object, so a client-chosen name like `__proto__` or
 * `constructor` can only miss.
 */
export const handlers: ReadonlyMap<string, Handler> = new Map<ClientEventName, Handler>([
  [
    'thread:join',
    typed<ThreadJoinInput>(async (ctx, caller, input) => {
      const room = roomOf(input.thread);
      // Join the room before reading the snapshot: an event committed in between then arrives
      // live (the widget drops seqs it already has) instead of falling into a gap.
      await caller.socket?.join(room);
      try {
        return await joinThread(ctx, caller.identity, input, caller.site ?? undefined);
      } catch (error) {
        await caller.socket?.leave(room);
        throw error;
      }
    }),
  ],
  [
    'thread:leave',
    typed<ThreadLeaveInput>(async (_ctx, caller, input) => {
      await caller.socket?.leave(roomOf(input.thread));
      return { result: null, events: [] };
    }),
  ],
  ['comments:page', typed<CommentPageInput>((ctx, caller, input) => listComments(ctx, caller.identity, input))],
  ['comments:replies', typed<CommentRepliesInput>((ctx, caller, input) => listReplies(ctx, caller.identity, input))],
  ['comment:post', typed<CommentPostInput>((ctx, caller, input) => postComment(ctx, caller.identity, input))],
  ['comment:edit', typed<CommentEditInput>((ctx, caller, input) => editComment(ctx, caller.identity, input))],
  ['comment:delete', typed<CommentDeleteInput>((ctx, caller, input) => deleteComment(ctx, caller.identity, input))],
  ['comment:react', typed<CommentReactInput>((ctx, caller, input) => reactComment(ctx, caller.identity, input))],
  ['post:vote', typed<PostVoteInput>((ctx, caller, input) => votePost(ctx, caller.identity, input))],
  ['comment:hide', typed<CommentHideInput>((ctx, caller, input) => hideComment(ctx, caller.identity, input))],
  ['comment:flag', typed<CommentFlagInput>((ctx, caller, input) => flagComment(ctx, caller.identity, input))],
  [
    'comment:hidden-body',
    typed<CommentHiddenBodyInput>((ctx, caller, input) => readHiddenBody(ctx, caller.identity, input)),
  ],
  ['session:auth', typed<SessionAuthInput>(sessionAuth)],
  ...economyHandlers,
]);

/** Events that change state: rate limited, and refused once the caller's token has expired. */
export const mutatingEvents: ReadonlySet<string> = new Set<ClientEventName>([
  'comment:post',
  'comment:edit',
  'comment:delete',
  'comment:react',
  'comment:hide',
  'comment:flag',
  'post:vote',
  ...economyMutatingEvents,
]);
