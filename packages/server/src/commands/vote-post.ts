import type { PostVoteInput, PostVotedEvent, VoteResult } from '@parley/protocol';
import type { Identity } from '../domain/identity.js';
import type { CommandContext, CommandOutput } from './context.js';
import type { BanRecord } from '../store/mod-queries.js';
import { nextEvent, runGatedMutation } from './mutation.js';
import { requireThreadRecord, threadRef } from './thread-gates.js';
import { openBook } from '../economy/book.js';
import { moneyForVote } from '../economy/action-money.js';

const countOf = (value: string | null, kind: 'plus' | 'minus'): number => (value === kind ? 1 : 0);

/** Sets the viewer's plus or minus on the post itself (`null` takes it back). */
export async function votePost(
  ctx: CommandContext,
  identity: Identity | null,
  input: PostVoteInput,
  siteId?: string,
): Promise<CommandOutput<VoteResult>> {
  const ref = threadRef(ctx, identity, input.thread, siteId);
  // [DUR-8] [BAN-5] The giver's ban is read first in the write transaction (the dispatcher skips its
  // own read): a ban or suspension refuses, a shadow mute lets the reaction count but pay nobody.
  const standing = { ban: null as BanRecord | null };
  const request = {
    identity,
    standing,
    gate: { thread: ref, action: input.value === 'minus' ? ('minus' as const) : ('plus' as const) },
    requestId: input.requestId,
    action: 'post:vote',
    input: { thread: input.thread, value: input.value },
  };
  return runGatedMutation<VoteResult>(ctx, request, async (tx, at, user) => {
    const thread = await requireThreadRecord(tx, ref);
    const previous = await tx.getVote(ref.key, user.id);
    if (previous === input.value) {
      return { result: { seq: null, plus: thread.plus, minus: thread.minus, value: previous }, events: [] };
    }
    await tx.setVote(ref.key, user.id, input.value);
    const { plus, minus } = await tx.adjustThreadCounts(ref.key, {
      plus: countOf(input.value, 'plus') - countOf(previous, 'plus'),
      minus: countOf(input.value, 'minus') - countOf(previous, 'minus'),
    });
    const event = await nextEvent<PostVotedEvent>(tx, ref, at, {
      type: 'post.voted',
      plus,
      minus,
      userId: user.id,
      value: input.value,
    });
    // A first vote's Twei move in this same transaction; later ones move none (REACT-1).
    const book = openBook(ctx, tx, ref.site.id, at, input.requestId);
    await moneyForVote(book, { id: user.id, level: user.level, muted: standing.ban?.kind === 'mute' }, ref.key, input.value);
    return { result: { seq: event.seq, plus, minus, value: input.value }, events: [event], wallets: await book.walletUpdates() };
  });
}
