export * from './constants.js';
export * from './errors.js';
export * from './events.js';
export * from './economy.js';
export * from './gates.js';
export * from './realtime.js';
export type * from './model.js';
export type {
  ThreadJoinInput,
  ThreadLeaveInput,
  CommentPageInput,
  CommentRepliesInput,
  CommentPostInput,
  CommentEditInput,
  CommentDeleteInput,
  CommentHideInput,
  CommentFlagInput,
  CommentHiddenBodyInput,
  CommentReactInput,
  PostVoteInput,
  GateTightenings,
  SessionAuthInput,
} from './schemas.js';
export type {
  EconomyStateInput,
  ReadHeartbeatInput,
  ReportBuyInput,
  ReportListInput,
  ThreadPublishInput,
} from './economy-schemas.js';
export type { NotesSyncInput, NotesUpdateInput, PresenceSyncInput, PresenceSetInput } from './realtime-schemas.js';
export * from './presence-view.js';
export * from './thread-page.js';
