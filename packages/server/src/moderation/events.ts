/**
 * Moderation events (SPEC MODLOG-4): fired AFTER the change committed, never for a rolled-back one,
 * once per change (a retried request emits nothing). Webhooks and email subscribe here:
 *
 *   ctx.moderation.events.on('comment.held', (e) => …)
 *
 * Listeners run synchronously in emit order; one that throws is logged and does not stop the
 * others. Do slow work (HTTP) asynchronously inside the listener.
 */
import { EventEmitter } from 'node:events';

/** Who a moderation event is about: ids are public ids (thread id without the site prefix). */
export interface CommentRef {
  site: string;
  thread: string;
  commentId: string;
  /** The comment's author. */
  authorId: string;
  authorName: string;
  /** The body at the time of the event ('' once deleted). */
  body: string;
  /** The comment's seq: for `comment.created` and `comment.approved` the seq of its live event. */
  seq: number | null;
  parentId: string | null;
  at: number;
}

/** A moderator or admin (or the site's admin key) that acted. */
export interface ActorRef {
  id: string;
  name: string;
  /** 'key' when signed in with the site's admin key. */
  role: 'moderator' | 'admin' | 'key';
}

export interface ModerationEventMap {
  /** A comment was published (directly, not held). */
  'comment.created': CommentRef;
  /** A reader flagged a comment; `flags` is its count after. */
  'comment.flagged': CommentRef & { reason: string; note: string | null; flags: number; flaggedBy: string };
  /** Pre-moderation held a comment: its author sees it "awaiting review"; nobody else does. */
  'comment.held': CommentRef & { reasons: string[]; tags: string[] };
  /** A moderator approved a held comment; it is now live with `seq`. */
  'comment.approved': CommentRef & { by: ActorRef };
  /**
   * A moderator rejected a held comment; it is never shown nor paid. `muted`: it was a shadow-muted
   * reader's, who is never told (otherwise its author's open widgets are, SPEC PREMOD-7).
   */
  'comment.rejected': CommentRef & { by: ActorRef; reason: string | null; muted?: true };
  /** A moderator hid, unhid or deleted a published comment. */
  'comment.moderated': CommentRef & { by: ActorRef; action: 'hide' | 'unhide' | 'delete'; reason: string | null };
  /** A reader was banned, suspended (until `until`) or shadow-muted site-wide. */
  'reader.banned': {
    site: string;
    userId: string;
    kind: 'ban' | 'suspend' | 'mute';
    until: number | null;
    reason: string | null;
    by: ActorRef;
    at: number;
  };
  /** A ban, suspension or mute was lifted. */
  'reader.unbanned': { site: string; userId: string; by: ActorRef; at: number };
}

export type ModerationEventName = keyof ModerationEventMap;

export type ModerationEvent = { [K in ModerationEventName]: { name: K; payload: ModerationEventMap[K] } }[ModerationEventName];

/** A typed EventEmitter. */
export class ModerationEvents {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor(private readonly onListenerError: (name: string, error: unknown) => void = () => {}) {
    this.emitter.setMaxListeners(100);
  }

  on<K extends ModerationEventName>(name: K, listener: (payload: ModerationEventMap[K]) => void): () => void {
    const wrapped = (payload: ModerationEventMap[K]): void => {
      try {
        listener(payload);
      } catch (error) {
        this.onListenerError(name, error);
      }
    };
    this.emitter.on(name, wrapped);
    return () => this.emitter.off(name, wrapped);
  }

  /** Every event, in order (the audit of what fired). */
  onAny(listener: (event: ModerationEvent) => void): () => void {
    const offs = eventNames.map((name) => this.on(name, (payload) => listener({ name, payload } as ModerationEvent)));
    return () => offs.forEach((off) => off());
  }

  emit<K extends ModerationEventName>(name: K, payload: ModerationEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  emitAll(events: readonly ModerationEvent[]): void {
    for (const event of events) this.emit(event.name, event.payload as never);
  }
}

export const eventNames: readonly ModerationEventName[] = [
  'comment.created',
  'comment.flagged',
  'comment.held',
  'comment.approved',
  'comment.rejected',
  'comment.moderated',
  'reader.banned',
  'reader.unbanned',
];

/** The CommentRef of a stored comment (`thread` is its public id). */
export function commentRef(
  site: string,
  thread: string,
  comment: { id: string; author: { id: string; name: string }; body: string; seq: number; parentId: string | null },
  at: number,
  seq: number | null = comment.seq,
): CommentRef {
  return { site, thread, commentId: comment.id, authorId: comment.author.id, authorName: comment.author.name, body: comment.body, seq, parentId: comment.parentId, at };
}
