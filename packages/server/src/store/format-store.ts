/**
 * The storage contract of comment formatting (SPEC MD-6, MD-7): a comment's parsed tree and the
 * people it mentions live on its row (`CommentRecord.doc`, `.mentions`), written once per write;
 * and every thread keeps an index of the names its authors commented under, so resolving an
 * `@Name` is a primary-key lookup of a few keys, never a scan of the thread's comments.
 */
import type { RichText } from '@parley/protocol';
import type { Mention } from '../domain/markdown.js';

export interface CommentFormat {
  /** null when the body is plain paragraphs (or withheld). */
  doc: RichText | null;
  mentions: readonly Mention[];
}

export interface FormatReadTx {
  /** The thread's authors known under any of these name keys (`nameKey`), by key. */
  findThreadAuthors(thread: string, keys: readonly string[]): Promise<Map<string, Mention>>;
}

export interface FormatWriteTx extends FormatReadTx {
  /** Records that `author` commented in the thread under this name; the latest author of a name wins. */
  recordThreadAuthor(thread: string, key: string, author: Mention): Promise<void>;
  /** Replaces a comment's tree and mentions (after an edit, or when an unhide gives the words back). */
  setCommentFormat(thread: string, id: string, format: CommentFormat): Promise<void>;
}
