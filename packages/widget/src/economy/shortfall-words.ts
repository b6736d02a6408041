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
import '../i18n/en-shortfall.js';
import type { Key } from '../i18n/en.js';
import { duration, twei } from './format.js';
import type { ShortfallContext } from './shortfall.js';

/** The requests that can cost Twei, and how the message names them. */
export const PAID: Partial<Record<ClientEventName, Key>> = {
  'comment:post': 'paidPost',
  'comment:react': 'paidReact',
  'post:vote': 'paidVote',
  'report:buy': 'paidReport',
};

/** [W-E5] The widget's wording for an `insufficient_funds` refusal of `event`. */
export function shortfallMessage(event: ClientEventName, need: number, balance: number, ctx: ShortfallContext): string {
  const { rules, wallet, t } = ctx;
  const head = t('shortHead', { what: t(PAID[event] ?? 'paidOther'), need: twei(t, need), balance });
  const tail = event === 'comment:post' ? ` ${t('shortKept')}` : '';
  if (!rules) return `${head} ${t('shortNoRules')}${tail}`;
  const per = rules.readMsPerTwei;
  const cap = rules.readCapPerPost;
  const earned = wallet?.readEarned ?? 0;
  const readMs = wallet?.readMs ?? 0;
  const left = Math.max(0, cap - earned);
  // Credits repay a debt before they reach the balance.
  const debt = Math.max(0, wallet?.debt ?? 0);
  const short = Math.max(1, need - balance) + debt;
  const owed = debt > 0 ? ` ${t('shortOwed', { debt: twei(t, debt) })}` : '';
  const today =
    wallet?.dailyEarnCap !== undefined && wallet.earnedToday !== undefined ? wallet.dailyEarnCap - wallet.earnedToday : Infinity;
  if (today <= 0) return `${head}${owed} ${t('shortToday', { cap: twei(t, wallet!.dailyEarnCap!) })}${tail}`;
  const pace = t('shortPace', { one: twei(t, 1), time: duration(t, per), cap: twei(t, cap) });
  const length = ctx.readMinutes === null ? '' : t('shortLength', { count: ctx.readMinutes });
  if (left === 0) return `${head}${owed} ${t('shortCapDone', { cap: twei(t, cap), pace })}${tail}`;
  const covered = Math.min(short, left, today);
  // Credits land on heartbeats: round up to the next beat, and never promise less than one beat.
  const beat = Math.max(1, rules.heartbeatMs);
  const ms = Math.max(beat, Math.ceil(Math.max(0, (earned + covered) * per - readMs) / beat) * beat);
  const time = duration(t, ms);
  if (covered < short && covered === today) {
    return `${head}${owed} ${t('shortTodayPart', { length, amount: twei(t, covered), time })}${tail}`;
  }
  if (covered < short) return `${head}${owed} ${t('shortRest', { length, amount: twei(t, left), time })}${tail}`;
  return `${head}${owed} ${t('shortEnough', { length, pace, time })}${tail}`;
}

/** [W-E5] [W-E6] The refusal as the reader should see it. */
export function explainRefusal(error: ParleyError, event: ClientEventName, ctx: ShortfallContext): ParleyError {
  if (error.code !== ErrorCodes.insufficientFunds || !(event in PAID)) return error;
  const need = typeof error.need === 'number' ? error.need : null;
  const balance = typeof error.balance === 'number' ? error.balance : null;
  if (need === null || balance === null) return error;
  // Already in the reader's words: not replaced by the catalog's generic words for the code [I18N-6].
  return { ...error, message: shortfallMessage(event, need, balance, ctx), localized: true };
}

