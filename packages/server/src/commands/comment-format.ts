/**
 * Formatting for the commands that write a body (post, edit, unhide): parse it (domain/markdown.ts),
 * resolve its `@Name`s against the thread's author index, and record the writer in that index. One
 * parse per write and one primary-key lookup of at most a few dozen keys; readers only ever get the
 * stored tree (SPEC MD-6, MD-7).
 */
import type { RichText } from '@parley/protocol';
import type { Identity } from '../domain/identity.js';
import { formatBody, mentionKeys, nameKey, parseMarkdown, type FormattedBody, type Mention } from '../domain/markdown.js';
import type { CommentFormat } from '../store/format-store.js';
import type { CommentRecord, ReadTx, WriteTx } from '../store/types.js';

/**
 * `body` (already normalized) as it will be stored and shown: the tree, null when plain, and the
 * thread's authors it mentions — someone who commented in the thread, or the author of `parent`.
 */
export async function formatComment(tx: ReadTx, threadKey: string, body: string, parent?: CommentRecord | null): Promise<FormattedBody> {
  const parsed = parseMarkdown(body);
  const keys = mentionKeys(parsed);
  if (keys.length === 0) return formatBody(body, parsed, new Map());
  const known = await tx.findThreadAuthors(threadKey, keys);
  // The comment answered is always someone to mention, even from before the author index existed.
  if (parent && parent.deletedAt === null) {
    const key = nameKey(parent.author.name);
    if (keys.includes(key) && !known.has(key)) known.set(key, { id: parent.author.id, name: parent.author.name });
  }
  return formatBody(body, parsed, known);
}

/**
 * Parses `raw` (as the command will normalize it) before the write transaction, so the transaction
 * finds the tree in the parse cache: a long, link-heavy body costs tens of milliseconds to parse,
 * which must not hold SQLite's single writer (or a PostgreSQL transaction) open.
 */
export function parseAhead(raw: string): void {
  parseMarkdown(raw.trim());
}

/** The writer of a new comment becomes someone the thread's later comments can mention. */
export async function recordAuthor(tx: WriteTx, threadKey: string, user: Identity): Promise<void> {
  const key = nameKey(user.name);
  if (key) await tx.recordThreadAuthor(threadKey, key, { id: user.id, name: user.name });
}

/**
 * The tree of words an unhide gives back, rebuilt from the mentions the comment recorded when it
 * was written (no lookup: whom it mentioned does not change by being hidden), and stored again.
 */
export async function restoreFormat(tx: WriteTx, comment: CommentRecord, body: string): Promise<RichText | null> {
  const known = new Map<string, Mention>((comment.mentions ?? []).map((m) => [nameKey(m.name), m]));
  const restored = formatBody(body, parseMarkdown(body), known);
  const format: CommentFormat = { doc: restored.doc, mentions: comment.mentions ?? [] };
  await tx.setCommentFormat(comment.thread, comment.id, format);
  return restored.doc;
}

/** `{ doc }` when there is a tree, nothing otherwise: for spreading into views, events and results. */
export const docField = (doc: RichText | null | undefined): { doc?: RichText } => (doc ? { doc } : {});
