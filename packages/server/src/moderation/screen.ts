/**
 * The hook `comment:post` calls (commands/post-comment.ts). Two steps, so nothing slow runs while
 * the store's write lock is held:
 *  1. `screenComment` — before the write transaction: every registered screener (hub.ts).
 *  2. `decideInTx` — inside it: the site's and thread's pre-moderation policy (policy.ts), which
 *     reads the author's history, combined with step 1's verdict.
 */
import { ErrorCodes } from '@parley/protocol';
import type { CommandContext } from '../commands/context.js';
import type { Identity } from '../domain/identity.js';
import { ParleyError } from '../errors.js';
import { normalizeBody } from '../domain/body.js';
import type { Site } from '../sites/site-config.js';
import { PUBLISH, type ScreenVerdict } from './verdict.js';

export async function screenComment(
  ctx: CommandContext,
  site: Site,
  author: Identity | null,
  thread: string,
  rawBody: string,
  parentId: string | null,
  composeMs?: number,
): Promise<ScreenVerdict> {
  // A guest is refused by the gate right after; screening it would only cost a hook call.
  if (!author) return PUBLISH;
  let body: string;
  try {
    body = normalizeBody(rawBody);
  } catch {
    return PUBLISH; // the transaction refuses it with the same error, in the usual order
  }
  const verdict = await ctx.moderation.runScreeners({ site, thread, author, body, parentId, at: ctx.now(), composeMs });
  if (verdict.action === 'reject') throw rejected(verdict);
  return verdict;
}

/** The error a rejected comment's author gets (SPEC PREMOD-2): the first reason is the message. */
export function rejected(verdict: ScreenVerdict): ParleyError {
  const message = verdict.reasons[0] ?? 'This comment cannot be posted here.';
  return new ParleyError(ErrorCodes.commentRejected, message, { reasons: verdict.reasons });
}
