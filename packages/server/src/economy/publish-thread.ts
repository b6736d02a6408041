import type { PublishResult, ThreadPublishInput } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import { runMutation } from '../commands/mutation.js';
import { requireThreadRecord, threadRef } from '../commands/thread-gates.js';
import { publish } from '../commands/threads.js';
import type { Identity } from '../domain/identity.js';
import { forbidden } from '../errors.js';
import { requireReader } from './thread-access.js';

/**
 * A site admin (the host's newsroom account) publishes, from the widget, a thread the host created,
 * and becomes its post author. The same `publish` the claim, admin API and CLI use: once per thread,
 * the tribute borne by the site, or by the author as debt when they cannot cover it (SETTLE-6):
 * publishing never fails for want of Twei.
 */
export async function publishThread(
  ctx: CommandContext,
  identity: Identity | null,
  input: ThreadPublishInput,
  siteId?: string,
): Promise<CommandOutput<PublishResult>> {
  const user = requireReader(identity);
  if (user.role !== 'admin') throw forbidden('Only the site’s staff (admins) can publish a post.');
  const thread = threadRef(ctx, user, input.thread, siteId);
  const request = { identity: user, site: thread.site.id, requestId: input.requestId, action: 'thread:publish', input: { thread: input.thread } };
  return runMutation<PublishResult>(ctx, request, async (tx, at) => {
    await requireThreadRecord(tx, thread);
    if (await tx.ledger.postAuthor(thread.key)) throw forbidden('This post already has an author.');
    const wallets = await publish(ctx, tx, thread, user.id, at);
    return { result: { thread: input.thread, author: user.id, publishedAt: at }, events: [], wallets };
  });
}
