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

/** When each (site, reader) last had a heartbeat accepted, per server (keyed by its economy rules). */
const beatsByServer = new WeakMap<object, { last: Map<string, number>; sweptAt: number }>();
/** Entries older than this cannot refuse anything any more (every site's half interval is shorter). */
const FORGET_AFTER_MS = 10 * 60 * 1000;

/**
 * One heartbeat per (site, reader) per half interval, however many sockets the reader opens
 * (LIMIT-12). A faster stream could earn nothing anyway (the server's one reading clock decides);
 * this bounds the writes a crafted client can cause. Per node: with N nodes a reader gets at most
 * N times the writes, and still one clock.
 */
function throttleHeartbeat(ctx: CommandContext, caller: Caller): void {
  if (!caller.socket || !caller.identity) return;
  const site = siteOf(ctx, caller.identity, caller.site ?? undefined).id;
  const minGapMs = Math.floor(ctx.economy.rulesFor(site).heartbeatMs / 2);
  const now = ctx.now();
  let beats = beatsByServer.get(ctx.economy);
  if (!beats) beatsByServer.set(ctx.economy, (beats = { last: new Map(), sweptAt: now }));
  const lastBeat = beats.last;
  if (now - beats.sweptAt > FORGET_AFTER_MS) {
    beats.sweptAt = now;
    for (const [key, at] of lastBeat) if (now - at > FORGET_AFTER_MS) lastBeat.delete(key);
  }
  const key = JSON.stringify([site, caller.identity.id]);
  const previous = lastBeat.get(key);
  if (previous !== undefined && now - previous < minGapMs) {
    throw new ParleyError(ErrorCodes.rateLimited, 'Heartbeats come at most twice an interval per reader; this one was ignored.', {
      retryAfterMs: minGapMs - (now - previous),
    });
  }
  lastBeat.set(key, now);
}
