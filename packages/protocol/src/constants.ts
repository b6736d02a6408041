/** Shared limits. The server enforces them; the widget uses them to warn before sending. */
export const Limits = {
  /** Longest comment body, in characters (after trimming). */
  maxBodyLength: 5000,
  /** Largest page a client may ask for. */
  maxPageSize: 100,
  /** Page size when the client does not say. */
  defaultPageSize: 20,
  /** Replies sent with each root comment in a page; the rest are fetched with `comments:replies`. */
  repliesPerRoot: 10,
  /** Depth 0 is a root comment; replies deeper than this are shown flattened under depth 2. */
  maxDepth: 2,
  /** Longest thread id, requestId, comment id. */
  maxIdLength: 128,
  /** When a rejoin is further behind than this, the server sends a snapshot instead of events. */
  maxReplayEvents: 500,
  /** Longest sign-in token accepted; a bigger one is refused before any parsing (`invalid_token`). */
  maxTokenLength: 8192,
  /** Socket.IO `maxHttpBufferSize`: a packet larger than this closes the connection. */
  maxPacketBytes: 64 * 1024,
} as const;

export const Sorts = ['top', 'new', 'old'] as const;
export type Sort = (typeof Sorts)[number];

export const ReactionValues = ['like', 'dislike'] as const;
export type Reaction = (typeof ReactionValues)[number];

export const VoteValues = ['plus', 'minus'] as const;
export type Vote = (typeof VoteValues)[number];

/** Why a reader flags a comment (`comment:flag`). */
export const FlagReasons = ['spam', 'abuse', 'off-topic', 'other'] as const;
export type FlagReason = (typeof FlagReasons)[number];
/** Longest note a reader may add to a flag, in characters. */
export const MAX_FLAG_NOTE_LENGTH = 500;

export const Roles = ['moderator', 'admin'] as const;
export type Role = (typeof Roles)[number];
