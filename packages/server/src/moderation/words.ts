/**
 * Word lists per site (SPEC WORDS-1…6): `banned` words refuse a comment (post and edit alike, with
 * the code `banned_words`), `suspect` words hold it for review, `allowed` phrases are never matched
 * (the Scunthorpe problem: "Scunthorpe", "assassin").
 *
 * Matching goes through obscenity (a maintained profanity matcher, used by Discord bots and forums)
 * rather than hand-made regular expressions, with its transformers doing the seeing-through:
 * look-alike characters (Cyrillic "ѕрам", fullwidth, circled letters) through
 * `resolveConfusablesTransformer`, leetspeak ("5p4m", "vi@gra") through `resolveLeetSpeakTransformer`,
 * case through `toAsciiLowerCaseTransformer`, stretched letters ("spaaaam") through
 * `collapseDuplicatesTransformer`. Spacing ("s p a m", "s.p-a_m") is seen through by the pattern
 * itself: one optional wildcard between letters, inside word boundaries, so separators are skipped
 * without gluing neighbouring words together (obscenity's own `skipNonAlphabeticTransformer` turns
 * "grass pamphlet" into "grasspamphlet", which contains "spam" — the reason its English preset
 * leaves it out).
 *
 * Linear time: every pattern is built here from literal letters and single-character optional
 * wildcards (never a host's regular expression), so each compiles to a regular expression without
 * nested quantifiers — no backtracking blow-up — and a text is scanned once per term. Terms are
 * bounded (`MAX_TERMS`, `MAX_TERM_LENGTH`) and so is a comment (5,000 characters): the cost of a
 * check has a fixed ceiling, proportional to terms × characters (obscenity's matcher runs one
 * expression per term). `node packages/server/dist/moderation/words-bench.js` prints it; keep lists
 * to the hundreds. The check runs before the post's write transaction, never inside it.
 */
import { createRequire } from 'node:module';
import type { Node, ParsedPattern, RegExpMatcher } from 'obscenity';
import { ErrorCodes } from '@parley/protocol';
import { ParleyError } from '../errors.js';

export interface WordListOptions {
  /** Words and phrases that refuse a comment (`banned_words`). @default none */
  banned?: string[];
  /** Words and phrases that hold a comment for a moderator. @default none */
  suspect?: string[];
  /**
   * Words and phrases never matched, though a banned or suspect term hides in them
   * ("scunthorpe" beside a banned "cunt", "assassin" beside "ass"). @default none
   */
  allowed?: string[];
}

/** A site's list may hold this many terms per kind: a check costs one scan per term. */
export const MAX_TERMS = 1000;
/** Longest term, in characters. */
export const MAX_TERM_LENGTH = 64;

export class WordListError extends Error {
  override readonly name = 'WordListError';
}

/** Which terms a text matched, by kind, as the host wrote them. */
export interface WordMatches {
  banned: string[];
  suspect: string[];
}

/**
 * The letters a term is matched by: lowercase, look-alikes and leetspeak resolved the way the
 * transformers resolve the text, separators dropped, runs collapsed (the text's "spaaam" becomes
 * "spam", so the term "kill" must become "kil" to meet it).
 */
function termLetters(term: string): number[] {
  const folded = [...term.normalize('NFKC').toLowerCase()].map((char) => LEET[char] ?? char).join('');
  const letters = [...folded].filter((char) => /[a-z]/.test(char));
  const collapsed = letters.filter((char, i) => char !== letters[i - 1]);
  return collapsed.map((char) => char.codePointAt(0)!);
}

/**
 * obscenity, loaded when a site first compiles a list: a server (or a `parley token`) without word
 * lists never pays for it. Its CommonJS build, synchronously, since sites are resolved at start.
 */
let library: typeof import('obscenity') | null = null;
const obscenity = (): typeof import('obscenity') => (library ??= createRequire(import.meta.url)('obscenity') as typeof import('obscenity'));

/** The same substitutions as obscenity's leetspeak transformer, applied to the host's terms. */
const LEET: Record<string, string> = { '@': 'a', '4': 'a', '8': 'b', '(': 'c', '3': 'e', '6': 'g', '1': 'i', '!': 'i', '|': 'i', '0': 'o', '$': 's', '5': 's', '7': 't', '2': 'z' };

