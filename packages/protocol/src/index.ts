export * from './constants.js';
export * from './errors.js';
export * from './events.js';
export type * from './model.js';
export type {
  ThreadJoinInput,
  ThreadLeaveInput,
  CommentPageInput,
  CommentRepliesInput,
  CommentPostInput,
  CommentEditInput,
  CommentDeleteInput,
  CommentReactInput,
  PostVoteInput,
} from './schemas.js';
