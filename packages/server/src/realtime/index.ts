/**
 * Presence and thread notes (Yjs for notes), wired to a server: see presence.ts and notes.ts for the rules,
 * and @parley/protocol realtime.ts for the message flow.
 */
import type { PresenceChange } from '@parley/protocol';
import { authorizeInThread, threadRef } from '../commands/thread-gates.js';
import type { CommandContext } from '../commands/index.js';
import type { PresenceTiming } from '../config.js';
import type { Logger } from '../logger.js';
import type { Handler } from '../transport/handlers.js';
import type { ParleyIo } from '../transport/types.js';
import { realtimeHandlers } from './handlers.js';
import { Notes, NOTES_CLUSTER_BUDGET } from './notes.js';
import type { LimiterFactory } from '../transport/rate-limit.js';
import { Presence } from './presence.js';

export interface Realtime {
  handlers: ReadonlyMap<string, Handler>;
  /** [PRES-9] Presence riding on the thread's `thread:events` now, if any. */
  rider(key: string): PresenceChange | undefined;
  close(): void;
}

/** `clusterLimiters`: the cluster's limiter store (Redis), for the budgets one node cannot keep alone. */
export function attachRealtime(
  io: ParleyIo,
  ctx: CommandContext,
  logger: Logger,
  timing: PresenceTiming = {},
  clustered = false,
  clusterLimiters?: LimiterFactory,
): Realtime {
  const presence = new Presence({ io, logger, now: ctx.now, ...timing, clustered });
  const notes = new Notes({
    io,
    store: ctx.store,
    now: ctx.now,
    gate: (identity, thread) => authorizeInThread(ctx, identity, thread, 'notes'),
    resolve: (caller, thread) => threadRef(ctx, caller.identity, thread, caller.site ?? undefined),
    ...(clusterLimiters && { clusterBudget: clusterLimiters('notes', NOTES_CLUSTER_BUDGET) }),
  });
  ctx.presenceSeen = (socketId, site, thread) => presence.seen(socketId, site, thread);
  return { handlers: realtimeHandlers(presence, notes), rider: (key) => presence.ride(key), close: () => presence.close() };
}
