/**
 * `parley export`: a site's threads, comments (tombstones and hidden ones included, with the hidden
 * words for the host), reactions and votes as a `parley-export` v1 file (json-format.ts), streamed
 * thread by thread so no more than one page of comments is in memory (EXPORT-1…EXPORT-3).
 *
 * Deterministic: threads oldest first, comments in creation (seq) order, reactions and votes in
 * id order, keys in a fixed order — so export → import into a fresh server → export gives the same
 * bytes except the header's `exportedAt` (EXPORT-2). Not exported: the Twei ledger, reading records,
 * flags, notes and request records — they belong to the running economy, not to the discussion.
 */
import { threadIdOf } from '../domain/thread-key.js';
import { readerAccount } from '../economy/accounts.js';
import type { Store, ReadTx, ThreadRecord } from '../store/types.js';
import { EXPORT_FORMAT, EXPORT_VERSION, type CommentLine, type ReactionLine, type ThreadLine, type VoteLine } from './json-format.js';

/** Where lines go; resolves when the sink can take more (backpressure). */
export type LineSink = (line: string) => Promise<void>;

export interface ExportSummary {
  threads: number;
  comments: number;
  reactions: number;
  votes: number;
}

const PAGE = 500;

async function threadLine(tx: ReadTx, site: string, thread: ThreadRecord): Promise<ThreadLine> {
  const author = await tx.ledger.postAuthor(thread.id);
  const prefix = readerAccount(site, '');
  const settings = await tx.getThreadSettings(thread.id);
  return {
    type: 'thread',
    id: threadIdOf(thread.id),
    title: thread.title,
    url: thread.url,
    createdAt: thread.createdAt,
    publishedAt: thread.publishedAt,
    author: author?.startsWith(prefix) ? author.slice(prefix.length) : null,
    gates: settings?.gates ?? {},
  };
}

/** Every thread key of the site, oldest first (one string per thread in memory). */
async function siteThreads(store: Store, site: string): Promise<string[]> {
  const keys: string[] = [];
  let after: { createdAt: number; id: string } | null = null;
  for (;;) {
    const page: ThreadRecord[] = await store.read((tx) => tx.listThreads(site, after, PAGE));
    for (const thread of page) keys.push(thread.id);
    const last = page.at(-1);
    if (page.length < PAGE || !last) break;
    after = { createdAt: last.createdAt, id: last.id };
  }
  return keys.reverse();
}

export async function exportSite(store: Store, site: string, write: LineSink, now: () => number = Date.now): Promise<ExportSummary> {
  const summary: ExportSummary = { threads: 0, comments: 0, reactions: 0, votes: 0 };
  await write(JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, site, exportedAt: new Date(now()).toISOString() }));
  for (const key of await siteThreads(store, site)) {
    const id = threadIdOf(key);
    const head = await store.read(async (tx) => {
      const thread = await tx.getThread(key);
      return thread && { line: await threadLine(tx, site, thread), keys: await tx.porting.importKeysOfThread(key) };
    });
    if (!head) continue;
    await write(JSON.stringify(head.line));
    summary.threads += 1;
    const sources = new Map(head.keys.filter((k) => k.source !== 'parley').map((k) => [k.commentId, { name: k.source, id: k.sourceId }]));

    for (let afterSeq = 0; ; ) {
      const lines = await store.read(async (tx) => {
        const page = await tx.porting.listThreadComments(key, afterSeq, PAGE);
        const out: CommentLine[] = [];
        for (const c of page) {
          const hiddenBody = c.hiddenAt != null ? await tx.getHiddenBody(key, c.id) : null;
          const hiddenBy = c.hiddenAt != null ? await tx.porting.hiddenBy(key, c.id) : null;
          out.push({
            type: 'comment',
            thread: id,
            id: c.id,
            parent: c.replyToId,
            author: { id: c.author.id, name: c.author.name, avatar: c.author.avatar, level: c.author.level },
            body: c.body,
            createdAt: c.createdAt,
            editedAt: c.editedAt,
            deletedAt: c.deletedAt,
            hidden: c.hiddenAt != null ? { at: c.hiddenAt, by: hiddenBy ?? 'moderator', body: hiddenBody ?? '' } : null,
            source: sources.get(c.id) ?? null,
          });
        }
        return { out, last: page.at(-1)?.seq ?? null, full: page.length === PAGE };
      });
      for (const line of lines.out) await write(JSON.stringify(line));
      summary.comments += lines.out.length;
      if (!lines.full || lines.last === null) break;
      afterSeq = lines.last;
    }

    const { reactions, votes } = await store.read(async (tx) => ({
      reactions: await tx.porting.listThreadReactions(key),
      votes: await tx.porting.listThreadVotes(key),
    }));
    for (const r of reactions) {
      const line: ReactionLine = { type: 'reaction', thread: id, comment: r.commentId, user: r.userId, value: r.value };
      await write(JSON.stringify(line));
    }
    for (const v of votes) {
      const line: VoteLine = { type: 'vote', thread: id, user: v.userId, value: v.value };
      await write(JSON.stringify(line));
    }
    summary.reactions += reactions.length;
    summary.votes += votes.length;
  }
  return summary;
}
