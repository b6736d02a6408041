/**
 * Comment formatting: the safe Markdown subset readers may type, parsed into the allow-listed tree
 * of `@parley/protocol`'s rich-text.ts (SPEC MD-1…MD-7, LINK-1…).
 *
 * Why markdown-it: it is CommonMark-exact and maintained (the parser behind VS Code's preview and
 * GitLab's docs), emits a flat token stream we can convert node by node (so the allow-list is the
 * converter's `switch`, not a sanitizer run over HTML), lets every rule be switched off (we start
 * from its `zero` preset and enable only ours), has `html: false`, and has been hardened against
 * quadratic inputs (link labels, emphasis runs, backticks) with a nesting limit of its own. A
 * sanitize-after-render design (marked + DOMPurify) would hand the widget HTML; this never does.
 *
 * Invariants, each for a reason:
 * - No HTML in, none out: `html: false` makes `<script>` and `<img onerror>` literal text, and the
 *   tree has no node that could carry markup, a class or a style.
 * - A link survives only when its href is http(s) or mailto (`isSafeHref`); `javascript:`, `data:`,
 *   `vbscript:`, relative and protocol-relative URLs stay text. Bare `http(s)://` URLs are linked.
 * - Bounded: input beyond the body limit is never parsed (it is refused before, and this module
 *   does not trust that); quotes, lists, emphasis and links deeper than `RichTextLimits.maxDepth` are
 *   flattened into their ancestor, words kept; a body that reaches markdown-it's own nesting limit
 *   (which drops the rest of the input) is shown as its source text instead. Work and tree size are
 *   linear in the body's length.
 * - Deterministic and pure: the same body and the same known authors give the same tree, so the
 *   tree is computed once per write (and again on unhide, from the kept words) and stored.
 */
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { Limits, RichTextLimits, isSafeHref, type RichBlock, type RichInline, type RichText } from '@parley/protocol';

/** Someone a comment mentions: their reader id and the name they commented under. */
export interface Mention {
  id: string;
  name: string;
}

/** What a comment's body becomes: its tree (null when plain paragraphs) and whom it mentions. */
export interface FormattedBody {
  doc: RichText | null;
  mentions: Mention[];
}

/** markdown-it's own recursion limit; reaching it means it dropped input (see `reachedLimit`). */
const PARSER_NESTING = 20;

const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true });
// Not in the typed options, but read by both parsers (parser_block.mjs, parser_inline.mjs).
(md.options as { maxNesting?: number }).maxNesting = PARSER_NESTING;
md.enable([
  // blocks: no heading, hr, table, indented code, reference definitions or html
  'blockquote',
  'list',
  'fence',
  // inline: no image, strikethrough or html
  'newline',
  'escape',
  'backticks',
  'emphasis',
  'link',
  'autolink',
  'entity',
  'linkify',
]);
md.validateLink = (url) => isSafeHref(url);
// Bare URLs only with their scheme: no `example.com` guesses, no bare e-mail addresses, no ftp or `//`.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
md.linkify.add('ftp:', null).add('//', null);

/** Parsed trees by body: a retried transaction, a requestId replay or an unhide parse once. */
const cache = new Map<string, RichText | null>();
const CACHE_ENTRIES = 256;

/**
 * The body's tree before mentions are resolved, or null when it cannot be formatted safely (over
 * the length limit, or a nesting bomb): such a body is shown as its source text.
 */
export function parseMarkdown(body: string): RichText | null {
  const hit = cache.get(body);
  if (hit !== undefined || cache.has(body)) {
    cache.delete(body); // refresh its place: least recently used goes first
    cache.set(body, hit ?? null);
    return hit ?? null;
  }
  const doc = body.length > Limits.maxBodyLength * 2 ? null : (plainParagraphs(body) ?? parseFully(body));
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(body, doc);
  return doc;
}

/** The tree from markdown-it itself, no shortcut (tests compare `plainParagraphs` with it). */
export function parseFully(body: string): RichText | null {
  return convert(md.parse(body, {}));
}

