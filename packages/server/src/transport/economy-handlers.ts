import type {
  ClientEventName,
  EconomyStateInput,
  ReadHeartbeatInput,
  ReportBuyInput,
  ReportListInput,
  ThreadPublishInput,
} from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/context.js';
import { siteOf } from '../commands/thread-gates.js';
import { walletRoom } from '../economy/accounts.js';
import { buyReport, economyState, listReports, publishThread, readHeartbeat } from '../economy/index.js';
import type { Caller } from './types.js';

type EconomyHandler = (ctx: CommandContext, caller: Caller, input: unknown) => Promise<CommandOutput<unknown>>;

/** The economy's socket events. `economy:state` also puts the socket in its reader's wallet room. */
export const economyHandlers: readonly [ClientEventName, EconomyHandler][] = [
  [
    'economy:state',
    async (ctx, caller, input) => {
      const identity = caller.identity;
      const room = identity ? walletRoom(siteOf(ctx, identity).id, identity.id) : null;
      // A socket re-authenticated as someone else (or as a guest) stops hearing the old wallet.
      for (const joined of [...(caller.socket?.rooms ?? [])]) {
        if (joined.startsWith('user:') && joined !== room) await caller.socket?.leave(joined);
      }
      // Before reading the wallet: a change committed in between then arrives as a wallet:update.
      if (room) await caller.socket?.join(room);
      return economyState(ctx, identity, input as EconomyStateInput);
    },
  ],
  ['read:heartbeat', (ctx, caller, input) => readHeartbeat(ctx, caller.identity, input as ReadHeartbeatInput)],
  ['report:buy', (ctx, caller, input) => buyReport(ctx, caller.identity, input as ReportBuyInput)],
  ['report:list', (ctx, caller, input) => listReports(ctx, caller.identity, input as ReportListInput)],
  ['thread:publish', (ctx, caller, input) => publishThread(ctx, caller.identity, input as ThreadPublishInput)],
];

/**
 * Economy events that write: rate limited like every mutation. A heartbeat is one too — a flood of
 * them earns nothing (the server's clock decides), but each is a write the limit should bound.
 */
export const economyMutatingEvents: readonly ClientEventName[] = ['read:heartbeat', 'report:buy', 'thread:publish'];
