import { ErrorCodes, type GatedAction, type Gates } from '@parley/protocol';
import { authorize, effectiveGates } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { threadKey, type ThreadKey } from '../domain/thread-key.js';
import { ParleyError } from '../errors.js';
import type { Site } from '../sites/site-config.js';
import type { ReadTx, ThreadRecord } from '../store/types.js';
import type { CommandContext } from './context.js';

/**
 * The site a call acts for (SPEC SITE-2): the connection's site when there is one (a guest
 * carries the site it connected for), else the identity's. An in-process identity that names no
 * site acts for the only site; on a server with several sites it must name one.
 */
export function siteOf(ctx: CommandContext, identity: Identity | null, site?: string): Site {
  const id = site ?? identity?.site;
  const found = id !== undefined ? ctx.sites.get(id) : ctx.sites.only;
  if (!found) {
    throw new ParleyError(
      ErrorCodes.unknownSite,
      id === undefined ? 'Say which site this call is for: several sites are hosted here.' : 'This site is not hosted here.',
    );
  }
  return found;
}

/** A thread as one site names it: the public id, and the key the store files it under. */
export interface ThreadRef {
  site: Site;
  /** The public thread id, as the page and the host name it. */
  id: string;
  key: ThreadKey;
}

export function threadRef(ctx: CommandContext, identity: Identity | null, thread: string, site?: string): ThreadRef {
  const resolved = siteOf(ctx, identity, site);
  return { site: resolved, id: thread, key: threadKey(resolved.id, thread) };
}

/** The error for a thread this site does not have, worded for the publisher who embedded it. */
export function unknownThread(ref: ThreadRef): ParleyError {
  return new ParleyError(
    ErrorCodes.notFound,
    `There is no discussion "${ref.id.slice(0, 80)}" on site "${ref.site.id}" yet. The publisher creates it: ` +
      'give the widget a signed thread-token, or run `parley threads create`, or enable autoCreateThreads for the site.',
    { thread: ref.id, site: ref.site.id },
  );
}

/** The thread, or `not_found` (SPEC THREAD-4): nothing acts on a thread its host never created. */
export async function requireThreadRecord(tx: ReadTx, ref: ThreadRef): Promise<ThreadRecord> {
  const thread = await tx.getThread(ref.key);
  if (!thread) throw unknownThread(ref);
  return thread;
}

/**
 * A thread's effective gates: the site's gates, raised by what the thread recorded (a host claim
 * or an admin). The thread must exist on the caller's site; to every other site it does not.
 */
export async function threadGates(tx: ReadTx, ref: ThreadRef): Promise<Gates> {
  await requireThreadRecord(tx, ref);
  const settings = await tx.getThreadSettings(ref.key);
  return effectiveGates(ref.site.gates, settings?.gates);
}

/**
 * A gate check in a read transaction of its own, for gated calls that write nothing (the notes
 * relay): the thread on the caller's site, sign-in, then the reader's level against the thread's
 * effective gate for `action`. Returns the acting identity. Mutations check the same inside their
 * write transaction instead (`runGatedMutation`), saving a transaction per command.
 */
export async function authorizeInThread(ctx: CommandContext, identity: Identity | null, ref: ThreadRef, action: GatedAction): Promise<Identity> {
  const gates = await ctx.store.read((tx) => threadGates(tx, ref));
  return authorize(identity, action, gates);
}
