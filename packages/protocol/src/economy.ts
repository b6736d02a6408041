/**
 * The Twei economy's wire contract: the twelve profit/loss categories of the reference page, the
 * rules a widget shows before an action, a reader's wallet, and the PnL report.
 *
 * Message flow
 *
 *   client                                        server
 *   ── economy:state { thread } ───────────────▶  (opens the reader's account with its starting grant)
 *                                                  ack EconomyState { rules, wallet, author, reports }
 *   ── read:heartbeat { thread } ──────────────▶  "visible and active on this thread now"; the server
 *                                                  measures reading time from ITS clock; ack ReadProgress
 *                                                  only when the beat asks for one (BEAT-17): the widget
 *                                                  sends most beats without an ack id and asks about once
 *                                                  a minute (`PROGRESS_EVERY_MS`); what it earns reaches
 *                                                  it as `wallet:update` either way. A beat with an ack
 *                                                  callback (older widgets) is answered as always.
 *   ── read:heartbeat { thread, stop: true } ──▶  "reading stopped" (tab hidden, reader idle): the
 *                                                  reading interval ends at the previous beat; the next
 *                                                  beat starts a new one (READ-5). Credits nothing.
 *   ── report:buy { requestId, thread } ───────▶  charges the report price, ack PnlReport (as of now)
 *   ── thread:publish { requestId, thread } ───▶  staff (role admin) becomes the post's author and
 *                                                  pays the Post Publish Tribute
 *   ◀── wallet:update WalletUpdate ─────────────  to every socket of a reader whose balance changed,
 *                                                  after the change committed (room `user:<id>`)
 *
 * Amounts are whole Twei (integers): a ledger of integers adds up exactly.
 */

/** Categories of the reference page's "Post Profit" table, in page order. */
export const ProfitCategories = [
  'pluses',
  'commentRewards',
  'likesOwn',
  'likesCommenter',
  'likesAuthor',
  'dislikesAuthor',
] as const;

/** Categories of the reference page's "Post Loss" table, in page order. */
export const LossCategories = [
  'minuses',
  'commentTributes',
  'dislikesOwn',
  'dislikesCommenter',
  'publishTribute',
  'reports',
] as const;

export type ProfitCategory = (typeof ProfitCategories)[number];
export type LossCategory = (typeof LossCategories)[number];
export type PnlCategory = ProfitCategory | LossCategory;

/**
 * Every ledger category: the twelve of the report, plus movements that belong to no post's PnL —
 * the starting grant and read-to-earn (shown above the table as "You earned").
 */
export type LedgerCategory = PnlCategory | 'grant' | 'read';

/** The reference page's wording for each category. */
export const CategoryLabels: Readonly<Record<PnlCategory, string>> = {
  pluses: 'Earned for Pluses',
  commentRewards: 'Comment Rewards',
  likesOwn: 'Likes Own',
  likesCommenter: 'Likes Commenter',
  likesAuthor: 'Likes Author',
  dislikesAuthor: 'Dislikes Author',
  minuses: 'Spent for Minuses',
  commentTributes: 'Comment Tributes',
  dislikesOwn: 'Dislikes Own',
  dislikesCommenter: 'Dislikes Commenter',
  publishTribute: 'Post Publish Tribute',
  reports: 'PnL Reports',
};

/** What each action pays or costs, as the server applies it (per site, configurable). */
export interface EconomyRulesView {
  amounts: Readonly<Record<PnlCategory, number>>;
  /** Given once, when a reader's account opens. */
  startingGrant: number;
  /** Read-to-earn: one Twei per this many ms of measured reading... */
  readMsPerTwei: number;
  /** ...up to this many Twei per post and reader. */
  readCapPerPost: number;
  /** How often the widget should send `read:heartbeat` while the reader reads. */
  heartbeatMs: number;
  // Issue 9 (server): optional, so a widget works with older servers. The server sends more rule
  // fields than these (diminishing, giver bars, mint budget); these are the ones a widget may show.
  /** How long a comment must stand before its rewards (Comment Rewards, reaction rewards) are paid, ms. */
  settleWindowMs?: number;
  /** The most a reader can earn on this site in one UTC day, all categories and reading together. */
  dailyEarnCap?: number;
  /** Who bears the Post Publish Tribute: `site` (nothing is charged to the author) or `author`. */
  publishTributePaidBy?: 'site' | 'author';
}

export interface WalletView {
  balance: number;
  /** Read-to-earn credited to this reader on this thread; 0 before the first credit ("None"). */
  readEarned: number;
  /** Reading time the server has measured on this thread, ms. */
  readMs: number;
  // Issue 9 (server): optional, absent from older servers.
  /** Rewards earned but not paid yet: they wait until their comment has stood for `settleWindowMs`. */
  pending?: number;
  /** What the reader owes the treasury (a reversal they could not cover); later credits repay it first. */
  debt?: number;
  /** Earned today (UTC day) on this site; when it reaches `dailyEarnCap` nothing more is paid today. */
  earnedToday?: number;
  /** The reader's daily earning cap on this site (the same as `rules.dailyEarnCap`). */
  dailyEarnCap?: number;
}

/** A bought report: one reader's twelve categories on one post, as of `boughtAt`. */
export interface PnlReport {
  id: string;
  thread: string;
  boughtAt: number;
  /** What the report cost (its own charge is included in `lines.reports`). */
  price: number;
  lines: Record<PnlCategory, number>;
  profitSubtotal: number;
  lossSubtotal: number;
  /** profitSubtotal − lossSubtotal: "Total Twei Earned". */
  total: number;
}

/**
 * How much of the economy a site runs: `off` (no Twei blocks, no tributes), `compact` (one line:
 * balance, earned, the report) or `full` (the reference page's blocks). A widget's `economy`
 * attribute can only reduce it.
 */
export const EconomyModes = ['off', 'compact', 'full'] as const;
export type EconomyMode = (typeof EconomyModes)[number];

export interface EconomyState {
  rules: EconomyRulesView;
  /** The site's economy mode. @default 'full' when absent (older servers). */
  mode?: EconomyMode;
  /** null for a guest. */
  wallet: WalletView | null;
  /** The post's author (who published the thread), or null when nobody has. */
  author: string | null;
  /** The viewer's bought reports for this thread, newest first. */
  reports: PnlReport[];
}

/**
 * [BEAT-17] How often the widget asks for a heartbeat's answer (ReadProgress) to keep its reading
 * time fresh; the beats in between go without an ack id, so the server sends nothing back for them.
 */
export const PROGRESS_EVERY_MS = 60_000;

/** The answer to a `read:heartbeat` sent with an ack callback. */
export interface ReadProgress {
  thread: string;
  readMs: number;
  readEarned: number;
  /** Twei credited by this heartbeat (0 most of the time). */
  credited: number;
  balance: number;
}

export interface PublishResult {
  thread: string;
  author: string;
  publishedAt: number;
}

/** Sent to a reader's own sockets whenever their balance changed. */
export interface WalletUpdate {
  balance: number;
  /** The thread the change happened on, or null (e.g. the starting grant). */
  thread: string | null;
  /** For read-to-earn credits: the new total read earned on `thread`; otherwise null. */
  readEarned: number | null;
  // Issue 9 (server): optional, absent from older servers; the same meaning as in WalletView.
  pending?: number;
  debt?: number;
  earnedToday?: number;
  dailyEarnCap?: number;
}
