import type { PublishResult, ThreadPublishInput } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import { runMutation } from '../commands/mutation.js';
import type { Identity } from '../domain/identity.js';
import { forbidden } from '../errors.js';
import { readerAccount } from './accounts.js';
import { openBook } from './book.js';
import { requireReader, requireThread } from './thread-access.js';

/**
 * Staff publish the post a thread discusses and become its author: the one who earns "Earned for
 * Pluses", "Likes Author" and "Dislikes Author", and pays the Post Publish Tribute, once. Only a
 * site admin may publish (a host's newsroom account); a thread has one author, set once.
 */
export async function publishThread(
  ctx: CommandContext,
  identity: Identity | null,
  input: ThreadPublishInput,
): Promise<CommandOutput<PublishResult>> {
  const user = requireReader(identity);
  if (user.role !== 'admin') throw forbidden('Only the site’s staff (admins) can publish a post.');
  const request = { identity: user, requestId: input.requestId, action: 'thread:publish', input: { thread: input.thread } };
  return runMutation<PublishResult>(ctx, request, async (tx, at) => {
    await requireThread(ctx, tx, user, input.thread);
    const book = openBook(ctx, tx, user, at, input.requestId);
    if (!(await tx.ledger.setPostAuthor(input.thread, readerAccount(book.site, user.id), at))) {
      throw forbidden('This post already has an author.');
    }
    const ref = `publish:${input.thread}`;
    await book.charge(user.id, book.rules.amounts.publishTribute, { category: 'publishTribute', thread: input.thread, ref });
    return { result: { thread: input.thread, author: user.id, publishedAt: at }, events: [], wallets: await book.walletUpdates() };
  });
}
