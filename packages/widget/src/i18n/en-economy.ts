/**
 * English words of the Twei blocks, in parley.js with `<parley-earnings>` (the blocks draw in the
 * first paint, PAINT-9); a refusal's words are en-shortfall.ts, in the refusal's own chunk. Loading
 * this module adds them to the English every translator falls back to.
 */
import { english } from './translator.js';

export const enEconomy = {
  readToEarn: 'Read-to-Earn opportunity',
  timeToRead: 'Time to Read',
  readMinutes: '{count} min',
  youEarned: 'You earned:',
  none: 'None',
  yourBalance: 'Your balance',
  date: 'Date',
  guestReadHint: 'Sign in to earn up to {cap} for reading this post, and Twei for commenting.',
  capReachedHint: "You have earned today's most on this site ({cap}): reading and comments pay again from tomorrow (UTC).",
  readHint: 'Earn up to {cap} for reading this post, counted while you read.',
  commentToEarn: 'Comment-to-Earn',
  balance: 'Balance',
  earnedReading: 'Earned reading',
  ofCap: 'of {cap}',
  reportLabel: 'Your Post Profit and Loss report',
  report: 'Report',
  postProfit: 'Post Profit',
  postLoss: 'Post Loss',
  profitSubtotal: 'Profit Subtotal, Twei',
  lossSubtotal: 'Loss Subtotal, Twei',
  total: 'Total Twei Earned: {total}',
  getReport: 'Get report — {price}',
  getNewReport: 'Get new report — {price}',
  reportPrice: 'Price for report instance: {price}',
  pricesLabel: 'What actions pay or cost',
  priceComment: 'Comment:',
  priceCommentText: '{tribute} tribute, {reward} reward',
  priceLike: 'Like:',
  priceLikeText: '{you} to you, {them} to the commenter',
  priceDislike: 'Dislike:',
  priceDislikeText: '{you} to you, {them} to the commenter',
  pricePlus: 'Plus:',
  pricePlusText: 'free, {author} to the author',
  priceMinus: 'Minus:',
  'category.pluses': 'Earned for Pluses',
  'category.commentRewards': 'Comment Rewards',
  'category.likesOwn': 'Likes Own',
  'category.likesCommenter': 'Likes Commenter',
  'category.likesAuthor': 'Likes Author',
  'category.dislikesAuthor': 'Dislikes Author',
  'category.minuses': 'Spent for Minuses',
  'category.commentTributes': 'Comment Tributes',
  'category.dislikesOwn': 'Dislikes Own',
  'category.dislikesCommenter': 'Dislikes Commenter',
  'category.publishTribute': 'Post Publish Tribute',
  'category.reports': 'PnL Reports',
};

Object.assign(english, enEconomy);
