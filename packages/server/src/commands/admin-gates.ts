/**
 * An admin reads or changes one thread's gates. The site's configured gates stay the floor: a thread
 * records only what it adds on top, and its effective gates are the higher of the two per action.
 */
import { ErrorCodes, type Gates, type GateTightenings } from '@parley/protocol';
import { effectiveGates } from '../domain/gates.js';
import { ParleyError } from '../errors.js';
import type { Site } from '../sites/site-config.js';
import type { CommandContext } from './context.js';

export interface ThreadGatesView {
  site: string;
  thread: string;
  /** What readers are held to: per action, the higher of the site's gate and the thread's. */
  gates: Gates;
  /** What the thread itself records (page tightenings at creation, or an admin's choice). */
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

const notOnSite = (): ParleyError => new ParleyError(ErrorCodes.notFound, 'This thread does not exist on this site.');

export async function readThreadGates(ctx: CommandContext, site: Site, thread: string): Promise<ThreadGatesView> {
  const settings = await ctx.store.read((tx) => tx.getThreadSettings(thread));
  if (!settings || settings.site !== site.id) throw notOnSite();
  return view(site, thread, settings.gates);
}

/**
 * Replaces the thread's recorded gates. A thread nobody opened yet may be gated in advance (it then
 * belongs to this site); a thread of another site is not found, so one site's admin never reaches
 * another's threads.
 */
export async function changeThreadGates(
  ctx: CommandContext,
  site: Site,
  thread: string,
  gates: GateTightenings,
): Promise<ThreadGatesView> {
  const settings = await ctx.store.write(async (tx) => {
    const current = await tx.getThreadSettings(thread);
    if (current && current.site !== site.id) throw notOnSite();
    return tx.setThreadGates(thread, site.id, gates, ctx.now());
  });
  return view(site, thread, settings.gates);
}
