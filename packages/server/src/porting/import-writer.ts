/**
 * Stores what a reader (disqus.ts, wordpress.ts, json-format.ts) yields, in batches of one
 * transaction each (SPEC IMPORT-1…IMPORT-8).
 *
 * - Threads are created as the host would create them (`applyThreadSpec`, origin `admin`); a thread
 *   that already exists is used as it is (the host's title and gates win over the file's).
 * - Every comment is keyed by `(site, source, original id)` in `import_keys`, in the same
 *   transaction as the comment, so importing a file twice — or again after a crash half-way —
 *   adds nothing that is already there (IMPORT-4).
 * - A reply's parent is found by its key; a reply to a skipped (spam, deleted) post hangs under
 *   that post's own parent; a reply whose parent comes later in the file waits for it, and one
 *   whose parent never comes is imported as a top-level comment and reported (IMPORT-3).
 * - Comments keep their original dates and the file's order (their seqs follow it), and each gets
 *   the `comment.created` event a posted comment gets, so a widget replaying events sees the same.
 * - No Twei moves: the importer never opens the ledger's book — no tribute, no reward, no XP — and a
 *   Parley export's publication is restored as a record, not re-published (IMPORT-6).
 *
 * `store.write` may run a batch twice (PostgreSQL re-runs on a serialization failure), so a batch
 * computes its outcome inside the transaction and the totals change only after it committed.
 */
import type { CommentCreatedEvent } from '@parley/protocol';
import { placeComment } from '../domain/threading.js';
import { threadIdOf, threadKey } from '../domain/thread-key.js';
import { readerAccount } from '../economy/accounts.js';
import { applyThreadSpec } from '../commands/threads.js';
import { toCommentView } from '../commands/views.js';
import type { CommandContext } from '../commands/context.js';
import type { Site } from '../sites/site-config.js';
import type { CommentRecord, WriteTx } from '../store/types.js';
import type { CommentRecordIn, ImportRecord, ReactionRecordIn, ThreadRecordIn, VoteRecordIn } from './records.js';

export interface ImportReport {
  site: string;
  source: string;
  threads: { created: number; existing: number };
  comments: { imported: number; alreadyImported: number };
  skipped: { spam: number; deleted: number; unapproved: number; pingback: number };
  reactions: { imported: number; alreadyImported: number };
  votes: { imported: number; alreadyImported: number };
  /** Replies whose parent was not in the file: imported as top-level comments. */
  orphans: { ref: string; reason: string }[];
  /** What could not be read, with its id (or line), and why; the rest was imported. */
  unreadable: { ref: string; reason: string }[];
}

export interface ImportOptions {
  /** Records per transaction. @default 200 — large enough to amortise a commit, small enough that a re-run is cheap. */
  batchSize?: number;
}

/**
 * Longest imported text, in UTF-16 units: other systems allowed longer comments than Parley's 5,000
 * characters, and those are kept whole up to this; beyond it (a pasted book, a broken record) the
 * comment is reported, never cut silently. The export format allows the same.
 */
export const MAX_IMPORTED_BODY = 20_000;

const emptyReport = (site: string, source: string): ImportReport => ({
  site,
  source,
  threads: { created: 0, existing: 0 },
  comments: { imported: 0, alreadyImported: 0 },
  skipped: { spam: 0, deleted: 0, unapproved: 0, pingback: 0 },
  reactions: { imported: 0, alreadyImported: 0 },
  votes: { imported: 0, alreadyImported: 0 },
  orphans: [],
  unreadable: [],
});

type Counter = 'threadsCreated' | 'threadsExisting' | 'imported' | 'alreadyImported' | 'reactions' | 'reactionsAgain' | 'votes' | 'votesAgain';

/** What one batch did; merged into the report once its transaction committed. */
interface BatchOutcome {
  counts: Map<Counter, number>;
  renamed: Map<string, string>;
  threads: Map<string, string>;
  deferred: CommentRecordIn[];
  orphans: { ref: string; reason: string }[];
  unreadable: { ref: string; reason: string }[];
}

export class Importer {
  readonly report: ImportReport;
  /** The file's thread ids (`sourceId`) → thread keys: one entry per thread, never per comment. */
  private readonly threads = new Map<string, string>();
  /** Skipped posts' parents, so their replies can hang one level up. */
  private readonly skippedParents = new Map<string, string | null>();
  private deferred: CommentRecordIn[] = [];
  /**
   * Parley export ids already used by another thread on this server (a site copied into another
   * site of the same server): the comment gets a new id, and its replies and reactions follow it.
   * Filled only after the transaction that chose the new id committed.
   */
  private readonly renamed = new Map<string, string>();
  private batch: ImportRecord[] = [];
  private readonly batchSize: number;

  constructor(
    private readonly ctx: CommandContext,
    private readonly site: Site,
    source: string,
    options: ImportOptions = {},
  ) {
    this.report = emptyReport(site.id, source);
    this.batchSize = options.batchSize ?? 200;
  }

  /** Imports every record; resolves to the report. */
  async run(records: AsyncIterable<ImportRecord>): Promise<ImportReport> {
    for await (const record of records) await this.add(record);
    await this.flush();
    await this.finish();
    return this.report;
  }

