import type { EconomyRules } from './rules.js';

export interface ReadingStep {
  /** Reading time to add to the post this heartbeat is for, ms. */
  addMs: number;
  /** The reader's clock after this beat. */
  clock: number;
}

/**
 * How much reading one heartbeat proves. A heartbeat only says "visible and active now"; the time
 * comes from the SERVER's clock, so:
 *   [READ-1] the time credited never exceeds real time: each beat adds at most the time since the
 *            reader's previous beat — on any post, in any tab — so ten tabs (or a script beating every
 *            millisecond) share one clock and add up to wall time, not ten times it;
 *   [READ-2] a gap longer than two heartbeat intervals (tab hidden, reader idle, offline) counts nothing:
 *            the stream restarts at this beat;
 *   [READ-3] the first beat only starts the clock.
 */
export function readingStep(lastBeatAt: number | null, now: number, rules: EconomyRules): ReadingStep {
  if (lastBeatAt === null) return { addMs: 0, clock: now };
  if (now <= lastBeatAt) return { addMs: 0, clock: lastBeatAt };
  const gap = now - lastBeatAt;
  return { addMs: gap > rules.heartbeatMs * 2 ? 0 : gap, clock: now };
}

/** [READ-4] Read-to-earn for `readMs` on one post: whole Twei, never above the per-post cap. */
export function readEarnings(readMs: number, rules: EconomyRules): number {
  return Math.min(rules.readCapPerPost, Math.floor(readMs / rules.readMsPerTwei));
}
