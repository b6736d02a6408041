/**
 * The storage contract of identity: which site a thread belongs to and the gates it recorded, and
 * the XP (lifetime Twei earned) from which a site that does not trust host levels computes levels.
 */
import type { GateTightenings } from '@parley/protocol';

export interface ThreadSettings {
  /** The site that first created the thread; to every other site it does not exist. */
  site: string;
  /** Gates recorded for the thread (page tightenings at creation, or an admin's later choice). */
  gates: GateTightenings;
  updatedAt: number;
}

export interface IdentityReadTx {
  getThreadSettings(thread: string): Promise<ThreadSettings | null>;
  /** A reader's lifetime XP on a site; 0 when none was ever recorded. */
  getXp(site: string, userId: string): Promise<number>;
}

export interface IdentityWriteTx extends IdentityReadTx {
  /** Records the thread's site and gates unless it already has some; returns what is stored. */
  recordThreadSettings(thread: string, site: string, gates: GateTightenings, at: number): Promise<ThreadSettings>;
  /** An admin's change: replaces the thread's recorded gates (the site stays the floor). */
  setThreadGates(thread: string, site: string, gates: GateTightenings, at: number): Promise<ThreadSettings>;
  /**
   * Adds earned XP (the economy calls this when it credits profit, inside the same transaction).
   * `amount` must be a positive integer; returns the new total.
   */
  addXp(site: string, userId: string, amount: number): Promise<number>;
  /** A moderator hides a comment: its body is kept aside and readers get '' with `hiddenAt`. */
  hideComment(thread: string, id: string, by: string, at: number): Promise<void>;
  /** Shows a hidden comment again; returns its restored body. */
  showComment(thread: string, id: string): Promise<string>;
}