  private async add(record: ImportRecord): Promise<void> {
    if (record.kind === 'unreadable') {
      this.report.unreadable.push({ ref: record.ref, reason: record.reason });
      return;
    }
    if (record.kind === 'skipped') {
      this.report.skipped[record.reason] += 1;
      this.skippedParents.set(`${record.thread ?? ''}\u0000${record.sourceId}`, record.parent);
      return;
    }
    this.batch.push(record);
    if (this.batch.length >= this.batchSize) await this.flush();
  }

  private async flush(records = this.batch, lastChance = false): Promise<void> {
    if (records === this.batch) this.batch = [];
    if (records.length === 0) return;
    const outcome = await this.ctx.store.write(async (tx) => {
      const out: BatchOutcome = { counts: new Map(), renamed: new Map(), threads: new Map(), deferred: [], orphans: [], unreadable: [] };
      for (const record of records) await this.store(tx, record, out, lastChance);
      return out;
    });
    this.merge(outcome);
  }

  /** Replies still waiting for a parent: tried again until none moves, then imported as top-level. */
  private async finish(): Promise<void> {
    for (let round = 0; this.deferred.length > 0 && round < 100; round++) {
      const waiting = this.deferred;
      this.deferred = [];
      for (let i = 0; i < waiting.length; i += this.batchSize) await this.flush(waiting.slice(i, i + this.batchSize));
      if (this.deferred.length === waiting.length) break;
    }
    const left = this.deferred;
    this.deferred = [];
    for (let i = 0; i < left.length; i += this.batchSize) await this.flush(left.slice(i, i + this.batchSize), true);
  }

  private merge(out: BatchOutcome): void {
    const n = (key: Counter) => out.counts.get(key) ?? 0;
    const r = this.report;
    r.threads.created += n('threadsCreated');
    r.threads.existing += n('threadsExisting');
    r.comments.imported += n('imported');
    r.comments.alreadyImported += n('alreadyImported');
    r.reactions.imported += n('reactions');
    r.reactions.alreadyImported += n('reactionsAgain');
    r.votes.imported += n('votes');
    r.votes.alreadyImported += n('votesAgain');
    for (const [sourceId, key] of out.threads) this.threads.set(sourceId, key);
    for (const [from, to] of out.renamed) this.renamed.set(from, to);
    this.deferred.push(...out.deferred);
    r.orphans.push(...out.orphans);
    r.unreadable.push(...out.unreadable);
  }

  private async store(tx: WriteTx, record: ImportRecord, out: BatchOutcome, lastChance: boolean): Promise<void> {
    const bump = (key: Counter) => out.counts.set(key, (out.counts.get(key) ?? 0) + 1);
    const threadOf = (sourceId: string) => out.threads.get(sourceId) ?? this.threads.get(sourceId);
    switch (record.kind) {
      case 'thread':
        out.threads.set(record.sourceId, await this.storeThread(tx, record, bump));
        return;
      case 'comment': {
        const key = threadOf(record.thread);
        if (!key) {
          out.unreadable.push({ ref: `${record.source} ${record.sourceId}`, reason: `its thread ${record.thread} is not in the file` });
          return;
        }
        await this.storeComment(tx, key, record, out, bump, lastChance);
        return;
      }
      case 'reaction':
      case 'vote': {
        const key = threadOf(record.thread);
        if (!key) {
          out.unreadable.push({ ref: `${record.kind} of ${record.user}`, reason: `its thread ${record.thread} is not in the file` });
          return;
        }
        if (record.kind === 'reaction') await this.storeReaction(tx, key, record, out, bump);
        else await storeVote(tx, key, record, bump);
        return;
      }
      default:
        return;
    }
  }

  private async storeThread(tx: WriteTx, record: ThreadRecordIn, bump: (key: Counter) => void): Promise<string> {
    const key = threadKey(this.site.id, record.id);
    if (await tx.getThread(key)) {
      bump('threadsExisting');
      return key;
    }
    const at = record.createdAt ?? this.ctx.now();
    const spec = { id: record.id, title: record.title, url: record.url, ...(record.gates && { gates: record.gates }) };
    await applyThreadSpec(this.ctx, tx, this.site, spec, 'admin', at);
    if (record.publishedAt != null) {
      // Restored as a record only: publishing through the economy could move a tribute (IMPORT-6).
      await tx.publishThread(key, record.publishedAt);
      if (record.author) await tx.ledger.setPostAuthor(key, readerAccount(this.site.id, record.author), record.publishedAt);
    }
    bump('threadsCreated');
    return key;
  }

  /** A Parley export's comment as stored here: kept id, renamed in this run, or renamed by an earlier import of the file. */
  private async exportedComment(tx: WriteTx, out: BatchOutcome, key: string, id: string): Promise<CommentRecord | null> {
    const named = `${key}\u0000${id}`;
    const direct = await tx.getComment(key, out.renamed.get(named) ?? this.renamed.get(named) ?? id);
    if (direct) return direct;
    const earlier = await tx.porting.importedComment(this.site.id, 'parley', `${threadIdOf(key)}#${id}`);
    return earlier && earlier.thread === key ? tx.getComment(key, earlier.commentId) : null;
  }

