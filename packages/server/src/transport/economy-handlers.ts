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
    (ctx, caller, input) => {
      throttleHeartbeat(ctx, caller);
      return readHeartbeat(ctx, caller.identity, input as ReadHeartbeatInput, caller.site ?? undefined);
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

const lastBeat = new WeakMap<object, number>();

/**
 * One heartbeat per connection per half interval. A faster stream could earn nothing anyway (the
 * server's clock decides); this only bounds the writes a crafted client can cause per socket.
 */
function throttleHeartbeat(ctx: CommandContext, caller: Caller): void {
  const socket = caller.socket;
  if (!socket || !caller.identity) return;
  const minGapMs = Math.floor(ctx.economy.rulesFor(siteOf(ctx, caller.identity, caller.site ?? undefined).id).heartbeatMs / 2);
  const now = ctx.now();
  const previous = lastBeat.get(socket);
  if (previous !== undefined && now - previous < minGapMs) {
    throw new ParleyError(ErrorCodes.rateLimited, 'Heartbeats come at most twice an interval; this one was ignored.', {
      retryAfterMs: minGapMs - (now - previous),
    });
  }
  lastBeat.set(socket, now);
}
