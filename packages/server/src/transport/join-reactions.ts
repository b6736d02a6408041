/**
 * A signed-in reader who already shows a page (the first page the widget had over HTTP, SPEC PAINT-6)
 * joins `since` its seq with `reactionsFor`: the comments it shows. The events answer carries their
 * reactions by this reader too, so the join need not send the whole page again as a snapshot — a
 * reload moves the events since, not the page (SPEC PAINT-2).
 */
import type { JoinResult, ThreadJoinInput } from '@parley/protocol';
import type { CommandContext } from '../commands/context.js';
import { threadRef } from '../commands/thread-gates.js';
import { reactionRecord } from '../commands/views.js';
import type { Identity } from '../domain/identity.js';

export async function withHeldReactions(
  ctx: CommandContext,
  identity: Identity | null,
  input: ThreadJoinInput,
  site: string,
  result: JoinResult,
): Promise<JoinResult> {
  const ids = input.reactionsFor;
  if (!identity || result.mode !== 'events' || !ids || ids.length === 0) return result;
  const ref = threadRef(ctx, identity, input.thread, site);
  const held = reactionRecord(await ctx.store.read((tx) => tx.getReactions(ref.key, identity.id, [...new Set(ids)])));
  // The events' own reactions (newer) win over what was read for the comments already shown.
  return { ...result, viewer: { ...result.viewer, reactions: { ...held, ...result.viewer.reactions } } };
}
