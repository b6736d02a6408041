/**
 * No dead ends: what a reader refused for want of Twei is told. Rules (tests name them):
 *   [W-E5] an `insufficient_funds` refusal of a post, reaction, vote or report is shown in the widget's
 *          own words, from the refusal's `need` and `balance` and the site's rules: what the action
 *          costs, what the reader has, and what really earns the difference — reading this article,
 *          at the rules' pace (`readMsPerTwei`), up to what is left of `readCapPerPost`, with how long
 *          that takes and the article's time to read; once this article's reading cap is reached, that
 *          other articles pay for reading. A debt is repaid first, so reading must cover it too; once
 *          today's earning cap is reached, that reading pays again tomorrow (UTC), not that it pays now.
 *          Never "comment to earn" for a refused comment.
 *   [W-E6] every other refusal keeps the server's message.
 * The words are a chunk of their own (earnings-loader.ts): they are needed only once a
 * refusal arrives, and are fetched then.
 */
import { ErrorCodes, type ClientEventName, type ParleyError } from '@parley/protocol';
import { duration, twei } from './format.js';
import type { ShortfallContext } from './shortfall.js';

/** The requests that can cost Twei, and how the message names them. */
export const PAID: Partial<Record<ClientEventName, string>> = {
  'comment:post': 'Posting a comment',
  'comment:react': 'This reaction',
  'post:vote': 'This vote',
  'report:buy': 'A report',
};

/** [W-E5] The widget's wording for an `insufficient_funds` refusal of `event`. */
export function shortfallMessage(event: ClientEventName, need: number, balance: number, ctx: ShortfallContext): string {
  const head = `${PAID[event] ?? 'This'} costs ${twei(need)} and you have ${balance}.`;
  const tail = event === 'comment:post' ? ' Your comment is kept here: send it again once you have.' : '';
  const { rules, wallet } = ctx;
  if (!rules) return `${head} Reading articles here earns Twei.${tail}`;
  const per = rules.readMsPerTwei;
  const cap = rules.readCapPerPost;
  const earned = wallet?.readEarned ?? 0;
  const readMs = wallet?.readMs ?? 0;
  const left = Math.max(0, cap - earned);
  // Credits repay a debt before they reach the balance.
  const debt = Math.max(0, wallet?.debt ?? 0);
  const short = Math.max(1, need - balance) + debt;
  const owed = debt > 0 ? ` You owe ${twei(debt)}, which credits repay first.` : '';
  const today =
    wallet?.dailyEarnCap !== undefined && wallet.earnedToday !== undefined ? wallet.dailyEarnCap - wallet.earnedToday : Infinity;
  if (today <= 0) {
    return `${head}${owed} You have earned today's most on this site (${twei(wallet!.dailyEarnCap!)}); reading pays again from tomorrow (UTC).${tail}`;
  }
  const pace = `${twei(1)} for every ${duration(per)} you read, up to ${twei(cap)}`;
  const length = ctx.readMinutes === null ? '' : ` (about ${ctx.readMinutes} min to read)`;
  if (left === 0) {
    return `${head}${owed} You have earned the ${twei(cap)} reading this article pays; other articles here pay ${pace} each.${tail}`;
  }
  const covered = Math.min(short, left, today);
  // Credits land on heartbeats: round up to the next beat, and never promise less than one beat.
  const beat = Math.max(1, rules.heartbeatMs);
  const ms = Math.max(beat, Math.ceil(Math.max(0, (earned + covered) * per - readMs) / beat) * beat);
  if (covered < short && covered === today) {
    return `${head}${owed} Reading this article${length} earns ${twei(covered)} more in about ${duration(ms)}, the rest of today's most on this site; reading pays again from tomorrow (UTC).${tail}`;
  }
  if (covered < short) {
    return `${head}${owed} Reading the rest of this article${length} earns ${twei(left)} more in about ${duration(ms)}; other articles here pay for reading too.${tail}`;
  }
  return `${head}${owed} Reading this article${length} earns ${pace}: about ${duration(ms)} more reading earns what this needs.${tail}`;
}

/** [W-E5] [W-E6] The refusal as the reader should see it. */
export function explainRefusal(error: ParleyError, event: ClientEventName, ctx: ShortfallContext): ParleyError {
  if (error.code !== ErrorCodes.insufficientFunds || !(event in PAID)) return error;
  const need = typeof error.need === 'number' ? error.need : null;
  const balance = typeof error.balance === 'number' ? error.balance : null;
  if (need === null || balance === null) return error;
  return { ...error, message: shortfallMessage(event, need, balance, ctx) };
}

