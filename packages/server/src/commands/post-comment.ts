import type { CommentCreatedEvent, CommentPostInput, PostCommentResult } from '@parley/protocol';
import { normalizeBody } from '../domain/body.js';
import type { Identity } from '../domain/identity.js';
import { placeComment } from '../domain/threading.js';
import { commentDeleted, notFound } from '../errors.js';
import { refuseBannedWords } from '../moderation/words.js';
import type { CommandContext, CommandOutput } from './context.js';
import { runGatedMutation } from './mutation.js';
import { threadRef } from './thread-gates.js';
import { openBook } from '../economy/book.js';
import { moneyForComment } from '../economy/action-money.js';
import { toCommentView } from './views.js';
import { screenComment } from '../moderation/screen.js';
import { decideInTx, holdComment } from '../moderation/hold.js';
import { commentRef } from '../moderation/events.js';
import { formatComment, parseAhead, recordAuthor } from './comment-format.js';
import { withJson } from '../domain/encoded-json.js';
import type { BanRecord } from '../store/mod-queries.js';

/** A reader posts a root comment, or a reply when `parentId` is given. */
export async function postComment(
  ctx: CommandContext,
  identity: Identity | null,
  input: CommentPostInput,
  siteId?: string,
): Promise<CommandOutput<PostCommentResult>> {
  const parentId = input.parentId ?? null;
  const thread = threadRef(ctx, identity, input.thread, siteId);
  // [DUR-8] The author's ban is read first in the write transaction (the dispatcher may skip its own read).
  const standing = { ban: null as BanRecord | null };
  const request = {
    identity,
    standing,
    readsPolicies: true,
    gate: { thread, action: parentId ? ('reply' as const) : ('comment' as const) },
    requestId: input.requestId,
    action: 'comment:post',
    // `parentId: null` and no parentId mean the same request.
    input: { thread: input.thread, parentId, body: input.body },
  };
  // Banned words are refused before the write transaction (a long list costs milliseconds), for a
  // signed-in author; a guest is refused by the gate first (SPEC WORDS-1).
  if (identity) refuseBannedWords(thread.site.words, input.body.trim());
  // Before the write transaction: registered screeners may be slow (an HTTP hook). Rejects throw.
  const screened = await screenComment(ctx, thread.site, identity, input.thread, input.body, parentId, input.composeMs);
  parseAhead(input.body);
  return runGatedMutation(ctx, request, async (tx, at, user) => {
    const body = normalizeBody(input.body);
    // The gate check found the thread: posting never creates one (SPEC THREAD-4).
    const parent = parentId ? await tx.getComment(thread.key, parentId) : null;
    if (parentId && !parent) throw notFound('The comment you reply to');
    if (parent?.deletedAt != null) throw commentDeleted();

    const id = ctx.newId();
    const placement = placeComment(
      id,
      parent && { id: parent.id, rootId: parent.rootId, parentId: parent.parentId, depth: parent.depth, authorName: parent.author.name },
    );
    // Pre-moderation, bans and shadow mutes (moderation/): a held comment takes no seq and pays nothing.
    const decision = await decideInTx(tx, thread.site, thread.key, user, body, screened, at, standing);
    if (decision.action !== 'publish') {
      return holdComment(ctx, tx, { site: thread.site, threadKey: thread.key, threadId: input.thread, id, placement, author: user, body, at, requestId: input.requestId, decision });
    }
    const { doc, mentions } = await formatComment(tx, thread.key, body, parent);
    // The seq and the thread's comment count in one UPDATE of its row.
    const seq = await tx.nextSeq(thread.key, { comments: 1 });
    const stored = await tx.insertComment({
      id,
      thread: thread.key,
      ...placement,
      seq,
      author: { id: user.id, name: user.name, avatar: user.avatar, level: user.level },
      body,
      ...(doc && { doc }),
      mentions,
      createdAt: at,
    });
    await recordAuthor(tx, thread.key, user);
    if (placement.depth > 0) await tx.adjustReplyCount(thread.key, placement.rootId, 1);

    // The tribute moves and the reward is recorded (pending, SETTLE-1) in this same transaction.
    const book = openBook(ctx, tx, thread.site.id, at, input.requestId);
    await moneyForComment(book, user.id, thread.key, { id, createdAt: at });

    // The host's token states the reader's address and opt-in now; reply emails read it (moderation/mail.ts).
    if (user.email) await tx.deliveries.recordReaderEmail(thread.site.id, user.id, user.email.address, user.email.replies, at);

    // [DUR-3] The comment is encoded once: the event row, the request record, the broadcast and the
    // ack all carry this one string (domain/encoded-json.ts).
    const comment = Object.freeze(toCommentView(stored));
    const json = JSON.stringify(comment);
    const event = withJson<CommentCreatedEvent>(
      { type: 'comment.created', thread: input.thread, seq, at, comment },
      `{"type":"comment.created","thread":${JSON.stringify(input.thread)},"seq":${seq},"at":${at},"comment":${json}}`,
    );
    const result = withJson<PostCommentResult>({ seq, comment }, `{"seq":${seq},"comment":${json}}`);
    const created = { name: 'comment.created' as const, payload: commentRef(thread.site.id, input.thread, stored, at) };
    return { result, events: [event], wallets: await book.walletUpdates(), moderation: [created] };
  });
}
