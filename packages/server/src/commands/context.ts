import { randomBytes, randomFillSync } from 'node:crypto';
import type { ModerationNotice, ThreadEvent } from '@parley/protocol';
import { resolveSite, SiteDirectory } from '../sites/site-config.js';
import type { Store } from '../store/types.js';
import type { WalletDelivery } from '../economy/ledger-book.js';
import { EconomyDirectory } from '../economy/rules.js';
import { ModerationHub } from '../moderation/hub.js';
import type { ModerationEvent } from '../moderation/events.js';
import { memoryIntervalGate, type IntervalGate } from './interval-gate.js';
import type { ReadingClocks } from '../economy/reading-clocks.js';

/** What every command may use. Clock and ids are injectable so tests are deterministic. */
export interface CommandContext {
  store: Store;
  /** The sites this server hosts: their gates, level policy and curves. */
  sites: SiteDirectory;
  /** Each site's Twei economy rules. */
  economy: EconomyDirectory;
  /** Screeners run at comment:post and moderation events fired after commit (moderation/hub.ts). */
  moderation: ModerationHub;
  now(): number;
  newId(): string;
  /** "Once per interval" bounds (read heartbeats): in memory, or shared by the cluster (Redis). */
  gate: IntervalGate;
  /** The server's reading clocks in memory (SPEC PERF-1); absent, every heartbeat is written. */
  reading?: ReadingClocks;
  /**
   * A reader's socket proved itself here and visible (a read heartbeat): renews its presence in the
   * thread, if it has one (SPEC PRES-7). Set by the realtime layer; absent without it.
   */
  presenceSeen?: (socketId: string, site: string, thread: string) => void;
}

/** A command's answer: the result for the caller, and the events to broadcast after commit. */
export interface CommandOutput<T> {
  result: T;
  events: ThreadEvent[];
  /** Balances that changed, for `wallet:update` to each reader's own sockets after commit. */
  wallets?: WalletDelivery[];
  /** For the site's moderators and admins only (room `mod:<site>`), after commit; never to a thread's room. */
  notices?: ModeratorDelivery[];
  /** Threads whose recorded gates changed: their rooms hear `thread:gates` after commit. */
  gateUpdates?: { site: string; thread: string }[];
  /** Fired on `ctx.moderation.events` after commit (webhooks, email, the console's live queue). */
  moderation?: ModerationEvent[];
}

export interface ModeratorDelivery {
  site: string;
  notice: ModerationNotice;
}

/** 96 random bits, URL-safe: unguessable, short enough for a DOM id. */
export const randomId = (): string => randomBytes(12).toString('base64url');

/** Random bytes drawn 4 KiB at a time: one `randomFillSync` per ~580 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/**
 * [DUR-4] A new record's id: 40 bits of the clock (ms) then 56 random bits, 16 URL-safe characters.
 * Still unguessable (2^56 a millisecond), and the ids of one second share their first five
 * characters, so a write's index entries (the comment's id; the ledger refs and pending rewards
 * named after it) land in a few hot pages instead of one random page each — pages the COMMIT
 * writes to the WAL and a checkpoint copies (issue 10 item 4).
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (poolAt + 7 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const bytes = Buffer.allocUnsafe(12);
  const ms = Math.floor(now) % 2 ** 40;
  bytes.writeUIntBE(ms, 0, 5);
  pool.copy(bytes, 5, poolAt, poolAt + 7);
  poolAt += 7;
  return bytes.toString('base64url');
}

/** Without `sites`: one open site, so command tests need no configuration. */
const openSite = (): SiteDirectory => new SiteDirectory([resolveSite({ id: 'default', secret: 'unused' }, { development: true })]);

export function createCommandContext(store: Store, overrides: Partial<Omit<CommandContext, 'store'>> = {}): CommandContext {
  const now = overrides.now ?? Date.now;
  return {
    store,
    sites: overrides.sites ?? openSite(),
    economy: overrides.economy ?? new EconomyDirectory(),
    moderation: overrides.moderation ?? new ModerationHub(),
    now,
    newId: overrides.newId ?? (() => timeOrderedId(now())),
    gate: overrides.gate ?? memoryIntervalGate(now),
    ...(overrides.reading ? { reading: overrides.reading } : {}),
  };
}
