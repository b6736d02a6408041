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
 * The 64 URL-safe characters of base64url in byte order ('-' < '0'…'9' < 'A'…'Z' < '_' < 'a'…'z'),
 * so an id's characters sort as its bits do (base64url's own order, A…Z a…z 0…9 - _, does not).
 */
const SORTED_ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/**
 * [DUR-4] A new record's id: 40 bits of the clock (ms) then 56 random bits, 16 URL-safe characters.
 * Still unguessable (2^56 a millisecond), and the ids of one second share their first five
 * characters, so a write's index entries (the comment's id; the ledger refs and pending rewards
 * named after it) land in a few hot pages instead of one random page each — pages the COMMIT
 * writes to the WAL and a checkpoint copies (issue 10 item 4).
 * [DUR-13] Written in base64url's characters in byte order, so ids sort by byte as by time: a new
 * id goes at the end of every index of ids, where SQLite appends to the last page (packed full)
 * instead of splitting a page among older ids. Ids made before (base64url order) stay what they
 * were: an id is opaque, only compared for equality, and the same 64 characters.
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (poolAt + 7 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const ms = Math.floor(now) % 2 ** 40;
  // 96 bits as four 24-bit groups, four characters each: 24 bits of the clock, then 16 of the
  // clock and 8 random, then 48 random.
  const high = Math.floor(ms / 2 ** 16);
  const mid = ((ms % 2 ** 16) * 256 + (pool[poolAt] as number)) >>> 0;
  const r1 = ((pool[poolAt + 1] as number) << 16) | ((pool[poolAt + 2] as number) << 8) | (pool[poolAt + 3] as number);
  const r2 = ((pool[poolAt + 4] as number) << 16) | ((pool[poolAt + 5] as number) << 8) | (pool[poolAt + 6] as number);
  poolAt += 7;
  return quad(high) + quad(mid) + quad(r1) + quad(r2);
}

/** Four characters of 6 bits each, most significant first. */
const quad = (bits: number): string =>
  (SORTED_ALPHABET[(bits >>> 18) & 63] as string) +
  (SORTED_ALPHABET[(bits >>> 12) & 63] as string) +
  (SORTED_ALPHABET[(bits >>> 6) & 63] as string) +
  (SORTED_ALPHABET[bits & 63] as string);

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
