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
  CommentAroundInput,
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
  siteOf,
  type CommandContext,
  type CommandOutput,
} from '../commands/index.js';
import type { JoinOptions } from '../commands/join-thread.js';
import type { Identity } from '../domain/identity.js';
import { originExplicitlyAllowed, urlOnOrigin } from '../sites/origins.js';
import type { Site } from '../sites/site-config.js';
import { verifyThreadClaim } from '../sites/thread-claims.js';
import { sessionAuth } from './session-auth.js';
import { listAround } from '../commands/list-around.js';
import { economyHandlers, economyMutatingEvents } from './economy-handlers.js';
import { joinedAtOf, noteJoined, roomOf, type Caller } from './types.js';
import { withHeldReactions } from './join-reactions.js';

/** A handler gets input already validated against the event's schema. */
export type Handler = (ctx: CommandContext, caller: Caller, input: unknown) => Promise<CommandOutput<unknown>>;

/**
 * A command called for the caller's site: the connection's site (a guest carries the one it
 * connected for, SPEC SITE-2), or for in-process calls the identity's.
 */
type SiteCommand<I> = (ctx: CommandContext, identity: Identity | null, input: I, site?: string) => Promise<CommandOutput<unknown>>;
const forSite =
  <I>(command: SiteCommand<I>): Handler =>
  (ctx, caller, input) =>
    command(ctx, caller.identity, input as I, caller.site ?? undefined);

/**
 * Event name → handler. A Map, never a plain object, so a client-chosen name like `__proto__` or
 * `constructor` can only miss.
 */
export const handlers: ReadonlyMap<string, Handler> = new Map<ClientEventName, Handler>([
  ['thread:join', (ctx, caller, input) => joinHandler(ctx, caller, input as ThreadJoinInput)],
  [
    'thread:leave',
    async (ctx, caller, input) => {
      const { thread } = input as ThreadLeaveInput;
      await caller.socket?.leave(roomOf(siteOf(ctx, caller.identity, caller.site ?? undefined).id, thread));
      return { result: null, events: [] };
    },
  ],
  ['comments:page', forSite<CommentPageInput>(listComments)],
  ['comments:replies', forSite<CommentRepliesInput>(listReplies)],
  ['comments:around', forSite<CommentAroundInput>(listAround)],
  ['comment:post', (ctx, caller, input) => postComment(ctx, caller.identity, boundComposeTime(ctx, caller, input as CommentPostInput), caller.site ?? undefined)],
  ['comment:edit', forSite<CommentEditInput>(editComment)],
  ['comment:delete', forSite<CommentDeleteInput>(deleteComment)],
  ['comment:react', forSite<CommentReactInput>(reactComment)],
  ['post:vote', forSite<PostVoteInput>(votePost)],
  ['comment:hide', forSite<CommentHideInput>(hideComment)],
  ['comment:flag', forSite<CommentFlagInput>(flagComment)],
  ['comment:hidden-body', forSite<CommentHiddenBodyInput>(readHiddenBody)],
  ['session:auth', (ctx, caller, input) => sessionAuth(ctx, caller, input as SessionAuthInput)],
  ...economyHandlers,
]);

async function joinHandler(ctx: CommandContext, caller: Caller, input: ThreadJoinInput): Promise<CommandOutput<unknown>> {
  const site = siteOf(ctx, caller.identity, caller.site ?? undefined);
  // Verified before anything else: a bad claim is the page's error, whatever the thread holds.
  const claim = input.claim ? await verifyThreadClaim(input.claim, site, input.thread) : null;
  const autoCreate = autoCreation(site, caller, input);
  const room = roomOf(site.id, input.thread);
  // Join the room before reading the snapshot: an event committed in between then arrives
  // live (the widget drops seqs it already has) instead of falling into a gap.
  await caller.socket?.join(room);
  try {
    const joined = await joinThread(ctx, caller.identity, input, site.id, { claim, autoCreate });
    if (caller.socket) noteJoined(caller.socket.data, input.thread, ctx.now());
    return { ...joined, result: await withHeldReactions(ctx, caller.identity, input, site.id, joined.result) };
  } catch (error) {
    await caller.socket?.leave(room);
    throw error;
  }
}

/**
 * The widget's `composeMs` is a claim; the server believes at most its own clock since this
 * connection joined the thread (0 when it never joined: a script posting blind). In-process calls
 * keep what they pass (SPEC SPAM-4).
 */
function boundComposeTime(ctx: CommandContext, caller: Caller, input: CommentPostInput): CommentPostInput {
  if (!caller.socket) return input;
  const joinedAt = joinedAtOf(caller.socket.data, input.thread);
  const bound = joinedAt === undefined ? 0 : Math.max(0, ctx.now() - joinedAt);
  return { ...input, composeMs: Math.min(input.composeMs ?? bound, bound) };
}

/**
 * Paste-and-go (SPEC THREAD-3): only on a site that opted in, only from a page whose Origin the
 * site lists explicitly (never `*`, never a request without Origin), and only for a URL on that
 * Origin — so a script cannot mint threads for pages that do not exist. Rate limited per address
 * and per site when a thread is really created.
 */
function autoCreation(site: Site, caller: Caller, input: ThreadJoinInput): JoinOptions['autoCreate'] {
  if (!site.autoCreateThreads || !caller.socket) return null;
  const headers = caller.socket.handshake.headers;
  const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
  if (!origin || !originExplicitlyAllowed(site, origin, headers.host)) return null;
  if (!input.url || !urlOnOrigin(input.url, origin)) return null;
  const limits = caller.limits;
  return { url: input.url, admit: async () => limits?.admitThreadCreation(site.id) };
}

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
