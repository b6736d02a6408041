/**
 * What screening a comment at `comment:post` time decides (SPEC PREMOD-1). The site's
 * pre-moderation policy (policy.ts) and every registered screener (word lists, spam heuristics, an
 * external hook — see `ModerationHub.registerScreener`) each answer one; `combineVerdicts` keeps the
 * strictest: reject > hold > publish, with every reason and tag of the ones that count.
 */
import type { Identity } from '../domain/identity.js';
import type { Site } from '../sites/site-config.js';

export type ScreenAction = 'publish' | 'hold' | 'reject';

export interface ScreenVerdict {
  action: ScreenAction;
  /**
   * Why, for moderators (the console shows them) and, for `reject`, for the author: the first
   * reason of a rejection is the error message they read, so write it for a person.
   */
  reasons: string[];
  /** Labels for moderators (e.g. `spam`, `toxicity:0.91`), kept on the held comment. */
  tags?: string[];
}

/** What a screener is told about a comment about to be posted. Nothing here comes from a client unchecked. */
export interface ScreenInput {
  site: Site;
  /** The thread's public id. */
  thread: string;
  /** The signed-in author (screening never runs for a guest: the gate refuses guests first). */
  author: Identity;
  /** The body as it will be stored (normalised: trimmed, length-checked). */
  body: string;
  /** The comment replied to, or null for a root comment. */
  parentId: string | null;
  /** ms since epoch, the server's clock. */
  at: number;
  /**
   * How long the author can have been writing, in ms: the widget's `composeMs` bounded by the
   * server's own clock since that connection joined the thread (transport/handlers.ts); undefined
   * when neither is known (in-process calls without it). Spam heuristics read it (spam.ts).
   */
  composeMs?: number | undefined;
}

/**
 * A screener: may be async (an HTTP hook), runs BEFORE the write transaction so a slow one never
 * blocks other writers. Return null (or `publish`) to let the comment through. A screener that
 * throws holds the comment (reason `screener failed`): a failing check never publishes unchecked
 * and never loses the comment.
 */
export type Screener = (input: ScreenInput) => ScreenVerdict | null | undefined | Promise<ScreenVerdict | null | undefined>;

export const PUBLISH: ScreenVerdict = Object.freeze({ action: 'publish', reasons: [] }) as ScreenVerdict;

const rank: Record<ScreenAction, number> = { publish: 0, hold: 1, reject: 2 };

/** The strictest of `verdicts`; reasons and tags of every verdict at that strictness, in order, once each. */
export function combineVerdicts(verdicts: readonly (ScreenVerdict | null | undefined)[]): ScreenVerdict {
  const given = verdicts.filter((v): v is ScreenVerdict => v != null);
  const action = given.reduce<ScreenAction>((worst, v) => (rank[v.action] > rank[worst] ? v.action : worst), 'publish');
  if (action === 'publish') {
    const tags = unique(given.flatMap((v) => v.tags ?? []));
    return tags.length > 0 ? { action, reasons: [], tags } : PUBLISH;
  }
  const counted = given.filter((v) => v.action === action);
  const tags = unique(given.flatMap((v) => v.tags ?? []));
  return { action, reasons: unique(counted.flatMap((v) => v.reasons)), ...(tags.length > 0 && { tags }) };
}

const unique = (values: string[]): string[] => [...new Set(values)];