/** `|s[?]p[?]a[?]m[?]|`: the letters in order, at most one other character between and after them, whole words. */
function spacedPattern(letters: number[]): ParsedPattern {
  const { SyntaxKind } = obscenity();
  const nodes: Node[] = [];
  for (const char of letters) {
    nodes.push({ kind: SyntaxKind.Literal, chars: [char] });
    nodes.push({ kind: SyntaxKind.Optional, childNode: { kind: SyntaxKind.Wildcard } });
  }
  return { nodes, requireWordBoundaryAtStart: true, requireWordBoundaryAtEnd: true };
}

function checkTerms(kind: string, terms: readonly string[] | undefined, where: string): string[] {
  const list = terms ?? [];
  if (list.length > MAX_TERMS) throw new WordListError(`${where}: words.${kind} has ${list.length} terms; at most ${MAX_TERMS}`);
  for (const term of list) {
    if (typeof term !== 'string' || term.trim() === '') throw new WordListError(`${where}: words.${kind} holds an empty term`);
    if (term.length > MAX_TERM_LENGTH) throw new WordListError(`${where}: words.${kind} term ${JSON.stringify(term.slice(0, 20))}… is longer than ${MAX_TERM_LENGTH} characters`);
    if (kind !== 'allowed' && termLetters(term).length === 0) {
      throw new WordListError(
        `${where}: words.${kind} term ${JSON.stringify(term)} has no Latin letters once look-alikes are resolved; ` +
          'the matcher compares Latin letters (write the term in the letters its look-alikes stand for)',
      );
    }
  }
  return [...list];
}

/** One site's compiled lists. Build once per site (at start or when its settings change); `match` is pure. */
export class WordFilter {
  private readonly matcher: RegExpMatcher | null;
  /** termId → [kind, the term as the host wrote it]. */
  private readonly terms: { kind: 'banned' | 'suspect'; term: string }[] = [];

  constructor(options: WordListOptions = {}, where = 'site') {
    const banned = checkTerms('banned', options.banned, where);
    const suspect = checkTerms('suspect', options.suspect, where);
    const allowed = checkTerms('allowed', options.allowed, where);
    for (const term of banned) this.terms.push({ kind: 'banned', term });
    for (const term of suspect) this.terms.push({ kind: 'suspect', term });
    if (this.terms.length === 0) {
      this.matcher = null;
      return;
    }
    const { RegExpMatcher, collapseDuplicatesTransformer, resolveConfusablesTransformer, resolveLeetSpeakTransformer, toAsciiLowerCaseTransformer } = obscenity();
    this.matcher = new RegExpMatcher({
      blacklistedTerms: this.terms.map(({ term }, id) => ({ id, pattern: spacedPattern(termLetters(term)) })),
      whitelistedTerms: allowed.map((term) => term.toLowerCase()),
      blacklistMatcherTransformers: [
        resolveConfusablesTransformer(),
        resolveLeetSpeakTransformer(),
        toAsciiLowerCaseTransformer(),
        collapseDuplicatesTransformer({ defaultThreshold: 1 }),
      ],
      whitelistMatcherTransformers: [toAsciiLowerCaseTransformer()],
    });
  }

  get empty(): boolean {
    return this.matcher === null;
  }

  /** The last text matched and what it held: a post is matched by the refusal, the suspect screener and the hook's guard in turn. */
  private last: { text: string; found: WordMatches } | null = null;

  /** The banned and suspect terms the text contains, each once, as the host wrote them. */
  match(text: string): WordMatches {
    if (this.last?.text === text) return { banned: [...this.last.found.banned], suspect: [...this.last.found.suspect] };
    const found: WordMatches = { banned: [], suspect: [] };
    if (!this.matcher) return found;
    const seen = new Set<number>();
    for (const { termId } of this.matcher.getAllMatches(text)) {
      if (seen.has(termId)) continue;
      seen.add(termId);
      const { kind, term } = this.terms[termId]!;
      found[kind].push(term);
    }
    this.last = { text, found: { banned: [...found.banned], suspect: [...found.suspect] } };
    return found;
  }
}

/**
 * Refuses a text holding a banned term (SPEC WORDS-1): the ParleyError `banned_words`, naming the
 * terms so the reader knows what to change. Returns the suspect terms found, for the caller to hold.
 */
export function refuseBannedWords(filter: WordFilter, text: string): string[] {
  if (filter.empty) return [];
  const { banned, suspect } = filter.match(text);
  if (banned.length > 0) {
    const list = banned.map((term) => `"${term}"`).join(', ');
    throw new ParleyError(
      ErrorCodes.bannedWords,
      `This site does not allow ${banned.length === 1 ? 'the word' : 'the words'} ${list} in comments; change ${banned.length === 1 ? 'it' : 'them'} and post again.`,
      { words: banned },
    );
  }
  return suspect;
}
