import { ErrorCodes, type GatedAction, type Gates } from '@parley/protocol';
import { authorize, effectiveGates } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { ParleyError } from '../errors.js';
import type { Site } from '../sites/site-config.js';
import type { ReadTx } from '../store/types.js';
import type { CommandContext } from './context.js';

/** The site an identity (or a guest on a socket of that site) acts for. */
export function siteOf(ctx: CommandContext, identity: Identity | null, site?: string): Site {
  const found = site !== undefined ? ctx.sites.get(site) : ctx.sites.of(identity);
  if (!found) throw new ParleyError(ErrorCodes.unknownSite, 'This site is not hosted here.');
  return found;
}

/**
 * A thread's effective gates for readers of `site`. A thread belongs to the site that first created
 * it; to every other site it does not exist, so one site's readers never act on another's threads.
 */
export async function threadGates(tx: ReadTx, site: Site, thread: string): Promise<Gates> {
  const settings = await tx.getThreadSettings(thread);
  if (settings && settings.site !== site.id) {
    throw new ParleyError(ErrorCodes.notFound, 'This thread does not exist on this site.');
  }
  return effectiveGates(site.gates, settings?.gates);
}

/**
 * A gate check in a read transaction of its own, for gated calls that write nothing (the notes
 * relay): sign-in, the thread's site, then the reader's level against the thread's effective gate
 * for `action`. Returns the acting identity. Mutations check the same inside their write
 * transaction instead (`runGatedMutation`), saving a transaction per command.
 */
export async function authorizeInThread(
  ctx: CommandContext,
  identity: Identity | null,
  thread: string,
  action: GatedAction,
): Promise<Identity> {
  const site = siteOf(ctx, identity);
  const gates = await ctx.store.read((tx) => threadGates(tx, site, thread));
  return authorize(identity, action, gates);
}