  private async findParent(tx: WriteTx, key: string, record: CommentRecordIn, out: BatchOutcome): Promise<CommentRecord | null | 'missing'> {
    let parent = record.parent;
    for (let hops = 0; parent !== null && hops < 1000; hops++) {
      if (record.id !== undefined) {
        // A Parley export names parents by comment id, in the same thread.
        const found = await this.exportedComment(tx, out, key, parent);
        return found ?? 'missing';
      }
      const imported = await tx.porting.importedComment(this.site.id, record.source, parent);
      if (imported && imported.thread === key) return (await tx.getComment(key, imported.commentId)) ?? 'missing';
      const skippedKey = `${record.thread}\u0000${parent}`;
      if (!this.skippedParents.has(skippedKey)) return 'missing';
      parent = this.skippedParents.get(skippedKey) ?? null;
    }
    return null;
  }

  private async storeComment(tx: WriteTx, key: string, record: CommentRecordIn, out: BatchOutcome, bump: (key: Counter) => void, lastChance: boolean): Promise<void> {
    const site = this.site.id;
    if ((record.hidden?.body ?? record.body).length > MAX_IMPORTED_BODY) {
      out.unreadable.push({ ref: `${record.source} ${record.sourceId}`, reason: `its text is longer than ${MAX_IMPORTED_BODY} characters` });
      return;
    }
    if (await tx.porting.importedComment(site, record.source, record.sourceId)) return bump('alreadyImported');
    if (record.id !== undefined && (await tx.getComment(key, record.id))) return bump('alreadyImported');

    let parent = await this.findParent(tx, key, record, out);
    if (parent === 'missing') {
      if (!lastChance) {
        out.deferred.push(record);
        return;
      }
      out.orphans.push({ ref: `${record.source} ${record.sourceId}`, reason: `its parent ${record.parent ?? ''} is not in the file: imported as a top-level comment` });
      parent = null;
    }

    let id = record.id ?? this.ctx.newId();
    if (record.id !== undefined && (await tx.porting.commentIdTaken(id))) {
      id = this.ctx.newId();
      out.renamed.set(`${key}\u0000${record.id}`, id);
    }
    const placement = placeComment(id, parent && { id: parent.id, rootId: parent.rootId, parentId: parent.parentId, depth: parent.depth, authorName: parent.author.name });
    const seq = await tx.nextSeq(key);
    const words = record.hidden ? record.hidden.body : record.body;
    await tx.insertComment({ id, thread: key, ...placement, seq, author: record.author, body: words, createdAt: record.createdAt });
    if (placement.depth > 0) await tx.adjustReplyCount(key, placement.rootId, 1);
    if (record.editedAt != null) await tx.setCommentBody(key, id, words, record.editedAt);
    if (record.hidden) await tx.hideComment(key, id, record.hidden.by, record.hidden.at);
    if (record.deletedAt != null) await tx.markCommentDeleted(key, id, record.deletedAt);
    else await tx.adjustThreadCounts(key, { comments: 1 });
    await tx.porting.saveImportKey({ site, source: record.source, sourceId: record.sourceId, thread: key, commentId: id }, this.ctx.now());

    const stored = await tx.getComment(key, id);
    if (!stored) throw new Error(`import: comment ${id} vanished inside its transaction`);
    const event: CommentCreatedEvent = { type: 'comment.created', thread: threadIdOf(key), seq, at: record.createdAt, comment: toCommentView(stored) };
    await tx.appendEvent(key, event);
    bump('imported');
  }

  private async storeReaction(tx: WriteTx, key: string, record: ReactionRecordIn, out: BatchOutcome, bump: (key: Counter) => void): Promise<void> {
    const comment = await this.exportedComment(tx, out, key, record.comment);
    if (!comment) {
      out.unreadable.push({ ref: `reaction of ${record.user}`, reason: `its comment ${record.comment} is not in thread ${threadIdOf(key)}` });
      return;
    }
    const before = (await tx.getReactions(key, record.user, [comment.id])).get(comment.id) ?? null;
    if (before === record.value) return bump('reactionsAgain');
    await tx.setReaction(key, comment.id, record.user, record.value);
    const likes = (record.value === 'like' ? 1 : 0) - (before === 'like' ? 1 : 0);
    const dislikes = (record.value === 'dislike' ? 1 : 0) - (before === 'dislike' ? 1 : 0);
    await tx.adjustReactionCounts(key, comment.id, likes, dislikes);
    bump('reactions');
  }
}

async function storeVote(tx: WriteTx, key: string, record: VoteRecordIn, bump: (key: Counter) => void): Promise<void> {
  const before = await tx.getVote(key, record.user);
  if (before === record.value) return bump('votesAgain');
  await tx.setVote(key, record.user, record.value);
  await tx.adjustThreadCounts(key, { plus: (record.value === 'plus' ? 1 : 0) - (before === 'plus' ? 1 : 0), minus: (record.value === 'minus' ? 1 : 0) - (before === 'minus' ? 1 : 0) });
  bump('votes');
}
