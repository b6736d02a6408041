import {
  ErrorCodes,
  type ClientEventName,
  type EconomyStateInput,
  type ReadHeartbeatInput,
  type ReportBuyInput,
  type ReportListInput,
  type ThreadPublishInput,
} from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import { siteOf } from '../commands/thread-gates.js';
import { walletRoom } from '../economy/accounts.js';
import { buyReport, economyState, listReports, publishThread, readHeartbeat } from '../economy/index.js';
import { ParleyError } from '../errors.js';
import type { Caller } from './types.js';

type EconomyHandler = (ctx: CommandContext, caller: Caller, input: unknown) => Promise<CommandOutput<unknown>>;

/** The economy's socket events. `economy:state` also puts the socket in its reader's wallet room. */
export const economyHandlers: readonly [ClientEventName, EconomyHandler][] = [
  [
    'economy:state',
    async (ctx, caller, input) => {
      const identity = caller.identity;
      const site = caller.site ?? undefined;
      const room = identity ? walletRoom(siteOf(ctx, identity, site).id, identity.id) : null;
      // A socket re-authenticated as someone else (or as a guest) stops hearing the old wallet.
      for (const joined of [...(caller.socket?.rooms ?? [])]) {
        if (joined.startsWith('user:') && joined !== room) await caller.socket?.leave(joined);
      }
      // Before reading the wallet: a change committed in between then arrives as a wallet:update.
      if (room) await caller.socket?.join(room);
      return economyState(ctx, identity, input as EconomyStateInput, site);
    },
  ],
  [
    'read:heartbeat',
    async (ctx, caller, input) => {
      // [PRES-7] A beat proves the tab is open and visible, as a presence renewal would: the widget
      // sends no renewal while it beats. Before the throttle: a second tab's refused beat proves it too.
      const beat = input as Partial<ReadHeartbeatInput> | null;
      // [READ-5] A stop says the tab stopped reading: it proves no presence, and it passes no gate
      // (CAP-4 bounds what beats may credit and write; a stop credits, writes and reads nothing).
      if (beat?.stop === true) return readHeartbeat(ctx, caller.identity, input as ReadHeartbeatInput, caller.site ?? undefined, caller.quiet === true);
      const thread = beat?.thread;
      if (caller.socket && typeof thread === 'string') ctx.presenceSeen?.(caller.socket.id, caller.socket.data.site, thread);
      await throttleHeartbeat(ctx, caller);
      return readHeartbeat(ctx, caller.identity, input as ReadHeartbeatInput, caller.site ?? undefined, caller.quiet === true);
    },
  ],
  ['report:buy', (ctx, caller, input) => buyReport(ctx, caller.identity, input as ReportBuyInput, caller.site ?? undefined)],
  ['report:list', (ctx, caller, input) => listReports(ctx, caller.identity, input as ReportListInput, caller.site ?? undefined)],
  ['thread:publish', (ctx, caller, input) => publishThread(ctx, caller.identity, input as ThreadPublishInput, caller.site ?? undefined)],
];

/**
 * Economy events that write, rate limited like every mutation. Heartbeats are not among them: a
 * reader's heartbeats must never use up the budget their comments and likes need — nor, behind one
 * office NAT, everyone else's. They have their own bound instead (throttleHeartbeat).
 */
export const economyMutatingEvents: readonly ClientEventName[] = ['report:buy', 'thread:publish'];

/**
 * One heartbeat per (site, reader) per half interval, however many sockets the reader opens
 * (LIMIT-12, CAP-4). A faster stream could earn nothing anyway (the server's one reading clock
 * decides); this bounds the writes a crafted client can cause. The gate is the context's: with
 * Redis it is one for the whole cluster (CLUSTER-8), so tabs spread over nodes gain nothing.
 */
async function throttleHeartbeat(ctx: CommandContext, caller: Caller): Promise<void> {
  if (!caller.socket || !caller.identity) return;
  const site = siteOf(ctx, caller.identity, caller.site ?? undefined).id;
  const minGapMs = Math.floor(ctx.economy.rulesFor(site).heartbeatMs / 2);
  const wait = await ctx.gate.claim(`heartbeat:${JSON.stringify([site, caller.identity.id])}`, minGapMs);
  if (wait > 0) {
    throw new ParleyError(ErrorCodes.rateLimited, 'Heartbeats come at most twice an interval per reader; this one was ignored.', { retryAfterMs: wait });
  }
}