/**
 * Anything that could make markdown-it read a body as more than paragraphs of text: a character
 * that starts inline syntax (escape, code, emphasis, links, autolinks, entities, fences), NUL (the
 * parser makes it U+FFFD), whitespace other than a space or a newline (tabs, CR, and the Unicode
 * spaces `trim` would strip), and a scheme linkify links (`http:`, `https:`, `mailto:`; no fuzzy
 * links are enabled).
 */
const NOT_PLAIN_TEXT = /[\\`*_[\]<>&~\0]|[^\S \n]|(?:https?|mailto):/i;
/**
 * A line markdown-it reads as plain text whatever comes before it: it starts with a letter, `@`, a
 * quote mark or an opening parenthesis, or with a digit that is not an ordered-list marker
 * (`12.` / `12)`); and ends with no space (two would be a hard break, one is trimmed).
 */
const PLAIN_LINE = /^(?:[\p{L}@"'(]|\d(?!\d*[.)]))(?:.*\S)?$/u;

/**
 * [DUR-14] The tree of a body with no Markdown syntax at all, without running the parser: its
 * paragraphs (split on blank lines) of text with a break for each newline — exactly what markdown-it
 * gives for such a body (tests check it against `parseFully` on the suite's bodies and random
 * strings). Undefined when the body has anything the parser could read otherwise.
 */
export function plainParagraphs(body: string): RichText | undefined {
  if (NOT_PLAIN_TEXT.test(body)) return undefined;
  const doc: RichText = [];
  let paragraph: RichInline[] | null = null;
  for (const line of body.split('\n')) {
    if (line === '') {
      paragraph = null;
      continue;
    }
    if (!PLAIN_LINE.test(line)) return undefined;
    if (paragraph) paragraph.push({ t: 'br' }, line);
    else {
      paragraph = [line];
      doc.push({ t: 'p', c: paragraph });
    }
  }
  return doc;
}

function convert(tokens: Token[]): RichText | null {
  if (tokens.some((token) => token.level >= PARSER_NESTING - 1)) return null;
  const root: RichText = [];
  // Each open quote, list or item: where its children go, and how deep it is.
  const stack: { blocks: RichBlock[]; list?: RichBlock[][]; depth: number }[] = [{ blocks: root, depth: 0 }];
  const top = () => stack[stack.length - 1]!;
  for (const token of tokens) {
    const here = top();
    const deepEnough = here.depth >= RichTextLimits.maxDepth;
    switch (token.type) {
      case 'blockquote_open': {
        if (deepEnough) stack.push({ blocks: here.blocks, depth: here.depth });
        else {
          const quote: RichBlock = { t: 'quote', c: [] };
          here.blocks.push(quote);
          stack.push({ blocks: quote.c, depth: here.depth + 1 });
        }
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        if (deepEnough) stack.push({ blocks: here.blocks, depth: here.depth });
        else {
          const items: RichBlock[][] = [];
          const start = Number(token.attrGet('start') ?? 1);
          here.blocks.push(
            token.type === 'bullet_list_open'
              ? { t: 'ul', c: items }
              : { t: 'ol', ...(Number.isSafeInteger(start) && start !== 1 && { start }), c: items },
          );
          stack.push({ blocks: here.blocks, list: items, depth: here.depth + 1 });
        }
        break;
      }
      case 'list_item_open': {
        if (here.list) {
          const item: RichBlock[] = [];
          here.list.push(item);
          stack.push({ blocks: item, depth: here.depth });
        } else stack.push({ blocks: here.blocks, depth: here.depth });
        break;
      }
      case 'blockquote_close':
      case 'bullet_list_close':
      case 'ordered_list_close':
      case 'list_item_close':
        if (stack.length > 1) stack.pop();
        break;
      case 'fence':
        here.blocks.push({ t: 'pre', s: token.content.replace(/\n$/, '') });
        break;
      case 'inline': {
        const c = inlines(token.children ?? []);
        if (c.length > 0) here.blocks.push({ t: 'p', c });
        break;
      }
      // paragraph_open/close carry nothing the tree needs; no other block rule is enabled.
    }
  }
  return root;
}

function inlines(tokens: Token[]): RichInline[] {
  const root: RichInline[] = [];
  const stack: { c: RichInline[]; depth: number; node: boolean }[] = [{ c: root, depth: 0, node: true }];
  const push = (node: RichInline) => {
    const into = stack[stack.length - 1]!.c;
    const last = into[into.length - 1];
    // Adjacent text joins, so the tree stays small and "plain" is easy to tell.
    if (typeof node === 'string' && typeof last === 'string') into[into.length - 1] = last + node;
    else into.push(node);
  };
  const open = (make: (c: RichInline[]) => RichInline | null) => {
    const here = stack[stack.length - 1]!;
    const c: RichInline[] = [];
    const node = here.depth < RichTextLimits.maxDepth ? make(c) : null;
    if (node) {
      here.c.push(node);
      stack.push({ c, depth: here.depth + 1, node: true });
    } else stack.push({ c: here.c, depth: here.depth, node: false }); // flattened: words go to the parent
  };
  const close = () => {
    if (stack.length > 1) stack.pop();
  };
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
      case 'text_special':
        if (token.content) push(token.content);
        break;
      case 'softbreak':
      case 'hardbreak':
        push({ t: 'br' });
        break;
      case 'code_inline':
        push({ t: 'code', s: token.content });
        break;
      case 'em_open':
        open((c) => ({ t: 'em', c }));
        break;
      case 'strong_open':
        open((c) => ({ t: 'strong', c }));
        break;
      case 'link_open': {
        const href = token.attrGet('href') ?? '';
        // validateLink already refused unsafe hrefs; an empty one (`[x]()`) is read as its words.
        open((c) => (isSafeHref(href) ? { t: 'link', href, c } : null));
        break;
      }
      case 'em_close':
      case 'strong_close':
      case 'link_close':
        close();
        break;
    }
  }
  return root;
}

/** How names compare: case, width and spacing do not matter ("bella  ciao" is "Bella Ciao"). */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Longest name a mention may spell, in UTF-16 units, and its most words. */
const MAX_NAME = 64;
const MAX_NAME_WORDS = 4;
/** `@` signs looked at per comment; the rest stay text. Bounds the author lookup. */
const MAX_ATS = 30;
const TRAILING = /[\s.,!?;:)\]}"'»”’]+$/u;
/** An `@` right after a letter or digit is an e-mail address or a handle elsewhere, not a mention. */
const WORDISH = /[\p{L}\p{N}_]/u;

/** Every name that could follow each `@` in `text`, shortest first, as written. */
function atCandidates(text: string, at: number): string[] {
  const rest = text.slice(at + 1, at + 1 + MAX_NAME);
  const words = rest.split(' ');
  const found: string[] = [];
  let spelled = '';
  for (let i = 0; i < Math.min(words.length, MAX_NAME_WORDS); i++) {
    const word = words[i]!;
    if (word === '') break;
    spelled = i === 0 ? word : `${spelled} ${word}`;
    const bare = spelled.replace(TRAILING, '');
    if (bare) found.push(bare);
    if (bare !== spelled) break; // punctuation ends the name
  }
  return found;
}

/** Calls `visit` with each mention-able text string of the tree (not code, not link words), in order. */
function eachText(doc: RichText, visit: (text: string, replace: (parts: RichInline[]) => void) => void): void {
  const walkInline = (nodes: RichInline[]) => {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (typeof node === 'string') {
        visit(node, (parts) => {
          nodes.splice(i, 1, ...parts);
          i += parts.length - 1;
        });
      } else if (node.t === 'em' || node.t === 'strong') walkInline(node.c);
    }
  };
  const walkBlocks = (blocks: RichBlock[]) => {
    for (const block of blocks) {
      if (block.t === 'p') walkInline(block.c);
      else if (block.t === 'quote') walkBlocks(block.c);
      else if (block.t === 'ul' || block.t === 'ol') for (const item of block.c) walkBlocks(item);
    }
  };
  walkBlocks(doc);
}

function eachAt(text: string, seen: { ats: number }, visit: (at: number) => number | void): void {
  for (let at = text.indexOf('@'); at !== -1 && seen.ats < MAX_ATS; at = text.indexOf('@', at + 1)) {
    if (at > 0 && WORDISH.test(text[at - 1]!)) continue;
    seen.ats++;
    const skipTo = visit(at);
    if (typeof skipTo === 'number') at = skipTo - 1;
  }
}

/** The name keys a tree's `@`s could mean: what to look up among the thread's authors. */
export function mentionKeys(doc: RichText | null): string[] {
  if (!doc) return [];
  const keys = new Set<string>();
  const seen = { ats: 0 };
  eachText(doc, (text) => eachAt(text, seen, (at) => void atCandidates(text, at).forEach((name) => keys.add(nameKey(name)))));
  return [...keys];
}

/**
 * The comment's final form: each `@Name` whose key is among `known` (the thread's authors) becomes a
 * mention node — the longest name that matches wins — and the tree is dropped when what remains
 * is plain paragraphs that read the same as the body.
 */
export function formatBody(body: string, parsed: RichText | null, known: ReadonlyMap<string, Mention>): FormattedBody {
  if (!parsed) return { doc: null, mentions: [] };
  const doc = known.size > 0 ? (structuredClone(parsed) as RichText) : parsed;
  const mentions = new Map<string, Mention>();
  if (known.size > 0) {
    const seen = { ats: 0 };
    eachText(doc, (text, replace) => {
      const parts: RichInline[] = [];
      let from = 0;
      eachAt(text, seen, (at) => {
        const names = atCandidates(text, at);
        for (let i = names.length - 1; i >= 0; i--) {
          const who = known.get(nameKey(names[i]!));
          if (!who || (!mentions.has(who.id) && mentions.size >= RichTextLimits.maxMentions)) continue;
          mentions.set(who.id, who);
          if (at > from) parts.push(text.slice(from, at));
          parts.push({ t: 'mention', id: who.id, s: names[i]! });
          from = at + 1 + names[i]!.length;
          return from;
        }
      });
      if (parts.length === 0) return;
      if (from < text.length) parts.push(text.slice(from));
      replace(parts);
    });
  }
  return { doc: isPlain(doc, body) ? null : doc, mentions: [...mentions.values()] };
}

/** Whether the widget, showing `body` as text (blocks on blank lines, breaks on newlines), shows the same. */
function isPlain(doc: RichText, body: string): boolean {
  const lines: string[] = [];
  for (const block of doc) {
    if (block.t !== 'p') return false;
    let text = '';
    for (const node of block.c) {
      if (typeof node === 'string') text += node;
      else if (node.t === 'br') text += '\n';
      else return false;
    }
    lines.push(text);
  }
  return lines.join('\n\n') === body;
}

/** Counts a tree's nodes and depth (for tests and bounds checks). */
export function measure(doc: RichText | null): { nodes: number; depth: number } {
  let nodes = 0;
  let depth = 0;
  const inline = (c: RichInline[], d: number) => {
    for (const node of c) {
      nodes++;
      depth = Math.max(depth, d);
      if (typeof node !== 'string' && 'c' in node) inline(node.c, d + 1);
    }
  };
  const blocks = (c: RichBlock[], d: number) => {
    for (const block of c) {
      nodes++;
      depth = Math.max(depth, d);
      if (block.t === 'p') inline(block.c, d + 1);
      else if (block.t === 'quote') blocks(block.c, d + 1);
      else if (block.t === 'ul' || block.t === 'ol') for (const item of block.c) blocks(item, d + 1);
    }
  };
  blocks(doc ?? [], 1);
  return { nodes, depth };
}
