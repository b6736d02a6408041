import type { EconomyRulesView, PnlCategory } from '@parley/protocol';

/** Who bears the Post Publish Tribute (SETTLE-6): the site's treasury (nothing moves), or the post's author. */
export type PublishTributePayer = 'site' | 'author';

/**
 * A site's economy: what each action pays or costs (whole Twei), and the rules that keep it from
 * being farmed (issue 9; economy README "Value from real readers"). The widget sees all of it in
 * `economy:state` (the fields beyond EconomyRulesView are optional there).
 */
export interface EconomyRules extends EconomyRulesView {
  /** [SETTLE-1] How long a comment must stand before the rewards tied to it are paid, ms. */
  settleWindowMs: number;
  /** [REACT-2] The period over which one giver's reactions to one receiver diminish, ms. */
  pairPeriodMs: number;
  /** [REACT-2] What the 1st, 2nd, … reaction of a giver to a receiver in a period pays, as a share; then nothing. */
  pairSchedule: readonly number[];
  /** [REACT-4] A giver below this level gives reactions that count but pay nobody. */
  minGiverLevel: number;
  /** [REACT-4] A giver whose account is younger than this gives reactions that count but pay nobody, ms. */
  minGiverAgeMs: number;
  /** [CAP-1] The most a reader earns on this site in one UTC day, all categories and reading together. */
  dailyEarnCap: number;
  /** [CAP-2] The most this site's treasury mints in one UTC day (grants, rewards, reading). */
  dailyMintBudget: number;
  /** [CAP-2] The budget is kept in this many counters, by reader, so no row is written by every payment. */
  mintShards: number;
  /** [SETTLE-6] Who bears the Post Publish Tribute. */
  publishTributePaidBy: PublishTributePayer;
}

/**
 * The server's defaults, each configurable per site (`economy` in the server options).
 * Chosen so a new reader (starting grant 10) can comment, react and buy reports at once, and so no
 * single action is a loop that mints: every reward that an action pays is taken back when the
 * action is undone (see ledger-book.ts).
 */
export const defaultAmounts: Readonly<Record<PnlCategory, number>> = {
  /** to the post's author, per plus on the post */
  pluses: 2,
  /** to a commenter, per published comment (comment-to-earn) */
  commentRewards: 3,
  /** to a commenter, per like on their comment */
  likesOwn: 1,
  /** to a reader who likes someone else's comment (curation) */
  likesCommenter: 1,
  /** to the post's author, per like on the post's comments */
  likesAuthor: 1,
  /** to the post's author, per dislike on the post's comments */
  dislikesAuthor: 1,
  /** from a reader who gives the post a minus: disagreement costs, so it is meant */
  minuses: 1,
  /** from a commenter, per comment: a small fee that makes spam cost */
  commentTributes: 1,
  /** from a commenter, per dislike their comment receives (at most what they have) */
  dislikesOwn: 1,
  /** from a reader who dislikes a comment */
  dislikesCommenter: 1,
  /** from the post's author, once, when the thread is published */
  publishTribute: 5,
  /** from a reader, per PnL report bought: "Price for report instance: 1 Twei" */
  reports: 1,
};

export const defaultEconomyRules: EconomyRules = {
  amounts: defaultAmounts,
  startingGrant: 10,
  /** 3 Twei a minute of real, visible, active reading... */
  readMsPerTwei: 20_000,
  /** ...up to 10 Twei per post: a long read pays, leaving a tab open does not pay forever. */
  readCapPerPost: 10,
  /** Often enough that a reader who leaves loses little; rare enough to cost nothing (1 write / 10 s). */
  heartbeatMs: 10_000,
  /**
   * One hour. A comment that spam or abuse gets hidden is almost always flagged and acted on while
   * the thread is fresh, within minutes (the moderation queue shows new flags live), so an hour
   * catches nearly every hide before anything is paid; and an honest commenter who stays to read
   * replies still sees the reward in the same visit. A longer window delays honest readers for
   * little: a hide after the window reverses the rewards anyway (SETTLE-3).
   */
  settleWindowMs: 60 * 60 * 1000,
  /** A day: a friend who likes everything you write pays you for the first likes of each day, not all of them. */
  pairPeriodMs: 24 * 60 * 60 * 1000,
  /** Full, half, a quarter (rounded: with the default 1 Twei amounts, two reactions a day pay, then none). */
  pairSchedule: [1, 0.5, 0.25],
  /** No level bar by default: levels come from XP the economy pays, so the age bar is the one that holds. */
  minGiverLevel: 0,
  /**
   * A day. Accounts cost nothing to make; a day-old account is what a farm of fresh accounts cannot
   * have at once. A new reader's likes count (the comment's likes move) from the first minute.
   */
  minGiverAgeMs: 24 * 60 * 60 * 1000,
  /**
   * 60 Twei a reader and day: an honest heavy reader — six long reads (6 × 10) or three reads and
   * fifteen comments that stand — reaches it; a script cannot go beyond it however it plays.
   */
  dailyEarnCap: 60,
  /** 10,000 Twei a site and day: 150 readers at the cap plus a few hundred new readers' grants. */
  dailyMintBudget: 10_000,
  mintShards: 8,
  /** The host publishes, not the author: the site bears the tribute, so publishing never fails or costs the author. */
  publishTributePaidBy: 'site',
};

