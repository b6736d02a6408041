import type { EconomyRulesView, PnlCategory } from '@parley/protocol';

/** A site's economy: what each action pays or costs. Whole Twei. */
export type EconomyRules = EconomyRulesView;

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
};

export interface EconomyRuleOptions extends Partial<Omit<EconomyRules, 'amounts'>> {
  amounts?: Partial<Record<PnlCategory, number>>;
}

export interface EconomyOptions extends EconomyRuleOptions {
  /** Per-site overrides on top of the server-wide rules above, by site id. */
  sites?: Record<string, EconomyRuleOptions>;
}

function merge(base: EconomyRules, options: EconomyRuleOptions | undefined): EconomyRules {
  const rules: EconomyRules = {
    ...base,
    ...options,
    amounts: { ...base.amounts, ...options?.amounts },
  };
  for (const [name, value] of Object.entries({ ...rules.amounts, grant: rules.startingGrant, cap: rules.readCapPerPost })) {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`economy: ${name} must be a whole number ≥ 0, got ${value}`);
  }
  for (const [name, value] of Object.entries({ readMsPerTwei: rules.readMsPerTwei, heartbeatMs: rules.heartbeatMs })) {
    if (!Number.isSafeInteger(value) || value < 100) throw new Error(`economy: ${name} must be a whole number of ms ≥ 100`);
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
