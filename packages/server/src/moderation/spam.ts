/**
 * Built-in spam heuristics (SPEC SPAM-1…6). Each one that trips HOLDS the comment for a moderator
 * with a reason they can read and a `spam:*` tag; none refuses, because each can misfire on an
 * honest reader and a moderator's look costs less than a lost comment.
 *
 * - repeat: the same text (case, spacing and punctuation aside) again from the same reader, or
 *   from several readers, within a window — copy-paste campaigns and bot rings;
 * - links: more links than the site allows in one comment;
 * - typing: a new reader's comment written faster than a person types. The widget may say how
 *   long its composer was open (`composeMs`); the server never believes more than its own clock
 *   allows — the time since that connection joined the thread (transport/handlers.ts) — so a
 *   forged `composeMs: 3600000` buys nothing;
 * - burst: many comments from new readers across the site within a short window (a wave of fresh
 *   accounts), held from the moment the wave passes the threshold.
 *
 * "New reader": no XP yet on the site (store `getXp` = 0): nothing they wrote has settled and they
 * earned nothing by reading. State is in memory, per node, bounded (the oldest entries are dropped
 * first): several nodes each count what they see, so a ring spread over nodes needs that many
 * more posts before it trips — the hook and the word lists are the cluster-wide checks.
 */
import type { ScreenInput, ScreenVerdict } from './verdict.js';

export interface SpamOptions {
  /** The window of the repeat checks, in seconds. @default 600 — a copy-paste campaign repeats within minutes. */
  repeatWindowSeconds?: number;
  /** The same reader's Nth identical comment within the window is held. @default 2 — nobody says the same thing twice on purpose. */
  repeatsPerReader?: number;
  /** The Nth distinct reader posting the same text within the window is held (and every later one). @default 3 */
  repeatsAcrossReaders?: number;
  /** Texts shorter than this (characters) are never repeat-checked. @default 20 — "Thank you!" and "+1" repeat honestly. */
  minRepeatLength?: number;
  /** More links than this in one comment hold it. @default 2 — a source or two is normal; a list of links is a spammer's. */
  maxLinks?: number;
  /**
   * A new reader's comment typed faster than this many characters a second is held.
   * @default 20 — a very fast typist does 10 (120 words a minute); pasting a prepared answer is
   * still possible for a person, hence a hold, not a refusal.
   */
  maxCharsPerSecond?: number;
  /** Comments shorter than this are never speed-checked. @default 40 */
  minTypedLength?: number;
  /** The window of the burst check, in seconds. @default 60 */
  burstWindowSeconds?: number;
  /** More comments than this from new readers on the site within the burst window are held. @default 10 */
  burstNewReaderComments?: number;
}

export type SpamRules = Required<SpamOptions>;

export const defaultSpamRules: SpamRules = {
  repeatWindowSeconds: 600,
  repeatsPerReader: 2,
  repeatsAcrossReaders: 3,
  minRepeatLength: 20,
  maxLinks: 2,
  maxCharsPerSecond: 20,
  minTypedLength: 40,
  burstWindowSeconds: 60,
  burstNewReaderComments: 10,
};

export function resolveSpam(options: SpamOptions = {}): SpamRules {
  const rules = { ...defaultSpamRules, ...options };
  for (const [key, value] of Object.entries(rules)) {
    if (!(key in defaultSpamRules)) throw new Error(`${key} is not a spam option (${Object.keys(defaultSpamRules).join(', ')})`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${key} must be a number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return rules;
}

/** What the spam check is told beyond the registry's input. */
export interface SpamFacts {
  /** The reader has no XP on the site yet. */
  newReader: boolean;
  /** How long the reader can have been writing, as bounded by the server (ms); undefined = unknown. */
  composeMs?: number | undefined;
}

/** Most entries kept per map; past it the oldest go first, so memory stays bounded under a flood. */
const MAX_ENTRIES = 20_000;

const LINK = /\bhttps?:\/\/|\bwww\.[a-z0-9-]/gi;

/** Case, spacing and punctuation aside: what makes two comments "the same text". */
export function textKey(body: string): string {
  return body.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export function countLinks(body: string): number {
  return body.match(LINK)?.length ?? 0;
}

/** A bounded Map of recent timestamps per key, oldest key dropped first. */
class RecentTimes<V> {
  private readonly entries = new Map<string, { at: number; value: V }[]>();

  /** Adds one and returns every entry of `key` still inside the window (the new one included). */
  add(key: string, at: number, value: V, windowMs: number): { at: number; value: V }[] {
    const kept = (this.entries.get(key) ?? []).filter((entry) => entry.at > at - windowMs);
    kept.push({ at, value });
    this.entries.delete(key); // re-inserted last: the Map's order is recency
    this.entries.set(key, kept.slice(-200));
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return kept;
  }
}

/** One node's memory of recent comments, per server; `check` records the comment and answers a verdict. */
export class SpamGuard {
  private readonly texts = new RecentTimes<string>();
  private readonly bursts = new RecentTimes<string>();

  check(rules: SpamRules, input: ScreenInput, facts: SpamFacts): ScreenVerdict | null {
    const reasons: string[] = [];
    const tags: string[] = [];
    const hold = (tag: string, reason: string) => {
      tags.push(tag);
      reasons.push(reason);
    };
    const at = input.at;
    const site = input.site.id;
    const author = input.author.id;

    const key = textKey(input.body);
    if (key.length >= rules.minRepeatLength) {
      const windowMs = rules.repeatWindowSeconds * 1000;
      const seen = this.texts.add(`${site}\u0000${key}`, at, author, windowMs);
      const mine = seen.filter((entry) => entry.value === author).length;
      const readers = new Set(seen.map((entry) => entry.value)).size;
      const minutes = Math.round(rules.repeatWindowSeconds / 60);
      if (rules.repeatsPerReader > 0 && mine >= rules.repeatsPerReader) hold('spam:repeat', `the same text ${mine} times from this reader within ${minutes} min`);
      else if (rules.repeatsAcrossReaders > 0 && readers >= rules.repeatsAcrossReaders) hold('spam:repeat-ring', `the same text from ${readers} readers within ${minutes} min`);
    }

    const links = countLinks(input.body);
    if (links > rules.maxLinks) hold('spam:links', `${links} links (the site allows ${rules.maxLinks})`);

    if (facts.newReader) {
      const length = [...input.body].length;
      if (facts.composeMs !== undefined && length >= rules.minTypedLength && rules.maxCharsPerSecond > 0) {
        const seconds = Math.max(facts.composeMs, 1) / 1000;
        const speed = length / seconds;
        if (speed > rules.maxCharsPerSecond) hold('spam:typed-fast', `a new reader's ${length} characters written in ${seconds.toFixed(1)} s`);
      }
      if (rules.burstNewReaderComments > 0) {
        const recent = this.bursts.add(site, at, author, rules.burstWindowSeconds * 1000);
        if (recent.length > rules.burstNewReaderComments) hold('spam:new-reader-burst', `${recent.length} comments from new readers on the site within ${rules.burstWindowSeconds} s`);
      }
    }
    if (reasons.length === 0) return null;
    return { action: 'hold', reasons, tags: ['spam', ...tags] };
  }
}
