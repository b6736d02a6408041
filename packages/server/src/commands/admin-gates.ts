/**
 * An admin reads or changes one thread's gates. The site's configured gates stay the floor: a thread
 * records only what it adds on top (clamped to the site's level curve), and its effective gates are
 * the higher of the two per action.
 */
import type { Gates, GateTightenings } from '@parley/protocol';
import { clampGates, effectiveGates } from '../domain/gates.js';
import type { Site } from '../sites/site-config.js';
import type { CommandContext } from './context.js';
import { requireThreadRecord } from './thread-gates.js';
import { maxLevelOf, refFor } from './threads.js';

export interface ThreadGatesView {
  site: string;
  thread: string;
  /** What readers are held to: per action, the higher of the site's gate and the thread's. */
  gates: Gates;
  /** What the thread itself records (a host claim's tightenings, or an admin's choice). */
  recorded: GateTightenings;
  /** The site's configured gates, the floor no thread goes below. */
  siteGates: Gates;
}

const view = (site: Site, thread: string, recorded: GateTightenings): ThreadGatesView => ({
  site: site.id,
  thread,
  gates: effectiveGates(site.gates, recorded),
  recorded,
  siteGates: site.gates,
});

export async function readThreadGates(ctx: CommandContext, site: Site, thread: string): Promise<ThreadGatesView> {
  const ref = refFor(site, thread);
  const settings = await ctx.store.read(async (tx) => {
    await requireThreadRecord(tx, ref);
    return tx.getThreadSettings(ref.key);
  });
  return view(site, thread, settings?.gates ?? {});
}

/** Replaces the thread's recorded gates. The thread must exist on this site (create it first). */
export async function changeThreadGates(
  ctx: CommandContext,
  site: Site,
  thread: string,
  gates: GateTightenings,
): Promise<ThreadGatesView> {
  const ref = refFor(site, thread);
  const settings = await ctx.store.write(async (tx) => {
    await requireThreadRecord(tx, ref);
    return tx.setThreadGates(ref.key, site.id, clampGates(gates, maxLevelOf(site)), ctx.now());
  });
  return view(site, thread, settings.gates);
}
