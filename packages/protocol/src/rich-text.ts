/**
 * A comment's formatting, as the server parsed it from the Markdown a reader typed (SPEC MD-1…).
 *
 * The server turns the body into this small tree once, when the comment is written; readers get it
 * beside `body` (`CommentView.doc`) and the widget renders each node with a fixed template. Nothing
 * here is HTML: text is text (a string), a link's `href` is an http(s) or mailto URL the server
 * checked, and there is no node for images, headings, tables, raw HTML, classes or styles.
 *
 * Short keys (`t` type, `c` children, `s` string) keep a formatted comment's payload small; a body
 * that is plain paragraphs travels without a tree at all, and reads as that: blocks split on blank
 * lines, lines split on single newlines.
 */

/** Inline content. A plain string is text. */
export type RichInline =
  | string
  | { t: 'em' | 'strong'; c: RichInline[] }
  /** Inline code, verbatim. */
  | { t: 'code'; s: string }
  /** An http(s) or mailto link (see {@link isSafeHref}); `c` is what it reads as. */
  | { t: 'link'; href: string; c: RichInline[] }
  /** `@Name` of someone who has commented in the thread: `id` is their reader id, `s` the name as written. */
  | { t: 'mention'; id: string; s: string }
  /** A line break inside a paragraph. */
  | { t: 'br' };

export type RichBlock =
  | { t: 'p'; c: RichInline[] }
  /** A fenced code block, verbatim (no language, no highlighting). */
  | { t: 'pre'; s: string }
  | { t: 'quote'; c: RichBlock[] }
  /** A bullet list: each item is a list of blocks. */
  | { t: 'ul'; c: RichBlock[][] }
  /** A numbered list, counting from `start` (1 when absent). */
  | { t: 'ol'; start?: number; c: RichBlock[][] };

/** A formatted body: its blocks, in order. */
export type RichText = RichBlock[];

export const RichTextLimits = {
  /**
   * Deepest nesting of quotes and lists (and of emphasis and links inside a paragraph) the tree
   * keeps; deeper structure is flattened into its ancestor at that depth, words kept. Real comments
   * nest two or three levels; a `>>>>>>…` bomb must not make a reader's renderer recurse.
   */
  maxDepth: 6,
  /** Most `@mentions` one comment records (and notifies). */
  maxMentions: 10,
} as const;

/** Schemes a link may have; anything else stays text. */
const SAFE_HREF = /^(?:https?:\/\/|mailto:)/i;

/**
 * Whether `href` may become a link: http(s) or mailto, and no whitespace or control characters
 * (which browsers strip, so `java\tscript:` must never reach an `href`). The server decides; the
 * widget checks again before binding an `href`, so a tree from anywhere else cannot carry a script URL.
 */
export function isSafeHref(href: string): boolean {
  // eslint-disable-next-line no-control-regex
  return SAFE_HREF.test(href) && !/[\u0000-\u0020\u007f-\u009f]/.test(href);
}