export interface EconomyRuleOptions extends Partial<Omit<EconomyRules, 'amounts'>> {
  amounts?: Partial<Record<PnlCategory, number>>;
}

export interface EconomyOptions extends EconomyRuleOptions {
  /** Per-site overrides on top of the server-wide rules above, by site id. */
  sites?: Record<string, EconomyRuleOptions>;
}

const RULE_KEYS = new Set(Object.keys(defaultEconomyRules));
const AMOUNT_KEYS = new Set(Object.keys(defaultAmounts));

function merge(base: EconomyRules, options: EconomyRuleOptions | undefined): EconomyRules {
  // A misspelt rule ("settleWindow") would otherwise be ignored silently and the default applied.
  for (const key of Object.keys(options ?? {})) {
    if (!RULE_KEYS.has(key)) throw new Error(`economy: unknown rule "${key}" (known: ${[...RULE_KEYS].join(', ')})`);
  }
  for (const key of Object.keys(options?.amounts ?? {})) {
    if (!AMOUNT_KEYS.has(key)) throw new Error(`economy: unknown amount "${key}" (known: ${[...AMOUNT_KEYS].join(', ')})`);
  }
  const rules: EconomyRules = {
    ...base,
    ...options,
    amounts: { ...base.amounts, ...options?.amounts },
  };
  for (const [name, value] of Object.entries({ ...rules.amounts, grant: rules.startingGrant, cap: rules.readCapPerPost })) {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`economy: ${name} must be a whole number ≥ 0, got ${value}`);
  }
  for (const [name, value] of Object.entries({ readMsPerTwei: rules.readMsPerTwei, heartbeatMs: rules.heartbeatMs, pairPeriodMs: rules.pairPeriodMs })) {
    if (!Number.isSafeInteger(value) || value < 100) throw new Error(`economy: ${name} must be a whole number of ms ≥ 100`);
  }
  const whole = {
    settleWindowMs: rules.settleWindowMs,
    minGiverLevel: rules.minGiverLevel,
    minGiverAgeMs: rules.minGiverAgeMs,
    dailyEarnCap: rules.dailyEarnCap,
    dailyMintBudget: rules.dailyMintBudget,
  };
  for (const [name, value] of Object.entries(whole)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`economy: ${name} must be a whole number ≥ 0, got ${value}`);
  }
  if (!Number.isSafeInteger(rules.mintShards) || rules.mintShards < 1 || rules.mintShards > 64) throw new Error('economy: mintShards must be 1…64');
  if (!Array.isArray(rules.pairSchedule) || rules.pairSchedule.some((f) => typeof f !== 'number' || !(f >= 0 && f <= 1))) {
    throw new Error('economy: pairSchedule must be a list of shares between 0 and 1, e.g. [1, 0.5, 0.25]');
  }
  if (rules.publishTributePaidBy !== 'site' && rules.publishTributePaidBy !== 'author') {
    throw new Error("economy: publishTributePaidBy must be 'site' or 'author'");
  }
  return rules;
}

/**
 * `PARLEY_ECONOMY='{"startingGrant":20,"amounts":{"reports":2},"sites":{"news":{"readCapPerPost":5}}}'`
 * for `parley serve`. A malformed value stops the server with a clear message rather than running
 * with rules the host did not mean.
 */
export function economyFromEnv(text: string | undefined): EconomyOptions | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('PARLEY_ECONOMY must be JSON, e.g. {"startingGrant":20}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('PARLEY_ECONOMY must be a JSON object, e.g. {"startingGrant":20}');
  }
  return parsed as EconomyOptions;
}

/** Economy rules by site id. A Map, so a site id never indexes a plain object. */
export class EconomyDirectory {
  private readonly bySite = new Map<string, EconomyRules>();
  private readonly base: EconomyRules;

  constructor(options: EconomyOptions = {}) {
    const { sites, ...serverWide } = options;
    this.base = merge(defaultEconomyRules, serverWide);
    for (const [site, siteOptions] of Object.entries(sites ?? {})) this.bySite.set(site, merge(this.base, siteOptions));
  }

  rulesFor(site: string): EconomyRules {
    return this.bySite.get(site) ?? this.base;
  }
}
