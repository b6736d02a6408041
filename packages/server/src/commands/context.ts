import { randomBytes } from 'node:crypto';
import type { ModerationNotice, ThreadEvent } from '@parley/protocol';
import { resolveSite, SiteDirectory } from '../sites/site-config.js';
import type { Store } from '../store/types.js';
import type { WalletDelivery } from '../economy/ledger-book.js';
import { EconomyDirectory } from '../economy/rules.js';
import { memoryIntervalGate, type IntervalGate } from './interval-gate.js';

/** What every command may use. Clock and ids are injectable so tests are deterministic. */
export interface CommandContext {
  store: Store;
  /** The sites this server hosts: their gates, level policy and curves. */
  sites: SiteDirectory;
  /** Each site's Twei economy rules. */
  economy: EconomyDirectory;
  now(): number;
  newId(): string;
  /** "Once per interval" bounds (read heartbeats): in memory, or shared by the cluster (Redis). */
  gate: IntervalGate;
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
}

export interface ModeratorDelivery {
  site: string;
  notice: ModerationNotice;
}

/** 96 random bits, URL-safe: unguessable, short enough for a DOM id. */
export const randomId = (): string => randomBytes(12).toString('base64url');

/** Without `sites`: one open site, so command tests need no configuration. */
const openSite = (): SiteDirectory => new SiteDirectory([resolveSite({ id: 'default', secret: 'unused' }, { development: true })]);

export function createCommandContext(store: Store, overrides: Partial<Omit<CommandContext, 'store'>> = {}): CommandContext {
  const now = overrides.now ?? Date.now;
  return {
    store,
    sites: overrides.sites ?? openSite(),
    economy: overrides.economy ?? new EconomyDirectory(),
    now,
    newId: overrides.newId ?? randomId,
    gate: overrides.gate ?? memoryIntervalGate(now),
  };
}
