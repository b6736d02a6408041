/**
 * What a host reads in the logs after a flood (SPEC LOG-2): every moderation action, one line each
 * (who, what, which comment, when); and refusals — rate limits, bad payloads, refused tokens —
 * counted and written as one summary line a minute per kind, so a flood of a million requests costs
 * the log a line a minute, not a million lines.
 */
import type { Ack } from '@parley/protocol';
import type { Logger } from '../logger.js';
import type { Caller } from './types.js';
import type { ModerationEventMap } from '../moderation/events.js';

/**
 * A held comment, one line each (SPEC SPAM-6): which comment, whose, and the reasons moderators
 * see. Holds are bounded by the posting limits, so they never flood the log.
 */
export function logHold(logger: Logger, event: ModerationEventMap['comment.held']): void {
  logger.info('comment held', { site: event.site, thread: event.thread, commentId: event.commentId, author: event.authorId, reasons: event.reasons, tags: event.tags });
}

/** One line per webhook or email attempt that succeeded, failed or was given up (SPEC WEBHOOK-5). */
export function logDelivery(logger: Logger, outcome: 'delivered' | 'retry' | 'failed', fields: Record<string, unknown>): void {
  if (outcome === 'delivered') logger.info('delivered', fields);
  else if (outcome === 'retry') logger.warn('delivery failed; will retry', fields);
  else logger.error('delivery given up', fields);
}

/** Moderation commands: each success is logged on its own line. */
const MODERATION = new Set(['comment:hide', 'comment:delete', 'thread:publish']);
/** Refusals counted for the summary (others are the reader's own business: level, funds). */
const SUMMARISED = new Set([
  'rate_limited',
  'invalid_payload',
  'unknown_event',
  'invalid_token',
  'origin_not_allowed',
  // Refused by the site's filters (SPEC WORDS-1, HOOK-3): counted, so a script posting spam in a loop costs a line a minute.
  'banned_words',
  'comment_rejected',
]);

export class ActivityLog {
  private counts = new Map<string, { count: number; addresses: Map<string, number> }>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly logger: Logger,
    everyMs = 60_000,
  ) {
    this.timer = setInterval(() => this.flush(), everyMs);
    this.timer.unref();
  }

  record(caller: Caller, event: unknown, input: unknown, ack: Ack<unknown>): void {
    const name = typeof event === 'string' ? event.slice(0, 40) : 'unknown';
    if (ack.ok) {
      if (!MODERATION.has(name) || !caller.identity) return;
      const { thread, commentId, hidden } = (input ?? {}) as { thread?: string; commentId?: string; hidden?: boolean };
      const { id, role } = caller.identity;
      this.logger.info('moderation', { action: name, by: id, role, site: caller.site ?? caller.identity.site, thread, commentId, ...(hidden !== undefined && { hidden }) });
      return;
    }
    const code = ack.error.code;
    if (!SUMMARISED.has(code)) return;
    const key = `${code} ${name}`;
    const entry = this.counts.get(key) ?? { count: 0, addresses: new Map<string, number>() };
    entry.count++;
    const address = caller.ip ?? 'in-process';
    if (entry.addresses.size < 1000 || entry.addresses.has(address)) entry.addresses.set(address, (entry.addresses.get(address) ?? 0) + 1);
    this.counts.set(key, entry);
  }

  /** Writes one line per kind of refusal seen since the last flush, with the busiest addresses. */
  flush(): void {
    const counts = this.counts;
    this.counts = new Map();
    for (const [key, { count, addresses }] of counts) {
      const [code, event] = key.split(' ');
      const top = [...addresses].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([address, n]) => ({ address, count: n }));
      this.logger.warn('requests refused', { code, event, count, addresses: addresses.size, top });
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
