/**
 * English words said only once the thread is live — the composer's, those of a comment's inline
 * forms (edit, reply, delete, flag, a comment not sent), of presence (reading now, typing), of what
 * arrives or is refused over the socket. They come with the code that says them, in
 * the live parts' chunk (thread/live-parts.ts, SPEC PAINT-15), not in parley.js; loading this module
 * adds them to the English every translator falls back to.
 */
import { english } from './translator.js';

export const enLive = {
  upToDate: 'Up to date — nothing has moved on this post since this report',
  newMovements: { one: '{count} new movement since your last report', other: '{count} new movements since your last report' },
  reportFrom: 'This report is from {date} — a new one shows anything that moved since',
  buying: 'Buying…',
  readingNow: { one: '{count} reading now', other: '{count} reading now' },
  loadFailed: 'Comments could not be loaded: {reason}',
  readingAsGuest: 'Your sign-in has expired or is not valid: you are reading as a guest.',
  loadingReplies: 'Loading replies…',
  typingComment: '{name} is typing a comment…',
  typingReply: '{name} is typing a reply…',
  typingTwo: '{name} and {other} are typing…',
  typingMany: { one: '{name} and {count} other are typing…', other: '{name} and {count} others are typing…' },
  newCommentBy: 'New comment by {name}',
  flagging: 'Flagging…',
  rejectedByModerator: 'Not published — a moderator declined this comment',
  rejectedBecause: 'Not published — a moderator declined this comment: {reason}',
  flagged: 'Flagged — thank you',
  putHiddenAway: 'Put hidden text away',
  save: 'Save',
  notSent: 'Not sent',
  notSentBecause: 'Not sent — {reason}',
  retry: 'Retry',
  discard: 'Discard',
  confirmDeletion: 'Confirm deletion',
  deleteQuestion: 'Delete this comment? Replies stay visible.',
  cancel: 'Cancel',
  whyFlag: 'Why flag this comment?',
  flagSpam: 'Spam',
  flagAbuse: 'Abuse',
  flagOffTopic: 'Off-topic',
  flagOther: 'Other',
  post: 'Post',
  toSend: 'to send',
  counter: '{count} / {max}',
  overLimit: {
    one: '{count} character over the {max}-character limit: shorten it to post.',
    other: '{count} characters over the {max}-character limit: shorten it to post.',
  },
};

Object.assign(english, enLive);
