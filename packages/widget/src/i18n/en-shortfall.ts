/**
 * English words of a refusal for want of Twei (economy/shortfall-words.ts, [W-E5]). They live in that
 * chunk, fetched when such a refusal arrives, not in parley.js; loading this module adds them to the
 * English every translator falls back to.
 */
import { english } from './translator.js';

export const enShortfall = {
  paidPost: 'Posting a comment',
  paidReact: 'This reaction',
  paidVote: 'This vote',
  paidReport: 'A report',
  paidOther: 'This',
  shortHead: '{what} costs {need} and you have {balance}.',
  shortKept: 'Your comment is kept here: send it again once you have.',
  shortNoRules: 'Reading articles here earns Twei.',
  shortOwed: 'You owe {debt}, which credits repay first.',
  shortToday: "You have earned today's most on this site ({cap}); reading pays again from tomorrow (UTC).",
  shortPace: '{one} for every {time} you read, up to {cap}',
  shortLength: ' (about {count} min to read)',
  shortCapDone: 'You have earned the {cap} reading this article pays; other articles here pay {pace} each.',
  shortTodayPart: "Reading this article{length} earns {amount} more in about {time}, the rest of today's most on this site; reading pays again from tomorrow (UTC).",
  shortRest: 'Reading the rest of this article{length} earns {amount} more in about {time}; other articles here pay for reading too.',
  shortEnough: 'Reading this article{length} earns {pace}: about {time} more reading earns what this needs.',
};

Object.assign(english, enShortfall);
